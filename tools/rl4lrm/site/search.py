"""The search index, built with the site: what the header search box (site/assets/rl4lrm.js) reads.

Why our own index and not a library: MiniSearch (and lunr, and FlexSearch) answer from one index held in the page,
so the page must fetch all of it before the first result. Measured by benchmarks/site_search.py at 20,000 synthetic
records with 150-word abstracts, MiniSearch 7.2.0's serialised index is 27.8 MB (budget: 3 MB before the first
results) and a two-word prefix query takes over 100 ms in node (budget: 30 ms a keystroke). This index is split so
that a query fetches only what it needs (0.4-0.8 MB before the first results there, 3 ms a keystroke):

- ``search/meta.js``: the shard bounds, the document count, the stop words; loaded when the box gets focus.
- ``search/t<i>.js``: the inverted index, sharded by the first two characters of the terms (every term sharing
  those two characters is in one shard, so a prefix of two characters or more is looked up in one file). Each term
  maps to its postings ``[doc, impact, doc, impact, ...]``, docs delta-coded; the impact is the term's BM25F score
  in the doc (title, name, summary, abstract, authors, venue and taxonomy titles, each with its weight and length
  normalisation), computed here, times 10, rounded.
- ``search/k<i>.js``: the exact-match keys, sharded the same way: record id, arXiv id, BibTeX key, name and the
  name's tails at word boundaries ("r1zero" in CogniSQL-R1-Zero), and the start of the title, all "compact"
  (normalised, then only letters and digits). A query equal to an id, a key or a name comes first; one the title
  or the name starts with comes next, as does a name equal to the initials of a query of three words or more
  ("group relative policy optimization" -> GRPO).
- ``search/d<i>.js``: what a hit shows (page, label, info line), DOC_CHUNK docs per file, docs ordered newest
  first (so the doc number breaks ties by recency).

Normalisation (the same in rl4lrm.js, tested in the browser): Unicode NFKD, combining marks dropped, lower case,
words are runs of [a-z0-9]; words of one character and STOP_WORDS are not indexed. Names and titles also index
their camel-case parts ("DanceGRPO" -> dance, grpo) and their hyphenated compounds joined ("Math-Shepherd" ->
mathshepherd). Every file is a script assigning into ``window.RL4LRM_PARTS`` so that it loads from disk too.
"""

from __future__ import annotations

import json
import re
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..kb.exports import bibtex_key
from ..kb.formatting import authors_line
from ..kb.schema import Record
from ..kb.taxonomy import Taxonomy

STOP_WORDS = frozenset(
    "a an and are as at be by for from in into is it its of on or our that the their this to we with via".split()
)
# field -> (weight, length normalisation b)
FIELDS = {
    "name": (8.0, 0.3),
    "title": (4.0, 0.5),
    "authors": (3.0, 0.3),
    "taxonomy": (1.5, 0.5),
    "summary": (2.0, 0.75),
    "abstract": (1.0, 0.75),
    "venue": (1.0, 0.3),
}
K1 = 1.2
SHARD_BYTES = 96_000
DOC_CHUNK = 256
TITLE_KEY = 32  # characters of the compact title kept as a key
_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_COMPOUND = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+")
_MARKS = re.compile(r"[\u0300-\u036f]")


def normalise(text: str) -> str:
    """NFKD, combining marks dropped, lower case (rl4lrm.js: normalise)."""
    if text.isascii():
        return text.lower()
    return _MARKS.sub("", unicodedata.normalize("NFKD", text)).lower()


def normalise_case(text: str) -> str:
    """NFKD with combining marks dropped, case kept (camel-case splitting needs it)."""
    if text.isascii():
        return text
    return _MARKS.sub("", unicodedata.normalize("NFKD", text))


def words(text: str) -> list[str]:
    """The indexed words of text (rl4lrm.js: words): runs of [a-z0-9], two characters or more, no stop words."""
    return [w for w in _WORD.findall(normalise(text)) if len(w) > 1 and w not in STOP_WORDS]


def compact(text: str) -> str:
    """Only the letters and digits of the normalised text (rl4lrm.js: compact): 'Math-Shepherd' -> 'mathshepherd'."""
    return "".join(_WORD.findall(normalise(text)))


def name_words(text: str) -> list[str]:
    """words(), plus camel-case parts and joined hyphen compounds: for names and titles."""
    out = words(text)
    for token in re.findall(r"[A-Za-z0-9]+", normalise_case(text)):
        parts = _CAMEL.findall(token)
        if len(parts) > 1:
            out.extend(w for w in (p.lower() for p in parts) if len(w) > 1 and w not in STOP_WORDS)
    out.extend(compact(m) for m in _COMPOUND.findall(text))
    return out


