"""Per-step time of `rl4lrm baseline run` (our entry point) against the bare TRL trainer on the same config.

Both sides train the same GRPO cpu-smoke recipe (tiny local model, copy task) for the same number of steps
in this one process, alternating which goes first so machine load hits both alike; the figures are wall and
CPU milliseconds per optimizer step of ``trainer.train()`` (setup excluded on both sides), median and minimum
over repeats, and the ratio ours/bare. Goal: ratio ≤ 1.05.

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


def _ours(recipe: Path, overrides: list[str], out: Path) -> tuple[float, float]:
    from rl4lrm.baselines.recipe import load_recipe
    from rl4lrm.baselines.run import run_recipe

    summary = run_recipe(load_recipe(recipe, overrides), out, resume=False, evaluate=False)
    return summary["train_seconds"] / summary["steps"], summary["train_cpu_seconds"] / summary["steps"]


def _bare(recipe: Path, overrides: list[str], out: Path) -> tuple[float, float]:
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
    started, cpu_started = time.perf_counter(), time.process_time()
    trainer.train()
    steps = trainer.state.global_step
    return (time.perf_counter() - started) / steps, (time.process_time() - cpu_started) / steps


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
    ours: list[tuple[float, float]] = []
    bare: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        _bare(recipe, overrides, Path(tmp) / "warm-bare")  # first runs pay one-off costs (imports, kernels)
        _ours(recipe, overrides, Path(tmp) / "warm-ours")
        for i in range(args.repeats):  # alternate which side goes first
            if i % 2:
                ours.append(_ours(recipe, overrides, Path(tmp) / f"ours{i}"))
            bare.append(_bare(recipe, overrides, Path(tmp) / f"bare{i}"))
            if not i % 2:
                ours.append(_ours(recipe, overrides, Path(tmp) / f"ours{i}"))
    print(f"GRPO cpu-smoke, {args.steps} steps x {args.repeats} repeats, load average {os.getloadavg()[0]:.1f}")
    for label, index in (("wall", 0), ("CPU (process time)", 1)):
        b = [run[index] for run in bare]
        a = [run[index] for run in ours]
        ratios = [x / y for x, y in zip(a, b, strict=True)]
        print(f"{label} ms/step, median (min):")
        print(f"  bare TRL GRPOTrainer : {statistics.median(b) * 1000:7.1f} ({min(b) * 1000:.1f})")
        print(f"  rl4lrm baseline run  : {statistics.median(a) * 1000:7.1f} ({min(a) * 1000:.1f})")
        print(
            f"  ratio ours / bare    : median of paired runs {statistics.median(ratios):.3f}, "
            f"of minima {min(a) / min(b):.3f}   (goal <= 1.05)"
        )


if __name__ == "__main__":
    main()
