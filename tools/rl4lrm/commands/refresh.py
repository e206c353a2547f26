"""rl4lrm refresh: re-read arXiv metadata for records and show (or --write) the diff; human fields are kept."""

from __future__ import annotations

import argparse
import difflib
import sys

from pydantic import ValidationError

from ..contrib.arxiv import ArxivClient, ArxivError
from ..contrib.refresh import refreshed, select
from ..kb.formatting import dump_record, write_atomic
from ..kb.problems import error_summary
from ..kb.project import find_project
from ..kb.records import load_records


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ids", nargs="*", help="record ids, record files or arXiv ids (default: every arXiv record)")
    parser.add_argument("--write", action="store_true", help="apply the changes (default: only show the diff)")


def run(args: argparse.Namespace) -> int:
    project = find_project()
    records = load_records(project.papers, project.root)
    files = [f for f in records.files if f.record is not None and f.record.links.arxiv]
    selected, unknown = select(files, args.ids)
    if unknown:
        print(f"rl4lrm refresh: no record with an arXiv id matches: {', '.join(unknown)}", file=sys.stderr)
        return 2
    if not selected:
        print("no records with an arXiv id", file=sys.stderr)
        return 0
    try:
        entries = ArxivClient().fetch([f.record.links.arxiv for f in selected])  # type: ignore[union-attr,misc]
    except ArxivError as exc:
        print(f"rl4lrm refresh: {exc}", file=sys.stderr)
        return 2
    changed = 0
    for file in selected:
        record = file.record
        assert record is not None and record.links.arxiv is not None
        entry = entries.get(record.links.arxiv)
        if entry is None:
            print(f"{file.name}: arXiv has no paper {record.links.arxiv}; check links.arxiv", file=sys.stderr)
            continue
        if entry.withdrawn:
            print(f"{file.name}: arXiv {entry.arxiv_id} has been withdrawn by its authors", file=sys.stderr)
        try:
            new = refreshed(record, entry)
        except ValidationError as exc:
            print(f"{file.name}: arXiv data would make it invalid ({error_summary(exc)}); skipped", file=sys.stderr)
            continue
        if new is record:
            continue
        changed += 1
        version = f"v{entry.version}" if entry.version else ""
        print(f"# {file.name}: arXiv {entry.arxiv_id}{version}, updated {entry.updated[:10]}")
        sys.stdout.writelines(
            difflib.unified_diff(
                file.text.splitlines(keepends=True),
                dump_record(new).splitlines(keepends=True),
                f"a/{file.name}",
                f"b/{file.name}",
            )
        )
        if args.write:
            write_atomic(file.path, dump_record(new))
    verb = "updated" if args.write else "would change"
    hint = "" if args.write or not changed else " (run with --write to apply)"
    print(f"{len(selected)} record(s) checked against arXiv: {changed} {verb}{hint}", file=sys.stderr)
    return 0
