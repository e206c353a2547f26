"""`make gpu-smoke`: every algorithm's gpu-smoke preset on one CUDA GPU, then one table.

Each row: steps run, steps per second, peak GPU memory, mean reward of the first and last logged step, held-out
greedy accuracy before and after. The table goes to stdout and, with --write, to baselines/results/gpu_smoke.md
(and .json) with the GPU, torch and TRL versions. It is what a user with a GPU runs first; CI has no GPU.

    python scripts/gpu_smoke.py [--algorithms grpo ppo ...] [--out runs/gpu-smoke] [--write]

--allow-cpu runs the same presets on the CPU (bf16 off) to check this script itself; its numbers say nothing
about a GPU and are never written as results.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RECIPES = ROOT / "baselines" / "recipes"
RESULTS = ROOT / "baselines" / "results"


def cpu_overrides(recipe_file: Any) -> list[str]:
    """Overrides that run a gpu-smoke preset on the CPU: no bf16 autocast, and TRL told not to look for a GPU."""
    from rl4lrm.baselines.trainers import config_class

    names = {f.name for f in dataclasses.fields(config_class(recipe_file.recipe.trainer))}
    return ["bf16=false", *(["use_cpu=true"] if "use_cpu" in names else [])]


def smoke(algorithm: str, out: Path, steps: int | None, allow_cpu: bool) -> dict[str, Any]:
    """Run one algorithm's gpu-smoke preset in a fresh folder; its row of the table."""
    import torch

    from rl4lrm.baselines.recipe import load_recipe
    from rl4lrm.baselines.run import run_recipe

    path = RECIPES / algorithm / "gpu-smoke.yaml"
    overrides = [f"max_steps={steps}"] if steps else []
    if allow_cpu:
        overrides += cpu_overrides(load_recipe(path))
    folder = out / algorithm
    shutil.rmtree(folder, ignore_errors=True)
    cuda = torch.cuda.is_available() and not allow_cpu
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    started = time.perf_counter()
    try:
        summary = run_recipe(load_recipe(path, overrides), folder)
    except Exception as exc:  # one algorithm failing must not hide the others' rows
        return {"algorithm": algorithm, "error": f"{type(exc).__name__}: {exc}"[:300]}
    rows = [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines()]
    rewards = [r["reward"] for r in rows if "reward" in r]
    return {
        "algorithm": algorithm,
        "steps": summary["steps"],
        "steps_per_second": round(summary["steps"] / max(summary["train_seconds"], 1e-9), 2),
        "seconds": round(time.perf_counter() - started, 1),
        "peak_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if cuda else None,
        "reward_first": round(rewards[0], 3) if rewards else None,
        "reward_last": round(rewards[-1], 3) if rewards else None,
        "greedy_before": summary["before"].get("greedy_accuracy"),
        "greedy_after": summary["after"].get("greedy_accuracy"),
    }


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as a markdown table (failed runs show their error)."""
    head = "| algorithm | steps | steps/s | peak GiB | reward first → last | held-out greedy before → after |"
    lines = [head, "|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['algorithm']} | failed: {r['error']} | | | | |")
            continue
        peak = "n/a (CPU)" if r["peak_memory_gib"] is None else f"{r['peak_memory_gib']:.2f}"
        lines.append(
            f"| {r['algorithm']} | {r['steps']} | {r['steps_per_second']:.2f} | {peak} | "
            f"{r['reward_first']} → {r['reward_last']} | {r['greedy_before']} → {r['greedy_after']} |"
        )
    return "\n".join(lines)


def environment() -> dict[str, Any]:
    import torch
    import trl

    return {
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "trl": trl.__version__,
        "date": time.strftime("%Y-%m-%d"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    algorithms = sorted(p.parent.name for p in RECIPES.glob("*/gpu-smoke.yaml"))
    parser.add_argument("--algorithms", nargs="*", default=algorithms, choices=algorithms, metavar="ALGORITHM")
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "gpu-smoke", help="run folders")
    parser.add_argument("--steps", type=int, help="override max_steps (default: the preset's 20)")
    parser.add_argument("--write", action="store_true", help="write baselines/results/gpu_smoke.md and .json")
    parser.add_argument("--allow-cpu", action="store_true", help="run on the CPU to test this script")
    args = parser.parse_args(argv)
    import torch

    if not torch.cuda.is_available() and not args.allow_cpu:
        print("gpu-smoke: no CUDA GPU visible (torch.cuda.is_available() is False); nothing was run", file=sys.stderr)
        return 2
    if args.write and args.allow_cpu:
        parser.error("--write records GPU results; it cannot be combined with --allow-cpu")
    rows = [smoke(a, args.out, args.steps, args.allow_cpu) for a in args.algorithms]
    text = table(rows)
    print(text)
    if args.write:
        env = environment()
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "gpu_smoke.json").write_text(json.dumps({"environment": env, "runs": rows}, indent=2) + "\n")
        header = f"# gpu-smoke on {env['gpu']}\n\n`make gpu-smoke` on {env['date']}, torch {env['torch']} (CUDA "
        header += f"{env['cuda']}), TRL {env['trl']}.\n\n"
        (RESULTS / "gpu_smoke.md").write_text(header + text + "\n")
    return 1 if any("error" in r for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
