"""rl4lrm stats: coverage per taxonomy node, counts per kind and year, and what records are missing."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from ..kb.problems import render
from ..kb.project import find_project
from ..kb.schema import Record
from ..kb.taxonomy import Taxonomy
from ..kb.validate import validate


def compute(records: list[Record], tax: Taxonomy) -> dict:
    """Counts as a JSON-ready mapping: per node (direct and with sub-nodes), kind, year, and gaps."""
    direct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for record in records:
        direct.update(record.taxonomy)
        covered = set(record.taxonomy)
        for node in record.taxonomy:
            covered.update(tax.ancestors(node))
        total.update(covered)
    return {
        "records": len(records),
        "nodes": {
            node_id: {"section": node.section, "title": node.title, "direct": direct[node_id], "total": total[node_id]}
            for node_id, node in tax.nodes.items()
        },
        "kinds": dict(Counter(r.kind for r in records).most_common()),
        "years": dict(sorted(Counter(r.year for r in records).items())),
        "missing": {
            "authors": sorted(r.id for r in records if not r.authors),
            "code": sorted(r.id for r in records if not r.links.code),
            "arxiv": sorted(r.id for r in records if not r.links.arxiv),
            "summary": sorted(r.id for r in records if not r.summary),
        },
        "empty_nodes": [node_id for node_id in tax.nodes if not total[node_id]],
    }


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
