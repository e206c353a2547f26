"""rl4lrm fmt: rewrite records in the one canonical layout; --check lists the files that differ."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..kb.formatting import dump_record, write_atomic
from ..kb.problems import render
from ..kb.project import find_project
from ..kb.records import read_record, record_paths


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", type=Path, help="record files (default: all of papers/)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if any file would change")


def run(args: argparse.Namespace) -> int:
    project = find_project()
    paths = args.files or record_paths(project.papers)
    changed, broken = [], []
    for path in paths:
        file, problems = read_record(path, project.root)
        if file.record is None:
            broken.extend(problems)
            continue
        text = dump_record(file.record)
        if text != file.text:
            changed.append(file.name)
            if not args.check:
                write_atomic(path, text)
    if broken:
        print(render(broken, "text"), file=sys.stderr)
    verb = "would reformat" if args.check else "reformatted"
    for name in changed:
        print(f"{verb} {name}")
    print(f"{len(paths)} files: {len(changed)} {verb}, {len(broken)} unreadable", file=sys.stderr)
    return 1 if broken or (args.check and changed) else 0
