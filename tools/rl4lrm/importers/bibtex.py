"""Read a BibTeX file (bibtexparser 2.x) into candidates: clean titles and names, arXiv ids, venues, group hints.

Comment lines between entries ('# Group', '## Subgroup', '% Note') name groups; the innermost group the
section map knows becomes a placement hint for the entries below it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import bibtexparser
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ImplicitComment, ParsingFailedBlock

from ..kb.identity import arxiv_month, parse_arxiv_id
from ..kb.problems import DataError, Problem, relative
from ..kb.safeyaml import read_input
from .candidate import Candidate, add_link, infer_kind
from .casing import restore_casing
from .mapping import SectionMap

_KEY = re.compile(r"^[A-Za-z0-9_:.+-]+$")
_ARXIV_VENUE = re.compile(r"^(arxiv\b.*|corr|preprint|arxiv preprint.*)$", re.I)
_URLISH = re.compile(r"https?:|^url\b|www\.", re.I)
_LATEX = None


def latex_to_text(value: str) -> str:
    """Plain one-line text of a BibTeX value: braces dropped, LaTeX accents and escapes decoded."""
    global _LATEX
    if "\\" in value or "$" in value or "~" in value:
        if _LATEX is None:
            from pylatexenc.latex2text import LatexNodes2Text

            _LATEX = LatexNodes2Text(math_mode="verbatim", keep_braced_groups=False)
        value = _LATEX.latex_to_text(value.replace("%", "\\%"))
    value = value.replace("{", "").replace("}", "").replace("\u00a0", " ")
    return " ".join(value.split())


def person(name: str) -> str:
    """'Last, First' or 'First Last' (with von and Jr parts) as 'First von Last, Jr'."""
    parts = parse_single_name_into_parts(name, strict=False)
    given = " ".join(parts.first)
    family = " ".join(parts.von + parts.last)
    text = " ".join(p for p in (given, family) if p)
    if parts.jr:
        text += ", " + " ".join(parts.jr)
    return latex_to_text(text)


def merged_names(field: str) -> bool:
    """True when an author field holds several people joined by commas instead of 'and' ('A B, C D').

    BibTeX reads such a field as one person 'Last, First'; only 'Family, Given' with a one-word given part and no
    further comma is a single name.
    """
    if re.search(r"\sand\s", field) or "," not in field:
        return False
    parts = [p.strip() for p in field.split(",")]
    return len(parts) > 2 or (" " in parts[0] and " " in parts[1])


def authors(field: str) -> tuple[list[str], bool]:
    """Authors in order as 'Given Family', and whether the list ended in 'and others'."""
    names = [n for n in split_multiple_persons_names(field) if n.strip()]
    truncated = bool(names) and names[-1].strip().lower() in ("others", "et al.", "et al")
    if truncated:
        names = names[:-1]
    return [p for p in (person(n) for n in names) if p], truncated


def _arxiv(fields: dict[str, str]) -> str | None:
    eprint = fields.get("eprint", "")
    if eprint and fields.get("archiveprefix", "arxiv").lower() == "arxiv":
        found = parse_arxiv_id(eprint)
        if found:
            return found
    volume = fields.get("volume", "")
    if volume.lower().startswith("abs/"):
        found = parse_arxiv_id(volume[4:])
        if found:
            return found
    for key in ("journal", "url", "note", "howpublished", "booktitle"):
        value = fields.get(key, "")
        if "arxiv" in value.lower():
            found = parse_arxiv_id(value)
            if found:
                return found
    return None


def _venue(fields: dict[str, str], arxiv: str | None) -> str | None:
    for key in ("booktitle", "journal"):
        value = latex_to_text(fields.get(key, ""))
        if value and not _ARXIV_VENUE.match(value) and not _URLISH.search(value):
            return value
    return "arXiv" if arxiv else None


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _date(year: str, month: str) -> str | None:
    """YYYY or YYYY-MM from BibTeX year and month ('7', 'jul', 'July')."""
    year, month = year.strip(), month.strip().lower()
    if not re.fullmatch(r"\d{4}", year):
        return None
    number = int(month) if month.isdigit() else (_MONTHS.index(month[:3]) + 1 if month[:3] in _MONTHS else 0)
    return f"{year}-{number:02d}" if 1 <= number <= 12 else year


def _urls(fields: dict[str, str]) -> list[str]:
    out = []
    for key in ("url", "howpublished", "note"):
        out += re.findall(r"https?://[^\s{}\\]+", fields.get(key, "").replace("\\url{", " "))
    return out


def _unenclose(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and (value[0], value[-1]) in (("{", "}"), ('"', '"')):
        return value[1:-1]
    return value


def candidate(entry: Entry, name: str, hint: tuple[tuple[str, ...], str | None]) -> tuple[Candidate | None, str]:
    """The candidate a BibTeX entry describes, or None and why not."""
    fields = {f.key.lower(): _unenclose(str(f.value)) for f in entry.fields}
    title = restore_casing(latex_to_text(fields.get("title", "")).rstrip(".").strip())  # braces lost case
    if not title:
        return None, f"entry '{entry.key}' has no title"
    arxiv = _arxiv(fields)
    links: dict[str, str] = {"arxiv": arxiv} if arxiv else {}
    for url in _urls(fields):
        add_link(links, url)
    date = arxiv_month(arxiv) or _date(fields.get("year", ""), fields.get("month", ""))
    if merged_names(fields.get("author", "")):
        return None, (
            f"entry '{entry.key}': author field '{fields['author'][:80]}' has commas but no 'and'; "
            "BibTeX would read several people as one (write 'A B and C D')"
        )
    names, truncated = authors(fields.get("author", ""))
    hint_nodes, hint_kind = hint
    return Candidate(
        where=f"{name}:{entry.start_line + 1}",
        title=title,
        authors=names,
        authors_truncated=truncated,
        date=date,
        venue=_venue(fields, arxiv),
        links=links,
        hint_nodes=list(hint_nodes),
        kind=infer_kind(title, hint_kind, links),
        bibtex_key=entry.key if _KEY.match(entry.key) else None,
    ), ""


def _headings(comment: str) -> list[tuple[int, str]]:
    out = []
    for line in comment.splitlines():
        match = re.match(r"^\s*(#+|%+)\s*(.*?)\s*$", line)
        if match and match.group(2):
            level = len(match.group(1)) if match.group(1)[0] == "#" else 9
            out.append((level, match.group(2)))
    return out


def read_bibtex(path: Path, sections: SectionMap) -> tuple[list[Candidate], list[Problem]]:
    """Candidates of every entry of a .bib file, plus problems for blocks and entries that were skipped."""
    name = relative(path)
    text = read_input(path, name)
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        library = bibtexparser.parse_string(text)
    finally:
        logger.setLevel(level)
    problems: list[Problem] = []
    stack: list[tuple[int, str]] = []
    seen_keys: dict[str, int] = {}
    out = []
    for block in library.blocks:
        if isinstance(block, ImplicitComment):
            for level, heading in _headings(block.comment):
                stack = [(lv, t) for lv, t in stack if lv < level] + [(level, heading)]
            continue
        if isinstance(block, DuplicateBlockKeyBlock):
            first = seen_keys.get(block.key)
            where = f"{name}:{first}" if first else "an earlier entry"
            problems.append(
                Problem(
                    name,
                    block.start_line + 1,
                    "",
                    "bibtex-duplicate-key",
                    f"citation key '{block.key}' is used again (first at {where}); this entry is skipped",
                    "give each entry its own key, or merge the two",
                )
            )
            continue
        if isinstance(block, Entry):
            seen_keys.setdefault(block.key, block.start_line + 1)
        if isinstance(block, ParsingFailedBlock):
            reason = getattr(block.error, "abort_reason", "") or str(block.error) or type(block.error).__name__
            problems.append(
                Problem(
                    name,
                    block.start_line + 1,
                    "",
                    "bibtex-syntax",
                    f"cannot parse this block: {' '.join(reason.split())}",
                )
            )
            continue
        if not isinstance(block, Entry):
            continue
        placement = sections.lookup([t for _, t in stack])
        hint = (placement.nodes, placement.kind) if placement else ((), None)
        cand, why = candidate(block, name, hint)
        if cand is None:
            problems.append(Problem(name, block.start_line + 1, "", "bibtex-entry", why))
        else:
            out.append(cand)
    if not out and not problems:
        problems.append(Problem(name, 1, "", "bibtex-empty", "no BibTeX entries found"))
    if not out:
        raise DataError(problems)
    return out, problems
