"""rl4lrm import awesome|bibtex FILE: merge another collection into papers/ and report what happened."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..contrib.tagging import TaggingError, tagger_for
from ..importers.mapping import DEFAULT_AWESOME_MAP, DEFAULT_BIB_MAP, Placements, load_placements, load_section_map
from ..importers.merge import Merger, RecordStore, outcome_report
from ..kb.formatting import write_all_atomic
from ..kb.problems import DataError, Problem, render
from ..kb.project import find_project
from ..kb.records import load_records
from ..kb.taxonomy import load_taxonomy
from ..kb.validate import validate_change

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
        default = one.add_mutually_exclusive_group()
        default.add_argument(
            "--node", metavar="NODE", help="place new works that nothing else places in NODE (listed for review)"
        )
        default.add_argument(
            "--suggest",
            action="store_true",
            help="place new works that nothing else places in the tagger's first choice (listed for review)",
        )
        one.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")


def _read(source: str, path: Path, args: argparse.Namespace, tax) -> tuple[list, list[Problem]]:
    sections = load_section_map(args.map, tax)
    if source == "awesome":
        from ..importers.awesome import read_awesome

        return read_awesome(path, sections)
    from ..importers.bibtex import read_bibtex

    return read_bibtex(path, sections)


def _fallback(args: argparse.Namespace, project, tax, records):
    """The placement of works nothing else places: --node, the tagger (--suggest), or none."""
    if args.node:
        return lambda cand: ([args.node], "default", f"{args.node} (--node)")
    if not args.suggest:
        return None
    fitted: list = []

    def suggest(cand):
        if not fitted:  # fitted once, and only if some work needs it
            fitted.append(tagger_for(project, tax, records))
        suggestion = fitted[0].suggest(cand.title)
        if not suggestion.nodes:
            return None
        node, score = suggestion.nodes[0]
        return [node], "suggested", f"{node} (tagger, score {score:.2f})"

    return suggest


def _check_node(node: str | None, tax) -> str | None:
    if node is None:
        return None
    if node not in tax.nodes:
        hint = tax.suggest(node)
        return f"--node: unknown taxonomy node '{node}'" + (f" ({hint})" if hint else "")
    if tax.nodes[node].parent is None and tax.children(node):
        return f"--node: '{node}' is a whole facet; pick one of its nodes, e.g. '{tax.children(node)[0].id}'"
    return None


def run(args: argparse.Namespace) -> int:
    project = find_project()
    tax = load_taxonomy(project.taxonomy, project.root)
    if tax.problems:
        print(render(tax.problems, "text"), file=sys.stderr)
        print("rl4lrm import: fix the taxonomy first", file=sys.stderr)
        return 1
    wrong = _check_node(args.node, tax)
    if wrong:
        print(f"rl4lrm import: {wrong}", file=sys.stderr)
        return 2
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
    store = RecordStore(project.papers, existing.records)
    try:
        fallback = _fallback(args, project, tax, existing.records)
        merger = Merger(store, placements, fallback=fallback)
        # Undated candidates last: they can still merge into a record a dated entry of the same file creates.
        for cand in sorted(candidates, key=lambda c: c.date is None):
            merger.apply(cand)
    except TaggingError as exc:
        print(f"rl4lrm import: {exc}", file=sys.stderr)
        return 2
    texts = store.texts()
    # The whole import is one change: the would-be base is checked in memory before anything is written.
    wrong_after = validate_change(project, texts, records=existing)
    if wrong_after:
        print(outcome_report(args.file.name, merger.outcomes, problems, True))
        print(render(wrong_after, "text"), file=sys.stderr)
        print(
            f"rl4lrm import: nothing written: the import would leave {len(wrong_after)} problem(s) in the base",
            file=sys.stderr,
        )
        return 1
    if not args.dry_run:
        try:
            write_all_atomic({project.papers / name: text for name, text in texts.items()})
        except OSError as exc:
            where = exc.filename or "papers/"
            print(f"rl4lrm import: {exc.strerror or exc} ({where}); nothing written", file=sys.stderr)
            return 1
    print(outcome_report(args.file.name, merger.outcomes, problems, args.dry_run))
    return 0
