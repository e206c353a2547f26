"""`rl4lrm validate`: every record against the schema, the taxonomy, the baselines and each other.

Layout is not checked here: `rl4lrm fmt --check` reports unformatted files (CI and pre-commit run both).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog, load_catalog
from .identity import normalize_title
from .problems import Problem, relative
from .project import Project
from .records import RecordFile, RecordSet, load_records, parse_record
from .schema import first_day
from .taxonomy import Taxonomy, load_taxonomy


@dataclass
class Report:
    """What validation read and what it found wrong."""

    taxonomy: Taxonomy
    records: RecordSet
    catalog: Catalog
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _record_checks(file: RecordFile, tax: Taxonomy, catalog: Catalog, today: dt.date) -> list[Problem]:
    rec = file.record
    assert rec is not None
    out: list[Problem] = []
    if tax.kinds and rec.kind not in tax.kinds:
        out.append(
            Problem(
                file.name,
                file.line("kind"),
                "kind",
                "unknown-kind",
                f"unknown kind '{rec.kind}'",
                tax.suggest(rec.kind, list(tax.kinds)) or "allowed: " + ", ".join(tax.kinds),
            )
        )
    seen: set[str] = set()
    for index, node in enumerate(rec.taxonomy):
        if node not in tax.nodes:
            out.append(
                Problem(
                    file.name,
                    file.line("taxonomy", index),
                    f"taxonomy[{index}]",
                    "unknown-node",
                    f"unknown taxonomy node '{node}'",
                    tax.suggest(node),
                )
            )
        elif node in seen:
            out.append(
                Problem(
                    file.name,
                    file.line("taxonomy", index),
                    f"taxonomy[{index}]",
                    "repeated-node",
                    f"node '{node}' is listed twice",
                    "keep one",
                )
            )
        seen.add(node)
    for key, value in (("date", rec.date), ("added", rec.added)):
        if first_day(value) > today:
            out.append(Problem(file.name, file.line(key), key, "future-date", f"'{value}' is in the future"))
    for index, recipe in enumerate(rec.baselines):
        if recipe not in catalog.papers:
            out.append(
                Problem(
                    file.name,
                    file.line("baselines", index),
                    f"baselines[{index}]",
                    "unknown-baseline",
                    f"no recipe '{recipe}' in baselines/recipes/",
                    tax.suggest(recipe, sorted(catalog.papers)),
                )
            )
        elif rec.id not in catalog.papers[recipe]:
            where = catalog.where.get(recipe, ("baselines/recipes/" + recipe, 1))
            out.append(
                Problem(
                    file.name,
                    file.line("baselines", index),
                    f"baselines[{index}]",
                    "baseline-backlink",
                    f"recipe '{recipe}' does not list this record in its papers",
                    f"add '{rec.id}' to papers in {where[0]}",
                )
            )
    return out


def _cross_checks(files: list[RecordFile]) -> list[Problem]:
    out: list[Problem] = []
    checks = {
        "duplicate-id": (("id",), lambda r: r.id),
        "duplicate-arxiv": (("links", "arxiv"), lambda r: r.links.arxiv),
        "duplicate-title": (("title",), lambda r: normalize_title(r.title)),
        "duplicate-bibtex-key": (("bibtex_key",), lambda r: r.bibtex_key),
    }
    for rule, (path, key) in checks.items():
        groups: dict[str, list[RecordFile]] = defaultdict(list)
        for file in files:
            value = key(file.record)
            if value:
                groups[value].append(file)
        for value, group in groups.items():
            for file in group[1:]:
                first = group[0]
                out.append(
                    Problem(
                        file.name,
                        file.line(*path),
                        ".".join(path),
                        rule,
                        f"same {'.'.join(path)} as {first.name}:{first.line(*path)} ('{value}')",
                        "merge the two records into one",
                    )
                )
    return out


def _recipe_checks(files: list[RecordFile], catalog: Catalog) -> list[Problem]:
    by_id = {f.record.id: f.record for f in files}
    out = list(catalog.problems)
    for recipe, papers in sorted(catalog.papers.items()):
        name, line = catalog.where.get(recipe, (f"baselines/recipes/{recipe}", 1))
        for paper in sorted(papers):
            rec = by_id.get(paper)
            if rec is None:
                out.append(
                    Problem(
                        name,
                        line,
                        "papers",
                        "recipe-unknown-paper",
                        f"recipe '{recipe}' names paper record '{paper}', which does not exist",
                    )
                )
            elif recipe not in rec.baselines:
                out.append(
                    Problem(
                        name,
                        line,
                        "papers",
                        "recipe-backlink",
                        f"record '{paper}' does not list recipe '{recipe}' in its baselines",
                        f"add '{recipe}' to baselines in papers/{paper}.yaml",
                    )
                )
    return out


def check_records(files: list[RecordFile], tax: Taxonomy, catalog: Catalog, today: dt.date) -> list[Problem]:
    """Every check of valid records against the taxonomy, the baselines and each other (files parse already)."""
    valid = [f for f in files if f.record is not None]
    problems: list[Problem] = []
    for file in valid:
        problems.extend(_record_checks(file, tax, catalog, today))
    problems.extend(_cross_checks(valid))
    problems.extend(_recipe_checks(valid, catalog))
    return problems


def validate(project: Project, progress: bool = False, today: dt.date | None = None) -> Report:
    """Load and check everything; problems are sorted by file and line."""
    today = today or dt.date.today()
    tax = load_taxonomy(project.taxonomy, project.root)
    records = load_records(project.papers, project.root, progress=progress)
    catalog = load_catalog(project.recipes, project.root)
    problems = list(tax.problems) + list(records.problems)
    problems.extend(check_records(records.files, tax, catalog, today))
    return Report(tax, records, catalog, sorted(set(problems)))


def validate_change(
    project: Project, texts: dict[str, str], today: dt.date | None = None, records: RecordSet | None = None
) -> list[Problem]:
    """The problems the base would gain if ``texts`` (file name in papers/ -> new text) were written.

    The whole would-be base is checked in memory, as one change: each new or rewritten record on its own, then
    every record against the taxonomy, the baselines and each other (duplicate ids, arXiv ids, titles, BibTeX
    keys). Problems the base already has are not repeated. ``records`` is the base as loaded, if at hand.
    """
    today = today or dt.date.today()
    tax = load_taxonomy(project.taxonomy, project.root)
    records = records if records is not None else load_records(project.papers, project.root)
    catalog = load_catalog(project.recipes, project.root)
    before = set(tax.problems) | set(records.problems) | set(check_records(records.files, tax, catalog, today))
    prefix = relative(project.papers, project.root)
    changed: dict[str, RecordFile] = {}
    after: set[Problem] = set(tax.problems)
    for name, text in sorted(texts.items()):
        shown = f"{prefix}/{name}"
        file, problems = parse_record(text, shown, Path(name).stem)
        file.path = project.papers / name
        changed[shown] = file
        after.update(problems)
    after.update(p for p in records.problems if p.file not in changed)  # a rewritten file loses its old ones
    files = [changed.pop(f.name, f) for f in records.files] + list(changed.values())
    after.update(check_records(files, tax, catalog, today))
    return sorted(after - before)
