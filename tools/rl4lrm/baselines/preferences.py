"""Preference pairs for DPO from the policy's own samples, ranked by the verifiable reward.

For each prompt: sample ``samples_per_prompt`` completions, score each with the recipe's weighted rewards,
pair the best (chosen) with the worst (rejected). Prompts whose samples all score the same give no pair.
Under ``accelerate launch`` each process samples an equal share of the prompts on its device and every process
ends with all the pairs, in the same order. Generation goes ``preferences.batch_size`` prompts at a time (the KV
cache of 64 prompts × 8 samples × 3k tokens would not fit a GPU), with the full weights gathered under ZeRO-3.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from typing import Any

from .generation import sample
from .rewards import weighted_scores


@contextlib.contextmanager
def full_parameters(model: Any) -> Iterator[None]:
    """The whole model on every process while inside: under DeepSpeed ZeRO-3 (the DPOConfig made before the model
    loads switches on zero.Init) each process holds only a shard, and plain `generate` needs every weight."""
    from transformers.integrations import is_deepspeed_zero3_enabled

    if not is_deepspeed_zero3_enabled():
        yield
        return
    import deepspeed

    with deepspeed.zero.GatheredParameters(list(model.parameters()), modifier_rank=None):
        yield


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
    from .distributed import process_state

    state = process_state()
    rng = random.Random(seed)
    picked = [rows[rng.randrange(len(rows))] for _ in range(spec.prompts)]
    share = -(-len(picked) // state.num_processes)  # equal shares (padded), so every process runs as many batches
    mine = picked[state.process_index * share : (state.process_index + 1) * share]
    padded = mine + [picked[0]] * (share - len(mine))
    if model.device != state.device:
        model.to(state.device)
    with full_parameters(model):
        groups = sample(
            model,
            tokenizer,
            [r["prompt"] for r in padded],
            n=spec.samples_per_prompt,
            temperature=spec.temperature,
            max_new_tokens=spec.max_new_tokens,
            batch_size=spec.batch_size,
            seed=seed + state.process_index,
        )[: len(mine)]
    pairs = _pairs(mine, groups, reward_funcs, weights)
    if state.num_processes > 1:
        from accelerate.utils import gather_object

        pairs = gather_object(pairs)
    return pairs


def _pairs(
    picked: list[dict[str, Any]], groups: list[Any], reward_funcs: list[Any], weights: list[float]
) -> list[dict[str, Any]]:
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