def name_tails(name: str) -> list[str]:
    """Compact tails of a name starting at its word boundaries: 'CogniSQL-R1-Zero' -> sqlr1zero, r1zero, zero."""
    parts = [p.lower() for token in re.findall(r"[A-Za-z0-9]+", normalise_case(name)) for p in _CAMEL.findall(token)]
    return ["".join(parts[i:]) for i in range(1, len(parts)) if len("".join(parts[i:])) > 1]


@dataclass
class Doc:
    """One searchable page: a work or a taxonomy node."""

    path: str
    label: str
    info: str
    fields: dict[str, list[str]]
    keys: list[tuple[str, str]]  # (compact key, type): i id, a arXiv, b BibTeX, n name, s name tail, t title start


def work_doc(record: Record, taxonomy: Taxonomy) -> Doc:
    titles = " ".join(taxonomy.nodes[n].title for n in record.taxonomy if n in taxonomy.nodes)
    fields = {
        "name": name_words(record.name or ""),
        "title": name_words(record.title),
        "authors": words(" ".join(record.authors)),
        "taxonomy": words(titles),
        "summary": words(record.summary or ""),
        "abstract": words(record.abstract or ""),
        "venue": words(record.venue or ""),
    }
    keys = [(compact(record.id), "i"), (compact(bibtex_key(record)), "b"), (compact(record.title)[:TITLE_KEY], "t")]
    if record.links.arxiv:
        keys.append((compact(record.links.arxiv), "a"))
    if record.name:
        # 'μ-GRPO' compacts to 'grpo': a name that loses letters so is only a tail, not the name 'GRPO'
        lossy = any(c.isalnum() and not ("a" <= c <= "z" or "0" <= c <= "9") for c in normalise(record.name))
        keys.append((compact(record.name), "s" if lossy else "n"))
        keys.extend((tail, "s") for tail in name_tails(record.name))
    label = (
        record.title if not record.name or record.title.startswith(record.name) else record.name + " — " + record.title
    )
    info = " · ".join(p for p in (record.date[:4], record.kind, authors_line(record, limit=3)) if p)
    return Doc("papers/" + record.id + ".html", label, info, fields, [k for k in keys if len(k[0]) > 1])


def node_doc(node: Any) -> Doc:
    fields = {
        "name": name_words(node.title),
        "title": words(node.id.replace("/", " ")),
        "summary": words(node.description),
    }
    keys = [(compact(node.title)[:TITLE_KEY], "t"), (compact(node.id), "i")]
    return Doc(
        "taxonomy/" + node.id + ".html",
        node.title + " (§" + node.section + ")",
        "taxonomy · " + node.description,
        fields,
        keys,
    )


def documents(records: Iterable[Record], taxonomy: Taxonomy) -> Iterator[Doc]:
    """Works newest first (the order breaks ties), then the taxonomy nodes; one at a time (their words take
    hundreds of MB at 20,000 works when all are held at once)."""
    ordered = sorted(records, key=lambda r: (r.date, r.id), reverse=True)
    for record in ordered:
        yield work_doc(record, taxonomy)
    for node in taxonomy.nodes.values():
        yield node_doc(node)


