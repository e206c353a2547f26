"""What makes two records the same work: normalised titles, arXiv ids parsed from anything, new ids."""

from __future__ import annotations

import re
import unicodedata

# The one definition of an arXiv identifier (without version): new style YYMM.NNNNN (four digits after the dot
# until 2014-12, five from 2015-01 on) or old style archive[.XX]/YYMMNNN.
ARXIV_NEW_ID = r"(?:0[7-9]\d\d|1[0-4]\d\d)\.\d{4}|(?:1[5-9]|[2-9]\d)\d\d\.\d{5}"
ARXIV_OLD_ID = r"[a-z-]+(?:\.[A-Z]{2})?/\d{7}"
ARXIV_ID = rf"(?:{ARXIV_NEW_ID}|{ARXIV_OLD_ID})"
ARXIV_VERSIONED = re.compile(rf"^(?P<id>{ARXIV_ID})(?:v(?P<version>\d+))?$")
ARXIV_ABS_URL = re.compile(rf"arxiv\.org/abs/(?P<id>{ARXIV_ID})(?:v(?P<version>\d+))?$")
ARXIV_URL = re.compile(rf"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/{ARXIV_ID}(?:v\d+)?(?:\.pdf)?/?$")

_LATEX_CMD = re.compile(r"\\[a-zA-Z]+\s*|\\.")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv(?:\.org)?[:/ ]\s*(?:abs/|pdf/|html/)?|^)"
    rf"(?P<id>{ARXIV_ID})(?:v\d+)?(?:\.pdf)?(?![\d.])",
    re.IGNORECASE,
)
_STOP = {"a", "an", "the", "of", "for", "and", "in", "on", "to", "with", "via", "by", "is", "are", "from"}


def normalize_title(title: str) -> str:
    """Lowercase ASCII words of a title, LaTeX commands, braces and punctuation removed."""
    text = _LATEX_CMD.sub("", title.replace("{", "").replace("}", ""))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _NON_WORD.sub(" ", text).strip()


def parse_arxiv_id(text: str) -> str | None:
    """The version-less arXiv id in an id, abs/pdf URL or 'arXiv:...' string, or None."""
    match = _ARXIV_IN_TEXT.search(text.strip())
    return match.group("id") if match else None


def split_arxiv_version(text: str) -> tuple[str, int | None] | None:
    """'2503.14476v2' -> ('2503.14476', 2); an id without version gives None as version; not an id: None."""
    match = ARXIV_VERSIONED.match(text.strip())
    if not match:
        return None
    version = match.group("version")
    return match.group("id"), int(version) if version else None


def arxiv_month(arxiv: str | None) -> str | None:
    """YYYY-MM a new-style arXiv id was submitted in (2503.14476 -> 2025-03), else None."""
    if not arxiv or not re.fullmatch(ARXIV_NEW_ID, arxiv):
        return None
    year, month = int(arxiv[:2]), int(arxiv[2:4])
    return f"{2000 + year}-{month:02d}" if 1 <= month <= 12 else None


def slugify(text: str, max_words: int = 6) -> str:
    words = [w for w in normalize_title(text).split() if w]
    kept = [w for w in words if w not in _STOP] or words
    return "-".join(kept[:max_words])[:60].strip("-")


def make_record_id(title: str, name: str | None, year: int | str, taken: set[str]) -> str:
    """A readable, unique id: the short name (or first title words) and the year, e.g. 'dapo-2025'."""
    base = slugify(name, 4) if name else ""
    if not base:
        base = slugify(title.split(":")[0] if ":" in title and len(title.split(":")[0]) > 3 else title, 5)
    base = f"{base or 'work'}-{year}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
