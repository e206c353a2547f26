"""Read an awesome-list README: markdown tables of works under section headings, one candidate per row.

Any table whose header names a Title column is read; Date, Name, Paper and Github/Code columns are used when
present. Links are sorted by where they point (arXiv, code, blog, ...), badges included. Each row is placed by
the innermost heading above it that the section map knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..kb.identity import arxiv_month
from ..kb.problems import DataError, Problem, relative
from ..kb.safeyaml import read_input
from .candidate import Candidate, add_link, clean_date, infer_kind
from .mapping import SectionMap

_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
_SEPARATOR = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_LINK = re.compile(r"\[(?:!\[(?P<alt>[^\]]*)\]\([^)]*\)|(?P<text>[^\]]*))\]\((?P<url>[^)\s]+)\)")
_COLUMNS = {
    "date": ("date", "year"),
    "name": ("name",),
    "title": ("title",),
    "paper": ("paper", "link", "pdf"),
    "code": ("github", "code", "repo", "repository"),
}


@dataclass
class Row:
    """One table row as read, with the headings above it."""

    line: int
    cells: dict[str, str]
    headings: list[str]


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return [cell.strip() for cell in body.split("|")]


def _columns(header: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for index, cell in enumerate(header):
        word = cell.strip("*` ").lower()
        for column, names in _COLUMNS.items():
            if column not in out and any(word.startswith(n) for n in names):
                out[column] = index
    return out


def read_rows(text: str, name: str) -> tuple[list[Row], list[Problem]]:
    """Every row of every table with a Title column, and problems for rows that cannot be read."""
    lines = text.splitlines()
    rows: list[Row] = []
    problems: list[Problem] = []
    stack: list[tuple[int, str]] = []
    columns: dict[str, int] | None = None
    width = 0
    in_code = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        heading = _HEADING.match(stripped)
        if heading:
            level = len(heading.group(1))
            stack = [(lv, t) for lv, t in stack if lv < level] + [(level, _plain(heading.group(2)))]
            columns = None
            continue
        if not stripped.startswith("|"):
            columns = None
            continue
        if _SEPARATOR.match(stripped):
            continue
        nxt = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if _SEPARATOR.match(nxt):
            header = _cells(stripped)
            found = _columns(header)
            columns, width = (found, len(header)) if "title" in found else (None, 0)
            continue
        if columns is None:
            continue
        cells = _cells(stripped)
        if len(cells) != width:
            problems.append(
                Problem(
                    name,
                    index + 1,
                    "",
                    "table-row",
                    f"expected {width} cells, found {len(cells)}",
                    "a '|' inside a cell?",
                )
            )
            continue
        rows.append(Row(index + 1, {col: cells[pos] for col, pos in columns.items()}, [t for _, t in stack]))
    if not rows and not problems:
        problems.append(Problem(name, 1, "", "no-tables", "no markdown table with a Title column found"))
    return rows, problems


def _plain(text: str) -> str:
    """Markdown cell text without links, badges, emphasis or code ticks."""
    text = _LINK.sub(lambda m: m.group("text") or m.group("alt") or "", text)
    text = text.replace("`", "").replace("**", "").replace("__", "")
    return " ".join(text.split())


def _links(cell: str, links: dict[str, str]) -> None:
    for match in _LINK.finditer(cell):
        add_link(links, match.group("url"), match.group("alt") or match.group("text") or "")


def candidate(row: Row, name: str, sections: SectionMap) -> tuple[Candidate | None, str]:
    """The candidate a row describes, or None and why not."""
    title = _plain(row.cells.get("title", "")).strip()
    title = title[:-1] if title.endswith(".") and not title.endswith("..") else title
    if not title or title == "-":
        return None, "no title"
    links: dict[str, str] = {}
    _links(row.cells.get("paper", ""), links)
    _links(row.cells.get("code", ""), links)
    _links(row.cells.get("title", ""), links)
    short = _plain(row.cells.get("name", "")).strip()
    placement = sections.lookup(row.headings)
    date = clean_date(_plain(row.cells.get("date", ""))) or arxiv_month(links.get("arxiv"))
    cand = Candidate(
        where=f"{name}:{row.line}",
        title=title,
        name=short if short and short != "-" else None,
        date=date,
        links=links,
        nodes=list(placement.nodes) if placement else [],
        kind=infer_kind(title, placement.kind if placement else None, links),
    )
    return cand, ""


def read_awesome(path: Path, sections: SectionMap) -> tuple[list[Candidate], list[Problem]]:
    """Candidates of every table row of an awesome-list README, plus problems for rows that were skipped."""
    name = relative(path)
    text = read_input(path, name)
    rows, problems = read_rows(text, name)
    if not rows:
        raise DataError(problems)
    out = []
    for row in rows:
        cand, why = candidate(row, name, sections)
        if cand is None:
            problems.append(Problem(name, row.line, "", "table-row", why))
        else:
            out.append(cand)
    return out, problems
