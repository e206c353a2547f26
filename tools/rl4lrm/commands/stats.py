"""rl4lrm stats: coverage per taxonomy node, counts per kind and year, and what records are missing."""

from __future__ import annotations

import argparse
import json
import sys

from ..kb.problems import render
from ..kb.project import find_project
from ..kb.stats import compute
from ..kb.taxonomy import Taxonomy
from ..kb.validate import validate


def _text(stats: dict, tax: Taxonomy) -> str:
    lines = [f"{stats['records']} records", "", "taxonomy node                                  section  direct  total"]
    for node_id, row in stats["nodes"].items():
        indent = "  " * tax.nodes[node_id].depth
        lines.append(f"{(indent + node_id):<46} {row['section']:<8} {row['direct']:>6} {row['total']:>6}")
    lines += [
        "",
        "kinds: " + ", ".join(f"{k} {n}" for k, n in stats["kinds"].items()),
        "years: " + ", ".join(f"{y} {n}" for y, n in stats["years"].items()),
        "",
    ]
    for what, ids in stats["missing"].items():
        lines.append(f"missing {what}: {len(ids)}")
    if stats["empty_nodes"]:
        lines.append("nodes without records: " + ", ".join(stats["empty_nodes"]))
    return "\n".join(lines)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace) -> int:
    report = validate(find_project(), progress=sys.stderr.isatty())
    if report.problems:
        print(render(report.problems, "text"), file=sys.stderr)
        print(f"({len(report.problems)} problem(s); counting the valid records only)", file=sys.stderr)
    stats = compute(report.records.records, report.taxonomy)
    print(json.dumps(stats, indent=1) if args.format == "json" else _text(stats, report.taxonomy))
    return 0
