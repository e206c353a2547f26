"""rl4lrm refresh: re-read arXiv metadata for existing records; show the diff, or apply it with --write.

What arXiv knows best is taken from it: the title and the paper's own abstract. Everything else goes through
the one merge rule (``rl4lrm.importers.merge.merge_record``): a complete author list replaces a truncated one,
a more precise date (consistent with the recorded one) replaces a coarser one, a journal reference replaces a
generic 'arXiv' venue. Fields people write — summary, taxonomy, baselines, name — are never touched.
"""

from __future__ import annotations

from ..importers.candidate import Candidate
from ..importers.merge import merge_record
from ..kb.records import RecordFile
from ..kb.schema import Record
from .arxiv import ArxivEntry, one_line

HUMAN_FIELDS = ("summary", "taxonomy", "baselines", "name")


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


def select(files: list[RecordFile], wanted: list[str]) -> tuple[list[RecordFile], list[str]]:
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
