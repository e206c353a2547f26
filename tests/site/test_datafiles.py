"""The data files' keys are defined once (rl4lrm.site.datafiles); rl4lrm.js reads exactly those."""

from __future__ import annotations

import re
from pathlib import Path

from rl4lrm.site import datafiles

JS = (Path(__file__).resolve().parents[2] / "site" / "assets" / "rl4lrm.js").read_text(encoding="utf-8")


def _region(start: str, end: str) -> str:
    return JS[JS.index(start) : JS.index(end)]


def test_explorer_reads_the_defined_row_and_node_keys() -> None:
    code = _region("function explorer(", "function start(")
    rows = set(re.findall(r"\br\.([a-z]+)\b", code))
    assert rows == set(datafiles.EXPLORER_ROW) | set(datafiles.EXPLORER_ROW_DERIVED)
    nodes = set(re.findall(r"\b(?:node|n)\.([a-z]+)\b", code)) - {"length"}
    assert nodes == set(datafiles.EXPLORER_NODE)
    assert not set(datafiles.EXPLORER_ROW) & set(datafiles.EXPLORER_ROW_DERIVED)


def test_search_reads_the_defined_meta_keys(built) -> None:
    code = _region("function indexEngine(", "function pagefindEngine(")
    assert set(re.findall(r"\bmeta\.([a-zA-Z]+)\b", code)) == set(datafiles.SEARCH_META)
    text = (built.site / "data" / "search" / "meta.js").read_text(encoding="utf-8")
    keys = set(re.findall(r'"([a-zA-Z]+)":', text))
    assert keys == set(datafiles.SEARCH_META)


def test_built_rows_have_exactly_the_defined_keys(built) -> None:
    import json

    text = (built.site / "data" / "explorer.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("=") + 1 : text.rindex(";")])
    assert all(list(row) == list(datafiles.EXPLORER_ROW) for row in data["rows"])
    assert all(list(node) == list(datafiles.EXPLORER_NODE) for node in data["nodes"])


def test_the_docstring_documents_every_file_and_key() -> None:
    doc = datafiles.__doc__
    for name in datafiles.DATA_FILES:
        assert f"`{name}`" in doc
    for table in (datafiles.EXPLORER_ROW, datafiles.EXPLORER_NODE, datafiles.SEARCH_META):
        for key in table:
            assert f"| `{key}` |" in doc
