"""Per-step time of `rl4lrm baseline run` (our entry point) against the bare TRL trainer on the same config.

Both sides train the same GRPO cpu-smoke recipe (tiny local model, copy task) for the same number of steps
in this one process, alternating A/B so machine load hits both alike; the figure is seconds per optimizer
step of ``trainer.train()`` (setup excluded on both sides), median over repeats. Goal: ratio ≤ 1.05.

    .venv/bin/python benchmarks/baseline_overhead.py [--steps 60] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]


def _ours(recipe: Path, overrides: list[str], out: Path) -> float:
    from rl4lrm.baselines.recipe import load_recipe
    from rl4lrm.baselines.run import run_recipe

    summary = run_recipe(load_recipe(recipe, overrides), out, resume=False, evaluate=False)
    return summary["train_seconds"] / summary["steps"]


def _bare(recipe: Path, overrides: list[str], out: Path) -> float:
    from datasets import Dataset
    from transformers import set_seed
    from trl import GRPOConfig, GRPOTrainer

    from rl4lrm.baselines.models import load_policy
    from rl4lrm.baselines.recipe import load_recipe
    from rl4lrm.baselines.rewards import accuracy
    from rl4lrm.baselines.tasks import load_task

    recipe_data = load_recipe(recipe, overrides).recipe
    values = {**recipe_data.trainer_config(), "output_dir": str(out)}
    set_seed(values["seed"])
    model, tokenizer = load_policy("tiny-char-llama", seed=values["seed"])
    model.save_pretrained(out / "initial")  # the reference model is loaded from a path, as in our runner
    tokenizer.save_pretrained(out / "initial")
    model, tokenizer = load_policy(str(out / "initial"))
    rows = load_task(recipe_data.task)[0]
    dataset = Dataset.from_list([{k: v for k, v in r.items() if k != "key"} for r in rows])
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=[accuracy],
        args=GRPOConfig(**values),
        train_dataset=dataset,
        processing_class=tokenizer,
    )
    started = time.perf_counter()
    trainer.train()
    return (time.perf_counter() - started) / trainer.state.global_step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    recipe = ROOT / "baselines" / "recipes" / "grpo" / "cpu-smoke.yaml"
    overrides = [
        f"max_steps={args.steps}",
        "save_steps=100000",
        "logging_steps=10",
        "report_to=none",
        "disable_tqdm=true",
    ]
    ours, bare = [], []
    with tempfile.TemporaryDirectory() as tmp:
        _bare(recipe, overrides, Path(tmp) / "warm-bare")  # first runs pay one-off costs (imports, kernels)
        _ours(recipe, overrides, Path(tmp) / "warm-ours")
        for i in range(args.repeats):
            bare.append(_bare(recipe, overrides, Path(tmp) / f"bare{i}"))
            ours.append(_ours(recipe, overrides, Path(tmp) / f"ours{i}"))
    a, b = statistics.median(ours), statistics.median(bare)
    print(f"GRPO cpu-smoke, {args.steps} steps x {args.repeats} repeats (median seconds per step)")
    print(f"  bare TRL GRPOTrainer : {b * 1000:8.1f} ms/step   runs: {', '.join(f'{x * 1000:.1f}' for x in bare)}")
    print(f"  rl4lrm baseline run  : {a * 1000:8.1f} ms/step   runs: {', '.join(f'{x * 1000:.1f}' for x in ours)}")
    print(f"  ratio ours / bare    : {a / b:8.3f}   (goal <= 1.05)")


if __name__ == "__main__":
    main()
