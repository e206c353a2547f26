"""Preference pairs for DPO from the policy's own samples, ranked by the verifiable reward.

For each prompt: sample ``samples_per_prompt`` completions, score each with the recipe's weighted rewards,
pair the best (chosen) with the worst (rejected). Prompts whose samples all score the same give no pair.
"""

from __future__ import annotations

import random
from typing import Any

from .generation import sample
from .rewards import weighted_scores


def preference_pairs(
    model: Any,
    tokenizer: Any,
    rows: list[dict[str, Any]],
    spec: Any,
    reward_funcs: list[Any],
    weights: list[float],
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Rows {prompt, chosen, rejected} (chat prompts give message lists) from spec.prompts sampled task rows."""
    rng = random.Random(seed)
    picked = [rows[rng.randrange(len(rows))] for _ in range(spec.prompts)]
    groups = sample(
        model,
        tokenizer,
        [r["prompt"] for r in picked],
        n=spec.samples_per_prompt,
        temperature=spec.temperature,
        max_new_tokens=spec.max_new_tokens,
        seed=seed,
    )
    pairs = []
    for row, group in zip(picked, groups, strict=True):
        texts = [text for text, _ in group]
        columns = {k: [v] * len(texts) for k, v in row.items() if k not in ("prompt", "key")}
        scores = weighted_scores(
            reward_funcs, weights, [row["prompt"]] * len(texts), texts, [ids for _, ids in group], **columns
        )
        best = max(range(len(texts)), key=scores.__getitem__)
        worst = min(range(len(texts)), key=scores.__getitem__)
        if scores[best] == scores[worst]:
            continue
        chosen, rejected = texts[best], texts[worst]
        if not isinstance(row["prompt"], str):
            chosen = [{"role": "assistant", "content": chosen}]
            rejected = [{"role": "assistant", "content": rejected}]
        pairs.append({"prompt": row["prompt"], "chosen": chosen, "rejected": rejected})
    return pairs
