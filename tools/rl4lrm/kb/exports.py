"""Records as BibTeX, JSON and CSV, and the filters shared by `rl4lrm export` and the site."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .formatting import record_data
from .schema import Record
from .taxonomy import Taxonomy

_TEX_SPECIAL = re.compile(r"([&%$#_])")
_JOURNAL = re.compile(r"journal|transactions|nature|science|letters|review", re.IGNORECASE)


def _tex(text: str) -> str:
    """Escape the characters BibTeX/LaTeX treat specially; drop braces that could unbalance the value."""
    text = text.replace("\\", "").replace("{", "").replace("}", "")
    return _TEX_SPECIAL.sub(r"\\\1", text).replace("~", r"\~{}").replace("^", r"\^{}")


def bibtex_key(record: Record) -> str:
    """The record's citation key, or its id when it has none."""
    return record.bibtex_key or record.id


def bibtex_entry(record: Record):
    """A bibtexparser Entry for a record: @misc for preprints, @article for journals, else @inproceedings."""
    from bibtexparser import model

    fields = [("title", "{" + _tex(record.title) + "}")]
    if record.authors:
        authors = [_tex(a) for a in record.authors] + (["others"] if record.authors_truncated else [])
        fields.append(("author", " and ".join(authors)))
    fields.append(("year", str(record.year)))
    if len(record.date) >= 7:
        fields.append(("month", str(int(record.date[5:7]))))
    venue = record.venue if record.venue and record.venue.lower() != "arxiv" else None
    if venue is None:
        entry_type = "misc"
    elif _JOURNAL.search(venue):
        entry_type = "article"
        fields.append(("journal", _tex(venue)))
    else:
        entry_type = "inproceedings"
        fields.append(("booktitle", _tex(venue)))
    if record.links.arxiv:
        fields += [("eprint", record.links.arxiv), ("archivePrefix", "arXiv")]
    url = record.links.urls().get("arxiv") or next(iter(record.links.urls().values()), None)
    if url:
        fields.append(("url", url))
    return model.Entry(entry_type, bibtex_key(record), [model.Field(k, v) for k, v in fields])


def records_bibtex(records: Iterable[Record]) -> str:
    """One BibTeX file holding every record, written by bibtexparser."""
    import bibtexparser

    library = bibtexparser.Library()
    for record in records:
        library.add(bibtex_entry(record))
    return bibtexparser.write_string(library)


def record_bibtex(record: Record) -> str:
    """The BibTeX entry of one record."""
    return records_bibtex([record]).strip() + "\n"


def records_json(records: Iterable[Record]) -> list[dict]:
    """Records as JSON-ready mappings: canonical fields plus year, link URLs and the BibTeX key."""
    out = []
    for record in records:
        data = record_data(record)
        data["year"] = record.year
        data["urls"] = record.links.urls()
        data["bibtex_key"] = bibtex_key(record)
        out.append(data)
    return out


CSV_COLUMNS = [
    "id",
    "kind",
    "name",
    "title",
    "authors",
    "date",
    "venue",
    "arxiv",
    "code",
    "taxonomy",
    "baselines",
    "bibtex_key",
    "added",
]


EXPORT_FORMATS = ("bibtex", "json", "csv")


def records_csv(records: Iterable[Record]) -> str:
    """Records as CSV, one row each; lists joined with '; '."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow(
            {
                "id": r.id,
                "kind": r.kind,
                "name": r.name or "",
                "title": r.title,
                "authors": "; ".join(r.authors + (["others"] if r.authors_truncated else [])),
                "date": r.date,
                "venue": r.venue or "",
                "arxiv": r.links.arxiv or "",
                "code": r.links.code or "",
                "taxonomy": "; ".join(r.taxonomy),
                "baselines": "; ".join(r.baselines),
                "bibtex_key": bibtex_key(r),
                "added": r.added,
            }
        )
    return buffer.getvalue()


@dataclass
class Selection:
    """A filter over records: every given criterion must hold (nodes: all of them; kinds: any of them)."""

    nodes: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    since: int | None = None
    until: int | None = None
    has_code: bool | None = None
    has_baseline: bool | None = None

    def matches(self, record: Record, taxonomy: Taxonomy) -> bool:
        if self.kinds and record.kind not in self.kinds:
            return False
        if self.since is not None and record.year < self.since:
            return False
        if self.until is not None and record.year > self.until:
            return False
        if self.has_code is not None and bool(record.links.code) != self.has_code:
            return False
        if self.has_baseline is not None and bool(record.baselines) != self.has_baseline:
            return False
        if self.nodes:
            tagged = set(taxonomy.closure(record.taxonomy))
            return all(node in tagged for node in self.nodes)
        return True

    def apply(self, records: Iterable[Record], taxonomy: Taxonomy) -> list[Record]:
        return [r for r in records if self.matches(r, taxonomy)]


def record_json_schema(tax: Taxonomy) -> dict:
    """JSON Schema of papers/*.yaml; the taxonomy's kinds and node ids become enums."""
    schema = Record.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "rl4lrm record"
    props = schema["properties"]
    if tax.kinds:
        props["kind"]["enum"] = list(tax.kinds)
    if tax.nodes:
        props["taxonomy"]["items"]["enum"] = list(tax.nodes)
    return schema
