"""What makes two records the same work: normalised titles, arXiv ids parsed from anything, new ids."""

from __future__ import annotations

import re
import unicodedata

_LATEX_CMD = re.compile(r"\\[a-zA-Z]+\s*|\\.")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv(?:\.org)?[:/ ]\s*(?:abs/|pdf/|html/)?|^)"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?",
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
