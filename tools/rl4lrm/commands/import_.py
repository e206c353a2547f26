"""rl4lrm import awesome|bibtex FILE: merge another collection into papers/ and report what happened."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..importers.mapping import DEFAULT_AWESOME_MAP, DEFAULT_BIB_MAP, Placements, load_placements, load_section_map
from ..importers.merge import Merger, RecordStore, outcome_report
from ..kb.problems import DataError, Problem, render
from ..kb.project import find_project
from ..kb.records import load_records
from ..kb.taxonomy import load_taxonomy

SOURCES = {
    "awesome": ("an awesome-list README with markdown tables", DEFAULT_AWESOME_MAP),
    "bibtex": ("a .bib file (Zotero, Overleaf, ...)", DEFAULT_BIB_MAP),
}


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="source", required=True, metavar="{awesome,bibtex}")
    for source, (what, default_map) in SOURCES.items():
        one = sub.add_parser(source, help=f"import {what}")
        one.add_argument("file", type=Path, help=f"{what}")
        one.add_argument(
            "--map",
            type=Path,
            default=default_map,
            metavar="FILE",
            help="YAML 'sections:' mapping of headings/groups to taxonomy nodes "
            f"(default: {default_map.name}, shipped with rl4lrm)",
        )
        one.add_argument(
            "--place",
            type=Path,
            metavar="FILE",
            help="YAML 'placements:' of single works (by arXiv id, BibTeX key, record id or title) to nodes, "
            "kind, same_as (the record it is) and id (for a new record)",
        )
        one.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")


def _read(source: str, path: Path, args: argparse.Namespace, tax) -> tuple[list, list[Problem]]:
    sections = load_section_map(args.map, tax)
    if source == "awesome":
        from ..importers.awesome import read_awesome

        return read_awesome(path, sections)
    from ..importers.bibtex import read_bibtex

    return read_bibtex(path, sections)


def run(args: argparse.Namespace) -> int:
    project = find_project()
    tax = load_taxonomy(project.taxonomy, project.root)
    if tax.problems:
        print(render(tax.problems, "text"), file=sys.stderr)
        print("rl4lrm import: fix the taxonomy first", file=sys.stderr)
        return 1
    existing = load_records(project.papers, project.root)
    if existing.problems:
        print(render(existing.problems, "text"), file=sys.stderr)
        print("rl4lrm import: fix the records above first (rl4lrm validate)", file=sys.stderr)
        return 1
    try:
        placements = load_placements(args.place, tax) if args.place else Placements()
        candidates, problems = _read(args.source, args.file, args, tax)
    except DataError as exc:
        print(render(exc.problems, "text"), file=sys.stderr)
        return 1
    merger = Merger(RecordStore(project.papers, existing.records), placements, write=not args.dry_run)
    # Undated candidates last: they can still merge into a record a dated entry of the same file creates.
    for cand in sorted(candidates, key=lambda c: c.date is None):
        merger.apply(cand)
    print(outcome_report(args.file.name, merger.outcomes, problems, args.dry_run))
    return 0
