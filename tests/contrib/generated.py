"""A small generated base for the tagger: made-up titles built from each node's own vocabulary, seeded."""

from __future__ import annotations

import random
from pathlib import Path

from rl4lrm.kb.formatting import dump_record
from rl4lrm.kb.schema import Record

# node -> (kind, phrases its titles are made of)
VOCABULARY: dict[str, tuple[str, list[str]]] = {
    "optimizer/critic-free": (
        "paper",
        ["group relative advantages", "critic-free policy gradient", "leave-one-out baselines", "GRPO variants"],
    ),
    "applications/agentic/search": (
        "paper",
        ["search engine calls", "web search agents", "multi-hop retrieval", "query rewriting while reasoning"],
    ),
    "applications/agentic/gui": (
        "paper",
        ["GUI agents", "smartphone screen control", "computer-use interfaces", "clicking desktop widgets"],
    ),
    "reward/dense": (
        "paper",
        ["process reward models", "step-level credit assignment", "token-level rewards", "turn-level feedback"],
    ),
    "directions/efficient-reasoning": (
        "paper",
        ["shorter chains of thought", "length penalties", "overthinking less", "token budgets for concise answers"],
    ),
    "resources/static-corpus/math": (
        "dataset",
        ["a math problem dataset", "olympiad competition problems", "verified math answers", "a corpus of proofs"],
    ),
    "frontier": (
        "model",
        ["technical report", "an open-weight reasoning model", "model card and release", "a flagship thinking model"],
    ),
}
OPENERS = ["Scaling", "Revisiting", "Learning with", "Towards", "Rethinking", "On", "Improving", "Benchmarking"]
PER_NODE = 8


def generated_records(seed: int = 0) -> list[Record]:
    """PER_NODE records per node of VOCABULARY, with made-up titles, deterministic for a seed."""
    rng = random.Random(seed)
    out = []
    for node, (kind, phrases) in VOCABULARY.items():
        for number in range(PER_NODE):
            first, second = rng.sample(phrases, 2)
            title = f"{rng.choice(OPENERS)} {first} and {second}: study {number + 1}"
            slug = node.replace("/", "-")
            out.append(
                Record.model_validate(
                    {
                        "id": f"{slug}-{number}-2025",
                        "kind": kind,
                        "title": title,
                        "authors": ["Ada Example"],
                        "date": "2025-06",
                        "taxonomy": [node],
                        "summary": f"A made-up work on {first} and {second}." if number % 2 else None,
                        "added": "2025-07-01",
                    }
                )
            )
    return out


def write_generated_base(project: Path, seed: int = 0) -> list[Record]:
    """Write the generated records to project/papers/; returns them."""
    records = generated_records(seed)
    for record in records:
        (project / "papers" / f"{record.id}.yaml").write_text(dump_record(record), encoding="utf-8")
    return records
