"""Recorded arXiv answers and a helper to put an existing record in a project."""

from __future__ import annotations

from pathlib import Path

from rl4lrm.kb.formatting import dump_record
from rl4lrm.kb.schema import Record

CASSETTES = Path(__file__).resolve().parent / "cassettes"
API = "https://export.arxiv.org/api/query"


def cassette(name: str) -> str:
    """A recorded arXiv Atom answer from cassettes/."""
    return (CASSETTES / name).read_text(encoding="utf-8")


def put_record(project: Path, **fields) -> Path:
    """Write a valid record (fields override a small default) to project/papers/; returns its path."""
    data = {
        "id": "dapo-2025",
        "kind": "paper",
        "title": "DAPO: An Open-Source LLM Reinforcement Learning System at Scale",
        "authors": ["Qiying Yu"],
        "authors_truncated": True,
        "date": "2025-03",
        "venue": "arXiv",
        "links": {"arxiv": "2503.14476"},
        "taxonomy": ["optimizer/critic-free"],
        "added": "2025-04-01",
        **fields,
    }
    record = Record.model_validate(data)
    path = project / "papers" / f"{record.id}.yaml"
    path.write_text(dump_record(record), encoding="utf-8")
    return path
