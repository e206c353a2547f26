"""Sampling completions from a policy with transformers ``generate`` (CPU and single GPU; vLLM lives in evaluate)."""

from __future__ import annotations

from typing import Any


def encode_prompts(tokenizer: Any, prompts: list[Any]) -> list[str]:
    """Prompt strings as the model sees them: chat prompts through the tokenizer's chat template."""
    out = []
    for prompt in prompts:
        if isinstance(prompt, str):
            out.append(prompt)
        else:
            out.append(tokenizer.apply_chat_template(prompt, tokenize=False, add_generation_prompt=True))
    return out


def sample(
    model: Any,
    tokenizer: Any,
    prompts: list[Any],
    n: int = 1,
    temperature: float = 1.0,
    top_p: float = 1.0,
    max_new_tokens: int = 8,
    batch_size: int = 64,
    seed: int | None = None,
    synced_gpus: bool = False,
) -> list[list[tuple[str, list[int]]]]:
    """n completions per prompt as (text, token ids without padding/EOS); temperature 0 means greedy (n must be 1).

    Prompts go in batches of batch_size, padded on the left; the model is put in eval mode and restored.
    synced_gpus: every process calls this with as many batches (needed when DeepSpeed ZeRO-3 shards the model).
    """
    import torch

    if seed is not None:
        torch.manual_seed(seed)
    texts = encode_prompts(tokenizer, prompts)
    greedy = temperature == 0
    was_training = model.training
    model.eval()
    side = tokenizer.padding_side
    tokenizer.padding_side = "left"
    out: list[list[tuple[str, list[int]]]] = []
    special = {tokenizer.pad_token_id, tokenizer.eos_token_id}
    try:
        for start in range(0, len(texts), batch_size):
            chunk = texts[start : start + batch_size]
            enc = tokenizer(chunk, return_tensors="pt", padding=True, add_special_tokens=False).to(model.device)
            kwargs: dict[str, Any] = (
                {"do_sample": False}
                if greedy
                else {"do_sample": True, "temperature": temperature, "top_p": top_p, "top_k": 0}
            )
            with torch.no_grad():
                generated = model.generate(
                    **enc,
                    max_new_tokens=max_new_tokens,
                    num_return_sequences=1 if greedy else n,
                    pad_token_id=tokenizer.pad_token_id,
                    synced_gpus=synced_gpus,
                    **kwargs,
                )
            completions = generated[:, enc["input_ids"].shape[1] :].tolist()
            per = 1 if greedy else n
            for i in range(len(chunk)):
                group = []
                for ids in completions[i * per : (i + 1) * per]:
                    if tokenizer.eos_token_id in ids:
                        ids = ids[: ids.index(tokenizer.eos_token_id)]
                    ids = [t for t in ids if t not in special]
                    group.append((tokenizer.decode(ids, skip_special_tokens=True), ids))
                out.append(group)
    finally:
        tokenizer.padding_side = side
        model.train(was_training)
    return out
