"""The data files the site's JavaScript (site/assets/rl4lrm.js) reads, and what every key in them means.

One definition: ``explorer_data`` builds the explorer's rows and nodes from the tables below, search.py writes the
search files, and tests/site/test_datafiles.py checks that rl4lrm.js reads exactly these keys. The table at the end
of this docstring is generated from them (``python -c "import rl4lrm.site.datafiles as d; print(d.__doc__)"``).
Every file is a script (so that the site works opened from disk) and escapes ``<`` so no text can close it.
"""

from __future__ import annotations

from typing import Any

from ..kb.formatting import authors_line

# data/explorer.js: window.RL4LRM_EXPLORER = {rows: [row], nodes: [node], kinds: [kind id]}; rows newest first.
EXPLORER_ROW = {
    "i": "record id; its page is papers/<i>.html",
    "n": "short name, '' when none",
    "t": "title",
    "d": "date: YYYY, YYYY-MM or YYYY-MM-DD",
    "k": "kind (taxonomy/kinds.yaml)",
    "a": "the first three authors, one line",
    "x": "numbers (in nodes) of every taxonomy node the work is under: its own and their ancestors",
    "c": "1 when it links to code, else 0",
    "b": "1 when a baseline recipe reproduces it, else 0",
    "u": "the code URL, '' when none",
}
# Added to each row by rl4lrm.js when the file is loaded.
EXPLORER_ROW_DERIVED = {"h": "lower-case name, title, authors and id: what the text box matches", "y": "year"}
EXPLORER_NODE = {
    "id": "node id (its page is taxonomy/<id>.html)",
    "t": "title",
    "s": "survey section",
    "f": "its facet (the root node's id)",
    "p": "parent node id, '' for a facet",
}
# data/search/meta.js: window.RL4LRM_PARTS.meta; the other search files are described in search.py.
SEARCH_META = {
    "docs": "number of searchable documents (works newest first, then taxonomy nodes)",
    "chunk": "documents per d<i>.js file",
    "terms": "first two-character prefix of each term shard t<i>.js, sorted",
    "keys": "first two-character prefix of each key shard k<i>.js, sorted",
    "stop": "the stop words (not indexed, dropped from queries)",
    "titleKey": "characters of the compact title kept as a title key",
}
DATA_FILES = {
    "data/explorer.js": ("window.RL4LRM_EXPLORER", "the explorer's rows (EXPLORER_ROW), nodes (EXPLORER_NODE), kinds"),
    "data/bibtex.js": ("window.RL4LRM_BIBTEX", "{text: {record id: BibTeX entry}}: the explorer's BibTeX export"),
    "data/records.js": ("window.RL4LRM_RECORDS", "every record as in papers.json: the explorer's JSON export"),
    "data/search/meta.js": ("window.RL4LRM_PARTS.meta", "the search index's shard bounds (SEARCH_META)"),
    "data/search/t<i>.js": ("window.RL4LRM_PARTS.t<i>", "{term: [doc delta, impact, ...]}: a term shard"),
    "data/search/k<i>.js": ("window.RL4LRM_PARTS.k<i>", "[[key, doc, type, doc, type, ...]]: a key shard"),
    "data/search/d<i>.js": ("window.RL4LRM_PARTS.d<i>", "[[page, label, info]]: what the hits show"),
}


def explorer_data(records: list[Any], taxonomy: Any) -> dict[str, Any]:
    """What the explorer filters: compact rows (EXPLORER_ROW), the taxonomy nodes (EXPLORER_NODE) and the kinds."""
    node_ids = list(taxonomy.nodes)
    index = {n: i for i, n in enumerate(node_ids)}
    rows = []
    for r in records:
        values = {
            "i": r.id,
            "n": r.name or "",
            "t": r.title,
            "d": r.date,
            "k": r.kind,
            "a": authors_line(r, limit=3),
            "x": sorted({index[n] for n in taxonomy.closure(r.taxonomy) if n in index}),
            "c": 1 if r.links.code else 0,
            "b": 1 if r.baselines else 0,
            "u": r.links.code or "",
        }
        rows.append({key: values[key] for key in EXPLORER_ROW})
    nodes = []
    for n in taxonomy.nodes.values():
        values = {"id": n.id, "t": n.title, "s": n.section, "f": n.facet, "p": n.parent or ""}
        nodes.append({key: values[key] for key in EXPLORER_NODE})
    kinds = sorted({r.kind for r in records} | set(taxonomy.kinds))
    return {"rows": rows, "nodes": nodes, "kinds": kinds}


def _table(title: str, keys: dict[str, str]) -> str:
    lines = [title, "", "| key | meaning |", "|---|---|"]
    lines += ["| `" + key + "` | " + meaning + " |" for key, meaning in keys.items()]
    return "\n".join(lines) + "\n"


def _files() -> str:
    lines = ["Files (under the site root)", "", "| file | assigns | holds |", "|---|---|---|"]
    lines += ["| `" + f + "` | `" + var + "` | " + holds + " |" for f, (var, holds) in DATA_FILES.items()]
    return "\n".join(lines) + "\n"


__doc__ = "\n".join(
    [
        __doc__ or "",
        _files(),
        _table("EXPLORER_ROW (data/explorer.js, rows)", EXPLORER_ROW),
        _table("EXPLORER_ROW_DERIVED (added in the browser)", EXPLORER_ROW_DERIVED),
        _table("EXPLORER_NODE (data/explorer.js, nodes)", EXPLORER_NODE),
        _table("SEARCH_META (data/search/meta.js)", SEARCH_META),
    ]
)
