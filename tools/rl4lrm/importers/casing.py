"""Title case a bibliography lost: the field's acronyms and names restored from a reviewed list of spellings."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from ..kb.problems import DataError, Problem
from ..kb.safeyaml import YamlProblem, load_file

SPELLINGS = Path(__file__).parent / "data" / "title-casing.yaml"
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")


@functools.cache
def spellings(path: Path = SPELLINGS) -> dict[str, str]:
    """Lowercased spelling -> canonical spelling, from a YAML list."""
    try:
        data = load_file(path, path.name).data
    except YamlProblem as exc:
        raise DataError([exc.problem]) from None
    if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
        raise DataError([Problem(path.name, 1, "", "casing-list", "must be a YAML list of spellings")])
    return {item.lower(): item for item in data}


def _word(word: str, known: dict[str, str]) -> str:
    return known.get(word.lower(), word)


def restore_casing(title: str, known: dict[str, str] | None = None) -> str:
    """The title with every word (or hyphenated compound) that is a listed term in its canonical spelling."""
    known = spellings() if known is None else known

    def fix(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.lower() in known:
            return known[token.lower()]
        return "-".join(_word(part, known) for part in token.split("-"))

    return _TOKEN.sub(fix, title)


def capitals(text: str) -> int:
    """How many capital letters text has (of two spellings of one title, the one with more kept its case)."""
    return sum(ch.isupper() for ch in text)
