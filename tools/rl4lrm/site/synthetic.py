"""Synthetic records for developing and benchmarking the site: deterministic, valid, any number of them."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from ..kb.formatting import save_record
from ..kb.schema import Links, Record
from ..kb.taxonomy import Taxonomy

_WORDS = (
    "policy reward reasoning verifier scaling entropy rollout curriculum agent math code search tool sparse dense "
    "critic value advantage clipping sampling exploration preference language model chain thought long short "
    "efficient robust adaptive hierarchical multimodal visual process outcome token sequence group relative"
).split()
_PREFIXES = ("Dance", "Open", "Deep", "Skywork", "Turbo", "Mini", "Flash", "Seed", "Light", "Meta", "Pro", "Dr")
_ALGOS = ("GRPO", "PPO", "DAPO", "RLOO", "VAPO", "Reasoner", "Zero", "RL", "R1", "Math", "Coder", "Agent")
_FAMILIES = "Chen Wang Li Zhang Liu Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao".split()
_GIVEN = "Wei Jing Ming Hao Yu Lei Xin Ying Tao Jun Ana Maria John Sara Omar Lena Ravi Aiko Ivan Eva".split()
_COMMON = (
    "the of and to in we a for that is on with our this by as are from model models method learning training "
    "results show which can performance data large language tasks approach based propose using while than more "
    "these be it across new two each or both further its also such benchmarks improves experiments"
).split()
_SYLLABLES = "ka ro mi tu se va lo ne pi da fu ri zo me ta ku li so ba"
ABSTRACT_WORDS = 150


def abstract_vocabulary(size: int = 4000) -> list[str]:
    """Common English words, the topic words, then made-up words (two or three syllables): a vocabulary as large as
    a real corpus' so that the search index is sized like one."""
    syllables = _SYLLABLES.split()
    made = [a + b for a in syllables for b in syllables] + [
        a + b + c for a in syllables for b in syllables[:8] for c in syllables[:8]
    ]
    return (_COMMON + list(_WORDS) + made)[:size]


def _zipf_weights(n: int, s: float = 1.05) -> list[float]:
    total = 0.0
    out = []
    for rank in range(1, n + 1):
        total += 1.0 / rank**s
        out.append(total)
    return out


def synthetic_records(count: int, taxonomy: Taxonomy, seed: int = 0, added: str = "2026-01-01") -> list[Record]:
    """count valid records over the taxonomy's leaf nodes and kinds, with unique ids, titles and names, and
    ABSTRACT_WORDS-word abstracts drawn from abstract_vocabulary() with Zipf's law (like real text)."""
    rng = random.Random(seed)
    parents = {node.parent for node in taxonomy.nodes.values() if node.parent}
    leaves = [node_id for node_id in taxonomy.nodes if node_id not in parents and "/" in node_id]
    kinds = list(taxonomy.kinds) or ["paper"]
    vocabulary = abstract_vocabulary()
    weights = _zipf_weights(len(vocabulary))
    out = []
    for index in range(count):
        name = f"{rng.choice(_PREFIXES)}{rng.choice(_ALGOS)}{index}"
        words = rng.sample(_WORDS, 6)
        year = rng.choice((2022, 2023, 2024, 2025, 2025, 2026))
        month = rng.randint(1, 12 if year < 2026 else 10)
        links = Links(
            arxiv=f"{year % 100:02d}{month:02d}.{10000 + index % 90000:05d}" if rng.random() < 0.8 else None,
            code=f"https://github.com/example/{name.lower()}" if rng.random() < 0.5 else None,
        )
        out.append(
            Record(
                id=f"{name.lower()}-{year}",
                kind=kinds[0] if rng.random() < 0.8 else rng.choice(kinds),
                title=f"{name}: {' '.join(words).capitalize()} for reasoning models ({index})",
                name=name,
                authors=[f"{rng.choice(_GIVEN)} {rng.choice(_FAMILIES)}" for _ in range(rng.randint(1, 6))],
                date=f"{year}-{month:02d}",
                venue=rng.choice(("arXiv", "NeurIPS 2025", "ICLR 2026", None)),
                links=links,
                taxonomy=rng.sample(leaves, rng.randint(1, 3)),
                summary=f"{name} studies {' '.join(rng.sample(_WORDS, 12))}.",
                abstract=" ".join(rng.choices(vocabulary, cum_weights=weights, k=ABSTRACT_WORDS)).capitalize() + ".",
                bibtex_key=f"{name.lower()}{year}" if index % 3 == 0 else None,
                added=added if index % 50 else "2026-02-01",
            )
        )
    return out


def write_synthetic_project(folder: Path, taxonomy_source: Path, count: int, seed: int = 0) -> Path:
    """A project folder with a copy of the taxonomy and count synthetic records in papers/."""
    from ..kb.taxonomy import load_taxonomy

    shutil.copytree(taxonomy_source, folder / "taxonomy", dirs_exist_ok=True)
    (folder / "papers").mkdir(parents=True, exist_ok=True)
    for record in synthetic_records(count, load_taxonomy(folder / "taxonomy"), seed):
        save_record(folder / "papers", record)
    return folder
