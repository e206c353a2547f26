"""rl4lrm discover: search arXiv for new papers in scope, report them ranked by relevance, --write the records."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..contrib.arxiv import ArxivError
from ..contrib.discover import DEFAULT_MAX, discover, report_markdown
from ..contrib.relevance import THRESHOLD
from ..contrib.tagging import TaggingError
from ..kb.formatting import write_all_atomic, write_atomic
from ..kb.problems import render
from ..kb.project import find_project


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a day (YYYY-MM-DD)") from None


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=_day, required=True, metavar="YYYY-MM-DD", help="first submission day")
    parser.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="last submission day (default: today)")
    parser.add_argument(
        "--max", type=int, default=DEFAULT_MAX, metavar="N", help=f"arXiv results to read at most ({DEFAULT_MAX})"
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=THRESHOLD,
        help=f"relevance a paper needs to become a candidate (default {THRESHOLD}, chosen on the labelled fixture)",
    )
    parser.add_argument("--write", action="store_true", help="write the candidate records to papers/")
    parser.add_argument("--report", type=Path, metavar="FILE", help="write the markdown report here (default: stdout)")


def run(args: argparse.Namespace) -> int:
    until = args.until or dt.date.today()
    if args.since > until:
        print(f"rl4lrm discover: --since {args.since} is after --until {until}", file=sys.stderr)
        return 2
    if args.max < 1:
        print("rl4lrm discover: --max must be at least 1", file=sys.stderr)
        return 2
    project = find_project()
    try:
        found = discover(project, args.since, until, args.max, threshold=args.threshold)
    except ArxivError as exc:
        print(f"rl4lrm discover: {exc}", file=sys.stderr)
        return 2
    except TaggingError as exc:
        print(f"rl4lrm discover: {exc}", file=sys.stderr)
        return 2
    write = args.write and not found.problems and bool(found.texts)
    if write:
        try:
            write_all_atomic({project.papers / name: text for name, text in found.texts.items()})
        except OSError as exc:
            where = exc.filename or "papers/"
            print(f"rl4lrm discover: {exc.strerror or exc} ({where}); nothing written", file=sys.stderr)
            return 1
    report = report_markdown(found, written=write)
    if args.report:
        write_atomic(args.report, report + "\n")
    else:
        print(report)
    candidates = len(found.with_status("candidate"))
    verb = "wrote" if write else "found"
    print(
        f"rl4lrm discover: {len(found.found)} read, {candidates} candidate(s) {verb}"
        + (f", report in {args.report}" if args.report else ""),
        file=sys.stderr,
    )
    if found.problems:
        print(render(found.problems, "text"), file=sys.stderr)
        print("rl4lrm discover: nothing written: the records would not be valid", file=sys.stderr)
        return 1
    return 0
