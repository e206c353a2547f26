"""Data files that steer an import: section headings -> taxonomy nodes, and hand placements of single works."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..kb.identity import normalize_title
from ..kb.problems import DataError, Problem, relative
from ..kb.safeyaml import YamlProblem, load_file
from ..kb.schema import RECORD_ID
from ..kb.taxonomy import Taxonomy

DATA = Path(__file__).parent / "data"
DEFAULT_AWESOME_MAP = DATA / "awesome-rl-for-lrms.yaml"
DEFAULT_BIB_MAP = DATA / "survey-bib-groups.yaml"


def heading_key(text: str) -> str:
    """A heading as matched against a mapping: lowercase words only (emoji, punctuation and case ignored)."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@dataclass(frozen=True)
class Placement:
    """Where a section (or one work) goes: taxonomy nodes and the kind of work when it is implied. For one work
    also: `same_as`, the record it is (when its title differs too much to match), and `id`, the id to give the
    record if the import creates it."""

    nodes: tuple[str, ...]
    kind: str | None = None
    same_as: str | None = None
    id: str | None = None


@dataclass
class SectionMap:
    """Heading text (as heading_key) -> placement."""

    sections: dict[str, Placement] = field(default_factory=dict)

    def lookup(self, headings: list[str]) -> Placement | None:
        """The placement of the innermost mapped heading, innermost last in `headings`."""
        for heading in reversed(headings):
            found = self.sections.get(heading_key(heading))
            if found:
                return found
        return None


@dataclass
class Placements:
    """Hand placements of single works, by arXiv id, BibTeX key, record id or title (any key with a space)."""

    by_key: dict[str, Placement] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_title = {normalize_title(k): v for k, v in self.by_key.items() if " " in k}

    def lookup(self, arxiv: str | None, bibtex_key: str | None, record_id: str | None, title: str) -> Placement | None:
        """Every entry naming the work, combined: all their nodes; kind, same_as and id from the first that has one."""
        found = [self.by_key[k] for k in (arxiv, bibtex_key, record_id) if k and k in self.by_key]
        found += [p for p in [self.by_title.get(normalize_title(title))] if p is not None]
        if len(found) < 2:
            return found[0] if found else None
        return Placement(
            tuple(dict.fromkeys(n for p in found for n in p.nodes)),
            next((p.kind for p in found if p.kind), None),
            next((p.same_as for p in found if p.same_as), None),
            next((p.id for p in found if p.id), None),
        )


def _placement(
    value: object, where: tuple[str, int], field_name: str, tax: Taxonomy
) -> tuple[Placement, list[Problem]]:
    name, line = where
    nodes, kind, same_as, rid = value, None, None, None
    if isinstance(value, dict):
        unknown = set(value) - {"nodes", "kind", "same_as", "id"}
        if unknown:
            return Placement(()), [
                Problem(
                    name,
                    line,
                    field_name,
                    "import-map",
                    f"unknown key '{sorted(unknown)[0]}'",
                    "use 'nodes', 'kind', 'same_as' and 'id'",
                )
            ]
        nodes, kind, same_as, rid = value.get("nodes", []), value.get("kind"), value.get("same_as"), value.get("id")
    if not isinstance(nodes, list) or not all(isinstance(n, str) for n in nodes):
        return Placement(()), [Problem(name, line, field_name, "import-map", "nodes must be a list of node ids")]
    problems = []
    for node in nodes:
        if node not in tax.nodes:
            problems.append(
                Problem(name, line, field_name, "unknown-node", f"unknown taxonomy node '{node}'", tax.suggest(node))
            )
    if kind is not None and kind not in tax.kinds:
        problems.append(
            Problem(
                name, line, field_name, "unknown-kind", f"unknown kind '{kind}'", "allowed: " + ", ".join(tax.kinds)
            )
        )
    for key, given in (("same_as", same_as), ("id", rid)):
        if given is not None and not (isinstance(given, str) and re.match(RECORD_ID, given)):
            problems.append(Problem(name, line, f"{field_name}.{key}", "import-map", f"{key} must be a record id"))
    return Placement(tuple(nodes), kind, same_as, rid), problems


def _read_mapping(path: Path, top: str, tax: Taxonomy) -> list[tuple[str, Placement]]:
    name = relative(path)
    if not path.is_file():
        raise DataError([Problem(name, 0, "", "import-map", "mapping file not found")])
    try:
        loaded = load_file(path, name)
    except YamlProblem as exc:
        raise DataError([exc.problem]) from None
    data = loaded.data
    if not isinstance(data, dict) or not isinstance(data.get(top), dict):
        raise DataError([Problem(name, 1, top, "import-map", f"expected a mapping with a '{top}:' mapping inside")])
    out, problems = [], []
    for key, value in data[top].items():
        placement, found = _placement(value, (name, loaded.line_of((top, key))), f"{top}.{key}", tax)
        problems.extend(found)
        out.append((str(key), placement))
    if problems:
        raise DataError(problems)
    return out


def load_section_map(path: Path, tax: Taxonomy) -> SectionMap:
    """Read a `sections:` mapping file; unknown nodes or kinds are errors naming file and line."""
    return SectionMap({heading_key(key): placement for key, placement in _read_mapping(path, "sections", tax)})


def load_placements(path: Path, tax: Taxonomy) -> Placements:
    """Read a `placements:` file: key: [nodes], or key: {nodes: [...], kind: ..., same_as: record-id, id: new-id}."""
    return Placements(dict(_read_mapping(path, "placements", tax)))
