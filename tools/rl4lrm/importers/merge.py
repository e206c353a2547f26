"""The one merge rule every source uses: find the record a candidate is, then improve it, never worsen it.

A candidate matches a record by arXiv id, then by normalised title (spaces ignored, so 'fine-tuning' is
'finetuning'), where a title also counts with the short name in front ('TRL' + 'Transformer ...' matches
'TRL: Transformer ...'). Merging fills empty fields, prefers a complete author list over a truncated one and a
more precise date over a less precise one, upgrades a generic venue ('arXiv'), adds taxonomy nodes and never
removes any, and never touches `summary`, `abstract`, `baselines`, `added`, `id` or `title`. The kind stays what
the record's first source said (a paper listed under a dataset section later is still a paper) unless a hand
placement names one. Applying the same candidate twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..kb.formatting import dump_record
from ..kb.identity import make_record_id, normalize_title
from ..kb.problems import Problem, error_summary
from ..kb.schema import Record
from .candidate import Candidate
from .casing import capitals
from .mapping import Placement, Placements

GENERIC_VENUE = "arXiv"
GENERIC_KIND = "paper"


def _better_authors(old: list[str], old_cut: bool, new: list[str], new_cut: bool) -> bool:
    if not new:
        return False
    if not old:
        return True
    if old_cut and not new_cut:
        return True
    return old_cut and new_cut and len(new) > len(old)


def merge_record(record: Record, cand: Candidate) -> Record:
    """The record improved by what the candidate knows; the same record when the candidate adds nothing."""
    data = record.model_dump()
    if cand.title.lower() == record.title.lower() and capitals(cand.title) > capitals(record.title):
        data["title"] = cand.title  # the same title from a source that kept its case
    if not data["name"] and cand.name:
        data["name"] = cand.name
    if _better_authors(record.authors, record.authors_truncated, cand.authors, cand.authors_truncated):
        data["authors"], data["authors_truncated"] = list(cand.authors), cand.authors_truncated
    if cand.date and len(cand.date) > len(record.date):
        data["date"] = cand.date
    if cand.venue and (not record.venue or (record.venue == GENERIC_VENUE and cand.venue != GENERIC_VENUE)):
        data["venue"] = cand.venue
    for key, value in cand.links.items():
        if not data["links"].get(key):
            data["links"][key] = value
    data["taxonomy"] = record.taxonomy + [n for n in dict.fromkeys(cand.nodes) if n not in record.taxonomy]
    if not data["bibtex_key"] and cand.bibtex_key:
        data["bibtex_key"] = cand.bibtex_key
    merged = Record.model_validate(data)
    return record if merged == record else merged


@dataclass
class Outcome:
    """What happened to one candidate."""

    status: str  # created, merged, unchanged, skipped, unplaced
    where: str
    record_id: str | None = None
    reason: str = ""
    placed_by: str = ""  # section, hint, hand, default or suggested (created records only)
    note: str = ""  # for placements to review: what placed it, e.g. the tagger's node and score


PLACED_BY = ("section", "hint", "hand", "default", "suggested")


class RecordStore:
    """The records of a papers/ folder, indexed by id, arXiv id and normalised title.

    Nothing is written here: :attr:`changed` collects every created or merged record, for the caller to check
    as one change and write (``texts()`` gives their files' names and canonical text).
    """

    def __init__(self, folder: Path, records: list[Record]):
        self.folder = folder
        self.changed: dict[str, Record] = {}
        self.by_id: dict[str, Record] = {}
        self.by_arxiv: dict[str, str] = {}
        self.by_title: dict[str, str] = {}
        for record in records:
            self._index(record)

    def _index(self, record: Record) -> None:
        self.by_id[record.id] = record
        if record.links.arxiv:
            self.by_arxiv.setdefault(record.links.arxiv, record.id)
        for key in _title_keys(record.title, record.name):
            self.by_title.setdefault(key, record.id)

    def find(self, cand: Candidate) -> Record | None:
        """The record the candidate is: same arXiv id, else same normalised title (with or without its name)."""
        rid = self.by_arxiv.get(cand.arxiv or "")
        for key in _title_keys(cand.title, cand.name):
            rid = rid or self.by_title.get(key)
        return self.by_id.get(rid) if rid else None

    def new_id(self, cand: Candidate, year: str) -> str:
        return make_record_id(cand.title, cand.name, year, set(self.by_id))

    def put(self, record: Record) -> None:
        self._index(record)
        self.changed[record.id] = record

    def texts(self) -> dict[str, str]:
        """File name in papers/ -> canonical text, for every created or merged record."""
        return {f"{rid}.yaml": dump_record(record) for rid, record in self.changed.items()}


@dataclass
class Merger:
    """Applies candidates to a store with the merge rule, counting what happened."""

    store: RecordStore
    placements: Placements = field(default_factory=Placements)
    today: dt.date = field(default_factory=dt.date.today)
    # For a new work that no section, hint or hand placement places: (nodes, placed_by, note) or None.
    fallback: Callable[[Candidate], tuple[list[str], str, str] | None] | None = None
    outcomes: list[Outcome] = field(default_factory=list)

    def apply(self, cand: Candidate) -> Outcome:
        outcome = self._apply(cand)
        self.outcomes.append(outcome)
        return outcome

    def _apply(self, cand: Candidate) -> Outcome:
        existing = self.store.find(cand)
        year = (cand.date or "")[:4]
        rid = existing.id if existing else (self.store.new_id(cand, year) if year else None)
        hand = self.placements.lookup(cand.arxiv, cand.bibtex_key, rid, cand.title)
        if existing is None and hand and hand.same_as:
            existing = self.store.by_id.get(hand.same_as)
            if existing is None:
                return Outcome("skipped", cand.where, None, f"same_as names no record '{hand.same_as}'")
        if existing is not None:
            return self._merge(existing, cand, hand)
        if hand and hand.id:
            if hand.id in self.store.by_id:
                return Outcome("skipped", cand.where, None, f"id '{hand.id}' is taken by another work")
            rid = hand.id
        if not cand.date or rid is None:
            return Outcome("skipped", cand.where, None, "no date: give a date, an arXiv link or a year")
        return self._create(rid, cand, hand)

    def _merge(self, existing: Record, cand: Candidate, hand: Placement | None) -> Outcome:
        cand.nodes = list(dict.fromkeys(cand.nodes + list(hand.nodes if hand else ())))
        try:
            merged = merge_record(existing, cand)
            if hand and hand.kind and merged.kind != hand.kind:
                merged = merged.model_copy(update={"kind": hand.kind})
        except ValidationError as exc:
            return Outcome("skipped", cand.where, existing.id, error_summary(exc))
        if merged is existing:
            return Outcome("unchanged", cand.where, existing.id)
        self.store.put(merged)
        return Outcome("merged", cand.where, existing.id)

    def _create(self, rid: str, cand: Candidate, hand: Placement | None) -> Outcome:
        nodes, placed_by, note = cand.nodes, "section", ""
        if hand and hand.nodes:
            nodes, placed_by = list(dict.fromkeys(nodes + list(hand.nodes))), placed_by if nodes else "hand"
        elif not nodes:
            nodes, placed_by = cand.hint_nodes, "hint"
        if not nodes and self.fallback is not None:
            found = self.fallback(cand)
            if found:
                nodes, placed_by, note = found
        if not nodes:
            return Outcome("unplaced", cand.where, None, f"no taxonomy node for '{cand.title}'")
        data = {
            "id": rid,
            "kind": (hand.kind if hand else None) or cand.kind or GENERIC_KIND,
            "title": cand.title,
            "name": cand.name,
            "authors": cand.authors,
            "authors_truncated": cand.authors_truncated,
            "date": cand.date,
            "venue": cand.venue,
            "links": cand.links,
            "taxonomy": list(dict.fromkeys(nodes)),
            "bibtex_key": cand.bibtex_key,
            "abstract": cand.abstract,
            "added": self.today.isoformat(),
        }
        try:
            record = Record.model_validate(data)
        except ValidationError as exc:
            return Outcome("skipped", cand.where, None, error_summary(exc))
        self.store.put(record)
        return Outcome("created", cand.where, rid, placed_by=placed_by, note=note)

    def counts(self) -> Counter:
        return Counter(o.status for o in self.outcomes)


def _title_keys(title: str, name: str | None) -> list[str]:
    """Normalised title without spaces ('fine-tuning' = 'finetuning'), also with the short name in front."""
    keys = [normalize_title(title).replace(" ", "")]
    if name and not keys[0].startswith(normalize_title(name).replace(" ", "")):
        keys.append(normalize_title(f"{name}: {title}").replace(" ", ""))
    return [k for k in keys if k]


def outcome_report(label: str, outcomes: list[Outcome], problems: list[Problem], dry_run: bool) -> str:
    """Counts of what happened, then every skipped or unplaced item with its file:line and why."""
    counts = Counter(o.status for o in outcomes)
    placed = Counter(o.placed_by for o in outcomes if o.status == "created")
    verb = "would be " if dry_run else ""
    lines = [
        f"{label}: {len(outcomes) + len(problems)} items: {verb}created {counts['created']}, "
        f"{verb}merged {counts['merged']}, unchanged {counts['unchanged']}, "
        f"skipped {counts['skipped'] + len(problems)}, could not place {counts['unplaced']}",
        "new records placed by: "
        + ", ".join(f"{k} {placed[k]}" for k in PLACED_BY if k in ("section", "hint", "hand") or placed[k]),
    ]
    skipped = [p.text() for p in problems] + [f"{o.where}: {o.reason}" for o in outcomes if o.status == "skipped"]
    if skipped:
        lines += ["skipped:"] + [f"  {line}" for line in skipped]
    review = [o for o in outcomes if o.status == "created" and o.placed_by in ("default", "suggested")]
    if review:
        lines += ["placed by --node or --suggest (review these):"]
        lines += [f"  {o.where}: papers/{o.record_id}.yaml -> {o.note}" for o in review]
    unplaced = [f"{o.where}: {o.reason}" for o in outcomes if o.status == "unplaced"]
    if unplaced:
        lines += ["could not place (add a section mapping or a --place entry, or use --node or --suggest):"]
        lines += [f"  {u}" for u in unplaced]
    return "\n".join(lines)
