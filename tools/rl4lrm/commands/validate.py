"""rl4lrm validate: exit 0 only when every record, the taxonomy and the baselines are valid."""

from __future__ import annotations

import argparse
import sys
import time

from ..kb.problems import FORMATS, render
from ..kb.project import find_project
from ..kb.validate import validate


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="'github' prints annotations GitHub shows on the pull request diff",
    )
    parser.add_argument("--quiet", action="store_true", help="print problems only, no summary")


def run(args: argparse.Namespace) -> int:
    project = find_project()
    started = time.perf_counter()
    report = validate(project, progress=sys.stderr.isatty())
    seconds = time.perf_counter() - started
    if report.problems:
        print(render(report.problems, args.format))
    if not args.quiet and args.format != "json":
        files = len(report.records.files)
        status = "ok" if report.ok else f"{len(report.problems)} problem(s)"
        print(
            f"validated {files} records and {len(report.taxonomy.nodes)} taxonomy nodes in {seconds:.2f}s: {status}",
            file=sys.stderr,
        )
    return 0 if report.ok else 1