def postings(docs: Iterable[Doc]) -> tuple[dict[str, tuple[Any, Any]], list[Doc]]:
    """term -> (doc numbers ascending, impacts) as numpy arrays; impact = round(10 * BM25F), at least 1; and the
    docs, their words dropped once counted.

    BM25F: per field, tf * weight / (1 - b + b * length / average length), summed over the fields, then
    idf * t / (K1 + t). Done with scipy.sparse: at 20,000 works a Python loop over the postings takes ten times as
    long."""
    import numpy as np
    from scipy import sparse

    vocabulary: dict[str, int] = {}
    cols = array("i")  # term of each token, all fields of all docs one after the other
    counts: list[int] = []  # tokens per (doc, field)
    owners: list[int] = []  # the doc of each (doc, field)
    norms: list[float] = []  # the field's weight and length normalisation in that doc
    lengths: list[tuple[int, str, int]] = []
    kept: list[Doc] = []
    for number, doc in enumerate(docs):
        for name, tokens in doc.fields.items():
            if tokens:
                lengths.append((number, name, len(tokens)))
                cols.extend([vocabulary.setdefault(t, len(vocabulary)) for t in tokens])
        doc.fields = {}
        kept.append(doc)
    average = {}
    for name in FIELDS:
        used = [n for _, field, n in lengths if field == name]
        average[name] = sum(used) / len(used) if used else 1.0
    for number, name, n in lengths:
        weight, b = FIELDS[name]
        norms.append(weight / (1 - b + b * n / average[name]))
        counts.append(n)
        owners.append(number)
    repeat = np.array(counts, dtype=np.int64)
    matrix = sparse.csc_matrix(
        (
            np.repeat(np.array(norms), repeat),
            (np.repeat(np.array(owners, dtype=np.int32), repeat), np.frombuffer(cols, dtype=np.int32)),
        ),
        shape=(len(kept), len(vocabulary)),
    )
    matrix.sum_duplicates()
    df = np.diff(matrix.indptr)
    idf = np.log(1 + (len(kept) - df + 0.5) / (df + 0.5))
    tf = matrix.data
    impact = np.maximum(1, np.rint(10 * np.repeat(idf, df) * tf / (K1 + tf))).astype(np.int32)
    out = {}
    for term, column in vocabulary.items():
        start, end = matrix.indptr[column], matrix.indptr[column + 1]
        out[term] = (matrix.indices[start:end], impact[start:end])
    return out, kept


def _flat(numbers: Any, impacts: Any) -> list[int]:
    """[doc, impact, ...] with the doc numbers delta-coded."""
    import numpy as np

    flat = np.empty(2 * len(numbers), dtype=np.int64)
    flat[0::2] = np.diff(numbers, prepend=0)
    flat[1::2] = impacts
    return flat.tolist()


def _js_part(name: str, value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return "(window.RL4LRM_PARTS=window.RL4LRM_PARTS||{})[" + json.dumps(name) + "]=" + text + ";\n"


def _pack(groups: dict[str, Any], size: Any) -> list[tuple[str, dict[str, Any]]]:
    """Consecutive two-character groups packed into shards of about SHARD_BYTES: (first prefix, members)."""
    shards: list[tuple[str, dict[str, Any]]] = []
    used = SHARD_BYTES
    for prefix in sorted(groups):
        if used >= SHARD_BYTES:
            shards.append((prefix, {}))
            used = 0
        shards[-1][1].update(groups[prefix])
        used += size(groups[prefix])
    return shards


def write_index(docs: Iterable[Doc], folder: Path) -> dict[str, int]:
    """Write search/*.js into folder; returns the number of each kind of file and the bytes of all of them."""
    folder.mkdir(parents=True, exist_ok=True)
    by_prefix: dict[str, dict[str, list[int]]] = defaultdict(dict)
    index, docs = postings(docs)
    for term, (numbers, impacts) in index.items():
        by_prefix[term[:2]][term] = _flat(numbers, impacts)
    terms = _pack(by_prefix, lambda g: sum(len(t) + 4 + 4 * len(p) for t, p in g.items()))
    keys_by_prefix: dict[str, dict[str, list]] = defaultdict(dict)
    for number, doc in enumerate(docs):
        for key, kind in doc.keys:
            keys_by_prefix[key[:2]].setdefault(key, []).extend((number, kind))
    keys = _pack(keys_by_prefix, lambda g: sum(len(k) + 12 * len(v) for k, v in g.items()))
    written = 0

    def put(name: str, value: Any) -> None:
        nonlocal written
        text = _js_part(name, value)
        (folder / (name + ".js")).write_text(text, encoding="utf-8")
        written += len(text.encode("utf-8"))

    for i, (_, shard) in enumerate(terms):
        put("t" + str(i), dict(sorted(shard.items())))
    for i, (_, shard) in enumerate(keys):
        put("k" + str(i), sorted([key, *entries] for key, entries in shard.items()))
    chunks = (len(docs) + DOC_CHUNK - 1) // DOC_CHUNK
    for i in range(chunks):
        put("d" + str(i), [[d.path, d.label, d.info] for d in docs[i * DOC_CHUNK : (i + 1) * DOC_CHUNK]])
    meta = {  # datafiles.SEARCH_META says what each key means
        "docs": len(docs),
        "chunk": DOC_CHUNK,
        "terms": [prefix for prefix, _ in terms],
        "keys": [prefix for prefix, _ in keys],
        "stop": sorted(STOP_WORDS),
        "titleKey": TITLE_KEY,
    }
    put("meta", meta)
    return {"terms": len(terms), "keys": len(keys), "chunks": chunks, "bytes": written}
