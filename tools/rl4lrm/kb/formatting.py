"""How a record becomes text: one canonical YAML layout (schema key order, minimal quoting)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from .schema import Links, Record

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _RecordDumper(_Dumper):  # type: ignore[misc,valid-type]
    """Safe block-style dumper (libyaml when present); multi-line strings as literal blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_RecordDumper.add_representer(str, _str)


def record_data(record: Record) -> dict[str, Any]:
    """The record as a plain mapping in schema order, empty values left out."""
    out: dict[str, Any] = {}
    for name in Record.model_fields:
        value = getattr(record, name)
        if isinstance(value, Links):
            value = {k: v for k, v in value.model_dump().items() if v}
        if value is None or value == [] or value == {} or value is False:
            continue
        out[name] = value
    return out


def dump_record(record: Record) -> str:
    """Canonical YAML text of a record."""
    return yaml.dump(
        record_data(record),
        Dumper=_RecordDumper,
        sort_keys=False,
        allow_unicode=True,
        width=10_000,
        default_flow_style=False,
    )


def write_atomic(path: Path, text: str) -> None:
    """Write text to path via a temporary file in the same folder, so no half-written file is ever seen."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_all_atomic(texts: dict[Path, str]) -> None:
    """Write every file or none: all are staged as temporary files first, then renamed into place one by one;
    if a rename fails, the files already replaced get their old text back and new ones are removed."""
    staged: list[tuple[Path, str]] = []
    try:
        for path, text in texts.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((path, tmp))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        old = {path: path.read_bytes() if path.exists() else None for path, _ in staged}
    except BaseException:
        for _, tmp in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    done: list[Path] = []
    try:
        for path, tmp in staged:
            os.replace(tmp, path)
            done.append(path)
    except BaseException:
        for path in reversed(done):
            before = old[path]
            if before is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(before)
        for path, tmp in staged:
            if path not in done:
                Path(tmp).unlink(missing_ok=True)
        raise


def save_record(folder: Path, record: Record) -> Path:
    """Write papers/<id>.yaml in canonical format, atomically; returns the path."""
    path = folder / f"{record.id}.yaml"
    write_atomic(path, dump_record(record))
    return path


def authors_line(record: Record, limit: int | None = None) -> str:
    """The authors as shown to readers: 'A, B, C et al.' past limit names or when the list is truncated."""
    shown = record.authors if limit is None else record.authors[:limit]
    more = record.authors_truncated or len(shown) < len(record.authors)
    return ", ".join(shown) + (" et al." if more and shown else "")
