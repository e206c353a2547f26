"""Synthetic but valid records, for benchmarks at scales the real base has not reached yet."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from rl4lrm.formatting import save_record
from rl4lrm.schema import Record
from rl4lrm.taxonomy import load_taxonomy

REPO = Path(__file__).resolve().parents[1]
WORDS = [
    "policy",
    "gradient",
    "reward",
    "verifiable",
    "reasoning",
    "critic",
    "value",
    "group",
    "relative",
    "advantage",
    "entropy",
    "sampling",
    "curriculum",
    "agent",
    "search",
    "code",
    "math",
    "proof",
    "tool",
    "multimodal",
    "video",
    "robot",
    "medical",
    "memory",
    "latent",
    "diffusion",
    "efficient",
    "scaling",
    "reinforcement",
    "learning",
    "language",
    "model",
    "large",
    "process",
    "outcome",
    "exploration",
    "replay",
    "off-policy",
    "token",
    "sequence",
]
NAMES = ["GRPO", "DAPO", "PPO", "RLOO", "GSPO", "VAPO", "Zero", "R1", "Reasoner", "Agent", "Search", "Math"]


def synthetic_records(count: int, seed: int = 0) -> list[Record]:
    """count valid records spread over every taxonomy node, kind and the years 2017-2026."""
    rng = random.Random(seed)
    tax = load_taxonomy(REPO / "taxonomy")
    nodes, kinds = list(tax.nodes), list(tax.kinds)
    records = []
    for i in range(count):
        year, month = rng.randint(2017, 2026), rng.randint(1, 9)
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 12))).capitalize() + f" {i}"
        records.append(
            Record(
                id=f"synthetic-{i:05d}",
                kind=rng.choice(kinds),
                title=title,
                name=f"{rng.choice(NAMES)}{rng.choice(NAMES)}-{i}",
                authors=[
                    f"Author{rng.randint(1, 5000)} Family{rng.randint(1, 5000)}" for _ in range(rng.randint(1, 8))
                ],
                authors_truncated=rng.random() < 0.2,
                date=f"{year}-{month:02d}",
                venue="arXiv",
                links={"arxiv": f"{year % 100:02d}{month:02d}.{i:05d}"}
                | ({"code": f"https://github.com/example/repo{i}"} if rng.random() < 0.5 else {}),
                taxonomy=rng.sample(nodes, rng.randint(1, 3)),
                bibtex_key=f"synthetic{i}",
                summary=" ".join(rng.choice(WORDS) for _ in range(30)) if rng.random() < 0.3 else None,
                added=f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            )
        )
    return records


def synthetic_project(folder: Path, count: int, seed: int = 0) -> Path:
    """A project folder (taxonomy copied from the repo) holding count synthetic records."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(REPO / "taxonomy", folder / "taxonomy")
    (folder / "papers").mkdir()
    for record in synthetic_records(count, seed):
        save_record(folder / "papers", record)
    return folder
