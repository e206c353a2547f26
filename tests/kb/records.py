"""Building blocks for kb tests: a valid record and a way to write variants of it."""

from __future__ import annotations

from pathlib import Path

from rl4lrm.kb.formatting import dump_record
from rl4lrm.kb.schema import Record

BASE = {
    "id": "dapo-2025",
    "kind": "paper",
    "title": "DAPO: An Open-Source LLM Reinforcement Learning System at Scale",
    "name": "DAPO",
    "authors": ["Qiying Yu", "Zheng Zhang"],
    "authors_truncated": True,
    "date": "2025-03",
    "venue": "arXiv",
    "links": {"arxiv": "2503.14476", "code": "https://github.com/BytedTsinghua-SIA/DAPO"},
    "taxonomy": ["optimizer/critic-free", "sampler/dynamic"],
    "bibtex_key": "yu2025dapo",
    "added": "2025-04-01",
}


def record(**changes) -> Record:
    data = {**BASE, **changes}
    return Record.model_validate(data)


def write(project: Path, rec: Record) -> Path:
    path = project / "papers" / f"{rec.id}.yaml"
    path.write_text(dump_record(rec), encoding="utf-8")
    return path


def write_text(project: Path, name: str, text: str | bytes) -> Path:
    path = project / "papers" / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
