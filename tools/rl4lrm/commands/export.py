"""rl4lrm export: the records (all, or a filtered selection) as BibTeX, JSON or CSV."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..kb.exports import EXPORT_FORMATS, Selection, records_bibtex, records_csv, records_json
from ..kb.formatting import write_atomic
from ..kb.problems import render
from ..kb.project import find_project
from ..kb.validate import validate


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=EXPORT_FORMATS, default="bibtex")
    parser.add_argument(
        "--node",
        action="append",
        default=[],
        metavar="ID",
        help="taxonomy node (sub-nodes included); repeat to require several",
    )
    parser.add_argument("--kind", action="append", default=[], help="record kind; repeat to allow several")
    parser.add_argument("--since", type=int, metavar="YEAR", help="first year to include")
    parser.add_argument("--until", type=int, metavar="YEAR", help="last year to include")
    parser.add_argument(
        "--has-code",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="only records with (--has-code) or without (--no-has-code) a code link",
    )
    parser.add_argument(
        "--has-baseline",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="only records with (or without) a baseline recipe",
    )
    parser.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")


def run(args: argparse.Namespace) -> int:
    report = validate(find_project(), progress=sys.stderr.isatty())
    if report.problems:
        print(render(report.problems, "text"), file=sys.stderr)
        print("export refused: fix the problems above first (rl4lrm validate)", file=sys.stderr)
        return 1
    tax = report.taxonomy
    for node in args.node:
        if node not in tax.nodes:
            print(
                f"rl4lrm export: --node: unknown taxonomy node '{node}' {tax.suggest(node)}".rstrip(), file=sys.stderr
            )
            return 2
    for kind in args.kind:
        if kind not in tax.kinds:
            print(f"rl4lrm export: --kind: unknown kind '{kind}' (allowed: {', '.join(tax.kinds)})", file=sys.stderr)
            return 2
    selection = Selection(args.node, args.kind, args.since, args.until, args.has_code, args.has_baseline)
    records = sorted(selection.apply(report.records.records, tax), key=lambda r: (r.date, r.id))
    if args.format == "bibtex":
        text = records_bibtex(records)
    elif args.format == "json":
        text = json.dumps(records_json(records), indent=1, ensure_ascii=False) + "\n"
    else:
        text = records_csv(records)
    if args.output:
        write_atomic(args.output, text)
        print(f"wrote {len(records)} records to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
