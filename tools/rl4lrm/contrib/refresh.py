"""rl4lrm refresh: re-read arXiv metadata for existing records; show the diff, or apply it with --write.

What arXiv knows best is taken from it: the title and the paper's own abstract. Everything else goes through
the one merge rule (``rl4lrm.importers.merge.merge_record``): a complete author list replaces a truncated one,
a more precise date (consistent with the recorded one) replaces a coarser one, a journal reference replaces a
generic 'arXiv' venue. Fields people write — summary, taxonomy, baselines, name — are never touched.
"""

from __future__ import annotations

import argparse
import difflib
import sys

from pydantic import ValidationError

from ..importers.candidate import Candidate
from ..importers.merge import merge_record
from ..kb.formatting import dump_record, write_atomic
from ..kb.problems import error_summary
from ..kb.project import find_project
from ..kb.records import RecordFile, load_records
from ..kb.schema import Record
from .arxiv import ArxivClient, ArxivEntry, ArxivError, one_line

HUMAN_FIELDS = ("summary", "taxonomy", "baselines", "name")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ids", nargs="*", help="record ids, record files or arXiv ids (default: every arXiv record)")
    parser.add_argument("--write", action="store_true", help="apply the changes (default: only show the diff)")


def refreshed(record: Record, entry: ArxivEntry) -> Record:
    """The record updated from its arXiv entry; the same object when nothing changes."""
    cand = Candidate(
        where=f"arXiv {entry.arxiv_id}",
        title=entry.title,
        authors=list(entry.authors),
        date=entry.date if entry.date.startswith(record.date) else None,
        venue=one_line(entry.journal_ref) if entry.journal_ref else None,
        links={"arxiv": entry.arxiv_id},
    )
    data = merge_record(record, cand).model_dump()
    data["title"] = entry.title
    if entry.abstract:
        data["abstract"] = entry.abstract
    for name in HUMAN_FIELDS:
        data[name] = getattr(record, name)
    new = Record.model_validate(data)
    return record if new == record else new


def _select(files: list[RecordFile], wanted: list[str]) -> tuple[list[RecordFile], list[str]]:
    if not wanted:
        return files, []
    keys: dict[str, RecordFile] = {}
    for file in files:
        rec = file.record
        assert rec is not None
        for key in (rec.id, file.name, file.path.name, str(rec.links.arxiv)):
            keys.setdefault(key, file)
    chosen, unknown = [], []
    for item in wanted:
        key = item.removeprefix("./")
        file = keys.get(key) or keys.get(key.rsplit("/", 1)[-1].removesuffix(".yaml"))
        if file is None:
            unknown.append(item)
        elif file not in chosen:
            chosen.append(file)
    return chosen, unknown


def run(args: argparse.Namespace) -> int:
    project = find_project()
    records = load_records(project.papers, project.root)
    files = [f for f in records.files if f.record is not None and f.record.links.arxiv]
    selected, unknown = _select(files, args.ids)
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
