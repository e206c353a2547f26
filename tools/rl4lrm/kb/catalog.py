"""Which baseline recipes exist and which paper records each one reproduces (light: YAML only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem, relative
from .safeyaml import YamlProblem, load_file

DESIGN_FILE = "design.yaml"  # <algorithm>/design.yaml: the algorithm's design choices (rl4lrm.baselines.design)


def preset_files(folder: Path) -> list[Path]:
    """The recipe files of one algorithm folder: every *.yaml but its design.yaml, sorted by name."""
    return sorted(p for p in folder.glob("*.yaml") if p.name != DESIGN_FILE)


@dataclass
class Catalog:
    """Recipe ids (one folder per algorithm) mapped to the record ids their presets name."""

    papers: dict[str, set[str]] = field(default_factory=dict)
    where: dict[str, tuple[str, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def load_catalog(recipes: Path, root: Path | None = None) -> Catalog:
    """Read the `papers:` list of every baselines/recipes/<algorithm>/<preset>.yaml."""
    catalog = Catalog()
    if not recipes.is_dir():
        return catalog
    for folder in sorted(p for p in recipes.iterdir() if p.is_dir()):
        catalog.papers.setdefault(folder.name, set())
        for path in preset_files(folder):
            name = relative(path, root)
            try:
                loaded = load_file(path, name)
            except YamlProblem as exc:
                catalog.problems.append(exc.problem)
                continue
            papers = loaded.data.get("papers") if isinstance(loaded.data, dict) else None
            if not isinstance(papers, list) or not all(isinstance(p, str) for p in papers):
                catalog.problems.append(
                    Problem(
                        name,
                        loaded.line_of(("papers",)),
                        "papers",
                        "recipe-papers",
                        "must list the ids of the paper records this recipe reproduces",
                    )
                )
                continue
            catalog.papers[folder.name].update(papers)
            catalog.where.setdefault(folder.name, (name, loaded.line_of(("papers",))))
    return catalog
