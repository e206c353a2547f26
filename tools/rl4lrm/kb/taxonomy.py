"""The survey taxonomy and the vocabulary of record kinds, read from taxonomy/*.yaml."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from .problems import Problem, dotted, pydantic_problems, relative
from .safeyaml import YamlProblem, load_file
from .schema import TaxonomyNode, Text

KINDS_FILE = "kinds.yaml"


class Kind(BaseModel):
    """One value of a record's `kind`."""

    model_config = ConfigDict(extra="forbid")
    id: Text
    title: Text
    description: Text


@dataclass
class Taxonomy:
    """All nodes by id (facet roots included, in file order) and the record kinds."""

    nodes: dict[str, TaxonomyNode] = field(default_factory=dict)
    kinds: dict[str, Kind] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    where: dict[str, tuple[str, int]] = field(default_factory=dict)

    @property
    def facets(self) -> list[TaxonomyNode]:
        return [node for node in self.nodes.values() if node.parent is None]

    def children(self, node_id: str) -> list[TaxonomyNode]:
        return [node for node in self.nodes.values() if node.parent == node_id]

    def ancestors(self, node_id: str) -> list[str]:
        """The node's parents up to its facet root, nearest first."""
        out: list[str] = []
        node = self.nodes.get(node_id)
        while node is not None and node.parent and node.parent not in out:
            out.append(node.parent)
            node = self.nodes.get(node.parent)
        return out

    def closure(self, node_ids: Iterable[str]) -> list[str]:
        """The given nodes (a record's taxonomy) and all their ancestors, each once, in first-seen order."""
        out: dict[str, None] = {}
        for node_id in node_ids:
            out.setdefault(node_id)
            out.update(dict.fromkeys(self.ancestors(node_id)))
        return list(out)

    def suggest(self, wrong: str, choices: list[str] | None = None) -> str:
        """A 'did you mean' hint for an unknown id, or ''."""
        pool = choices if choices is not None else list(self.nodes)
        close = difflib.get_close_matches(wrong, pool, n=1, cutoff=0.6)
        if not close:
            tail = wrong.rsplit("/", 1)[-1]
            close = [c for c in pool if c.rsplit("/", 1)[-1] == tail][:1]
        return f"did you mean '{close[0]}'?" if close else ""


def load_taxonomy(folder: Path, root: Path | None = None) -> Taxonomy:
    """Read every facet file and kinds.yaml; problems are collected, never raised."""
    tax = Taxonomy()
    if not folder.is_dir():
        tax.problems.append(Problem(relative(folder, root), 0, "", "taxonomy-missing", "taxonomy folder not found"))
        return tax
    for path in sorted(folder.glob("*.yaml")):
        name = relative(path, root)
        try:
            loaded = load_file(path, name)
        except YamlProblem as exc:
            tax.problems.append(exc.problem)
            continue
        data = loaded.data
        if not isinstance(data, dict):
            tax.problems.append(Problem(name, 1, "", "taxonomy-shape", "expected a mapping"))
            continue
        if path.name == KINDS_FILE:
            for index, item in enumerate(data.get("kinds") or []):
                try:
                    kind = Kind.model_validate(item)
                except ValidationError as exc:
                    tax.problems.extend(pydantic_problems(exc, name, loaded, Kind, ("kinds", index)))
                    continue
                tax.kinds[kind.id] = kind
            continue
        entries = [(("",), {k: v for k, v in data.items() if k != "nodes"})]
        entries += [(("nodes", i), item) for i, item in enumerate(data.get("nodes") or [])]
        for path_key, item in entries:
            prefix = () if path_key == ("",) else path_key
            if isinstance(item, dict) and prefix and "parent" not in item and isinstance(data.get("id"), str):
                item = {**item, "parent": data["id"]}
            try:
                node = TaxonomyNode.model_validate(item)
            except ValidationError as exc:
                tax.problems.extend(pydantic_problems(exc, name, loaded, TaxonomyNode, prefix))
                continue
            line = loaded.line_of(prefix)
            if node.id in tax.nodes:
                first = tax.where[node.id]
                tax.problems.append(
                    Problem(
                        name,
                        line,
                        dotted((*prefix, "id")),
                        "taxonomy-duplicate",
                        f"node '{node.id}' is also defined at {first[0]}:{first[1]}",
                    )
                )
                continue
            tax.nodes[node.id] = node
            tax.where[node.id] = (name, line)
    for node in tax.nodes.values():
        if node.parent is not None and node.parent not in tax.nodes:
            file, line = tax.where[node.id]
            tax.problems.append(
                Problem(
                    file,
                    line,
                    "parent",
                    "taxonomy-parent",
                    f"node '{node.id}' has parent '{node.parent}', which does not exist",
                    tax.suggest(node.parent),
                )
            )
        elif node.parent is not None and not node.id.startswith(node.parent + "/"):
            file, line = tax.where[node.id]
            tax.problems.append(
                Problem(
                    file,
                    line,
                    "id",
                    "taxonomy-path",
                    f"node '{node.id}' must start with its parent's id '{node.parent}/'",
                )
            )
    if not tax.kinds:
        tax.problems.append(
            Problem(relative(folder / KINDS_FILE, root), 0, "", "taxonomy-kinds", "no record kinds defined")
        )
    return tax
