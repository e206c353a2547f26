"""Held-out evaluation: greedy accuracy and pass@1 averaged over k samples, with the recipe's pinned sampling.

Two backends read the same rows and score with the same ``rewards.is_correct``: transformers ``generate``
(CPU, tests, small models) and vLLM (GPU; used when ``eval.backend`` is vllm, or auto with vllm importable and
a GPU present).
"""

from __future__ import annotations

from typing import Any

from ..kb.problems import DataError, Problem
from .generation import encode_prompts, sample
from .rewards import is_correct


def score(rows: list[dict[str, Any]], greedy: list[str], samples: list[list[str]], k: int) -> dict[str, float]:
    """greedy_accuracy, pass@1 (mean correctness of the k samples) and pass@k (a correct one among the k),
    averaged over prompts. With exactly k samples per prompt, pass@k's unbiased estimator (Chen et al. 2021,
    arXiv 2107.03374) is this indicator."""
    if not rows:
        return {"greedy_accuracy": 0.0, "pass@1": 0.0, "pass@k": 0.0, "k": float(k), "prompts": 0.0}
    greedy_hits = [is_correct(text, row) for text, row in zip(greedy, rows, strict=True)]
    hits = [[is_correct(t, row) for t in texts] for texts, row in zip(samples, rows, strict=True)]
    return {
        "greedy_accuracy": sum(greedy_hits) / len(rows),
        "pass@1": sum(sum(h) / len(h) for h in hits) / len(rows),
        "pass@k": sum(any(h) for h in hits) / len(rows),
        "k": float(k),
        "prompts": float(len(rows)),
    }


def evaluate_model(
    model: Any, tokenizer: Any, rows: list[dict[str, Any]], spec: Any, seed: int = 0, batch_size: int = 64
) -> dict[str, float]:
    """Evaluate an in-memory policy with transformers generate (spec: rl4lrm.baselines.recipe.EvalSpec)."""
    prompts = [r["prompt"] for r in rows]
    greedy = [
        g[0][0]
        for g in sample(
            model, tokenizer, prompts, temperature=0, max_new_tokens=spec.max_new_tokens, batch_size=batch_size
        )
    ]
    if spec.temperature == 0:
        samples = [[text] * spec.k for text in greedy]
    else:
        groups = sample(
            model,
            tokenizer,
            prompts,
            n=spec.k,
            temperature=spec.temperature,
            top_p=spec.top_p,
            max_new_tokens=spec.max_new_tokens,
            batch_size=batch_size,
            seed=seed,
        )
        samples = [[text for text, _ in group] for group in groups]
    return score(rows, greedy, samples, spec.k)


def vllm_available() -> bool:
    """True when vllm imports and a CUDA device is visible."""
    import importlib.util

    if importlib.util.find_spec("vllm") is None:
        return False
    import torch

    return torch.cuda.is_available()


def evaluate_vllm(
    model_path: str, tokenizer: Any, rows: list[dict[str, Any]], spec: Any, seed: int = 0, tensor_parallel_size: int = 1
) -> dict[str, float]:
    """Evaluate a saved checkpoint or hub model with vLLM: one greedy pass and k samples per prompt."""
    from vllm import LLM, SamplingParams

    llm = LLM(model=model_path, tensor_parallel_size=tensor_parallel_size, seed=seed)
    prompts = encode_prompts(tokenizer, [r["prompt"] for r in rows])
    greedy_params = SamplingParams(temperature=0.0, max_tokens=spec.max_new_tokens)
    greedy = [out.outputs[0].text for out in llm.generate(prompts, greedy_params)]
    if spec.temperature == 0:
        samples = [[text] * spec.k for text in greedy]
    else:
        params = SamplingParams(
            n=spec.k, temperature=spec.temperature, top_p=spec.top_p, max_tokens=spec.max_new_tokens, seed=seed
        )
        samples = [[o.text for o in out.outputs] for out in llm.generate(prompts, params)]
    return score(rows, greedy, samples, spec.k)


def use_vllm(spec: Any) -> bool:
    """Whether the eval spec's backend resolves to vLLM here; DataError when it must but cannot."""
    if spec.backend == "vllm" and not vllm_available():
        raise DataError(
            [
                Problem(
                    "recipe",
                    0,
                    "eval.backend",
                    "eval-backend",
                    "eval.backend is vllm but vllm is not installed or no GPU is visible",
                    "override eval.backend=transformers to evaluate with transformers generate",
                )
            ]
        )
    return spec.backend == "vllm" or (spec.backend == "auto" and vllm_available())


def evaluate_recipe(
    recipe: Any, checkpoint: str | None, benchmark: str | None, limit: int | None, data: str | None
) -> list[dict[str, Any]]:
    """Evaluate a policy (the recipe's starting model unless checkpoint) on each benchmark of the recipe."""
    from .models import load_policy
    from .tasks import load_benchmark, load_task

    name = checkpoint or recipe.model.name
    vllm = use_vllm(recipe.eval)
    if vllm:
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(name)
    else:
        tiny = recipe.model.tiny.model_dump() if recipe.model.tiny else None
        model, tokenizer = load_policy(name, recipe.model.dtype, tiny)
    results = []
    for bench in [benchmark] if benchmark else recipe.eval.benchmarks:
        rows = load_task(recipe.task)[1] if bench == "heldout" else load_benchmark(bench, recipe.task.chat, limit, data)
        rows = rows[:limit] if limit else rows
        if vllm:
            result = evaluate_vllm(name, tokenizer, rows, recipe.eval, tensor_parallel_size=recipe.launch.num_processes)
        else:
            result = evaluate_model(model, tokenizer, rows, recipe.eval)
        backend = "vllm" if vllm else "transformers"
        results.append(
            {"algorithm": recipe.algorithm, "preset": recipe.preset, "model": name, "benchmark": bench}
            | {"backend": backend, **result}
        )
    return results
