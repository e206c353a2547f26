"""Every baseline on the same toy tasks with the same budget: final reward, held-out greedy and pass@1, seconds.

    python benchmarks/toy_table.py --out baselines/results/toy_table.md

Each algorithm starts from its own cpu-smoke recipe; only the task, the budget (RL steps × 64 completions per
step, the same SFT warm-up) and the seed change, so the rows differ by algorithm alone. Each cell is the mean ±
std over the seeds. Seconds are wall-clock training time (and process CPU time) on this machine: on shared cores
they grow with the load, which the table reports. The runs go through the same runner as `rl4lrm baseline run`.
`--out` also writes <out>.json (every run) and <out>.png (mean reward curves), after every run; `--resume`
keeps the runs already in <out>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# task -> recipe changes: the task, completion length for its answers, and the SFT warm-up it gets
TASKS: dict[str, dict[str, Any]] = {
    "copy": {"task": {"name": "copy", "digits": 1}, "length": 2, "warmup": 0},
    "arithmetic": {"task": {"name": "arithmetic", "digits": 2}, "length": 4, "warmup": 100},
    "countdown": {"task": {"name": "countdown", "numbers": 3}, "length": 8, "warmup": 100},
}
# table row -> (recipe folder, overrides that select a variant of it)
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    # DAPO without dynamic sampling: TRL's GRPOTrainer with the other four DAPO settings (None removes a key)
    "dapo-trl": ("dapo", {"trainer": "grpo", "defining.dynamic_sampling_max_rounds": None}),
    "reinforce-pp-baseline": (
        "reinforce-pp",
        {"defining.baseline.value": "group", "config.num_generations": 8, "config.batch_size": 8},
    ),
}


def available(recipes: Path) -> list[str]:
    """Every algorithm with a cpu-smoke recipe, plus the variants of those."""
    names = sorted(p.parent.name for p in recipes.glob("*/cpu-smoke.yaml"))
    return names + [v for v, (base, _) in VARIANTS.items() if base in names]


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    if value is None:
        data.pop(last, None)
    else:
        data[last] = value


def recipe_text(
    recipes: Path, algorithm: str, task: str, steps: int, seed: int, eval_size: int, warmup: int | None
) -> tuple[str, Path]:
    """The cpu-smoke recipe of algorithm, changed to run task with the shared budget and seed."""
    import yaml

    base, changes = VARIANTS.get(algorithm, (algorithm, {}))
    path = recipes / base / "cpu-smoke.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec = TASKS[task]
    data["task"] = {**spec["task"], "train_size": 4096, "eval_size": eval_size, "seed": 0}
    data["model"]["warmup_sft_steps"] = spec["warmup"] if warmup is None else warmup
    config = data.setdefault("config", {})
    config.update(max_steps=steps, seed=seed, logging_steps=min(10, steps), save_steps=10**6)
    length_key = "max_new_tokens" if "max_new_tokens" in config else "max_completion_length"  # online DPO: the former
    if "preferences" in data:  # DPO samples its pairs once, before training
        data["preferences"]["max_new_tokens"] = spec["length"]
    else:
        config[length_key] = spec["length"]
    if "max_length" in config:  # DPO family: prompt + completion must fit
        config["max_length"] = 32
    data.setdefault("eval", {})["max_new_tokens"] = spec["length"]
    for reward in data["rewards"]:
        if reward["name"] == "soft_overlong":  # DAPO: room past the answer length, where the soft penalty applies
            reward.update(max_length=2 * spec["length"], cache=spec["length"])
            config[length_key] = 2 * spec["length"]
    for key, value in changes.items():
        _set(data, key, value)
    return yaml.safe_dump(data, sort_keys=False), path


def run_one(
    recipes: Path, algorithm: str, task: str, steps: int, seed: int, eval_size: int, warmup: int | None
) -> dict[str, Any]:
    """Train and evaluate one (algorithm, task, seed); the run's folder is temporary."""
    from rl4lrm.baselines.recipe import parse_recipe
    from rl4lrm.baselines.run import run_recipe

    text, path = recipe_text(recipes, algorithm, task, steps, seed, eval_size, warmup)
    file = parse_recipe(text, str(path.relative_to(ROOT)), path)
    load = os.getloadavg()[0]
    cpu = time.process_time()
    with tempfile.TemporaryDirectory(prefix="toy-table-") as out:
        try:
            summary = run_recipe(file, Path(out))
        except RuntimeError as exc:  # e.g. dynamic sampling finding no group with differing rewards
            return {"algorithm": algorithm, "task": task, "seed": seed, "failed": str(exc), "load": round(load, 1)}
        log = Path(out) / "metrics.jsonl"
        rows = [json.loads(line) for line in log.read_text().splitlines()] if log.is_file() else []
    curve = [(r["step"], r["reward"]) for r in rows if r.get("reward") is not None and r["step"] > 0]
    return {
        "algorithm": algorithm,
        "task": task,
        "seed": seed,
        "steps": summary["steps"],
        "final_reward": curve[-1][1] if curve else None,
        "curve": curve,
        "greedy_before": summary["before"].get("greedy_accuracy"),
        "greedy": summary["after"].get("greedy_accuracy"),
        "pass@1": summary["after"].get("pass@1"),
        "seconds": summary["train_seconds"],
        "cpu_seconds": round(time.process_time() - cpu, 1),
        "load": round(load, 1),
        "stopped_early": summary.get("stopped_early"),
    }


def _cell(values: list[float | None], digits: int = 2) -> str:
    got = [v for v in values if v is not None]
    if not got:
        return "–"
    if len(got) == 1:
        return f"{got[0]:.{digits}f}"
    return f"{statistics.mean(got):.{digits}f} ± {statistics.stdev(got):.{digits}f}"


def table(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    """The Markdown page: settings, then one table per task."""
    seeds = sorted({r["seed"] for r in results})
    loads = [r["load"] for r in results]
    command = [a for a in sys.argv[1:] if a not in ("--resume", "--render-only")]
    wanted = len(args.algorithms) * len(args.tasks) * len(args.seeds)
    lines = [
        "# Toy benchmark: every baseline, same tasks, same budget",
        "",
        f"Generated by `{' '.join(['python', 'benchmarks/toy_table.py', *command])}` on "
        f"{time.strftime('%Y-%m-%d')}. Tiny character-level Llama (hidden 64, 2 layers) from each algorithm's "
        f"`cpu-smoke` recipe; {args.steps} RL steps of 64 completions, seeds {', '.join(map(str, seeds))} "
        "(mean ± std); held-out greedy accuracy and pass@1 (mean of k=4 samples at T=1) on "
        f"{args.eval_size} prompts never trained on. SFT warm-up steps before RL: "
        + ", ".join(f"{t} {TASKS[t]['warmup'] if args.warmup is None else args.warmup}" for t in args.tasks)
        + ".",
        "",
        f"Seconds are wall-clock training time on 2 shared CPU cores (1-minute load average during the runs: "
        f"{min(loads):.1f}–{max(loads):.1f}). CPU seconds are this process's CPU time (all its threads), including "
        "warm-up and evaluation. DAPO rows get twice the completion length, the second half being the soft "
        "overlong punishment's cache zone; DPO rows keep their own batch (pairs sampled once, before training) "
        "and log no reward.",
        "",
    ]
    if len(results) < wanted:
        lines += [
            f"**Partial:** {len(results)} of the {wanted} runs requested finished; a cell without ± has one "
            "seed, a missing row was not run. `--resume` continues from the runs recorded in the .json file.",
            "",
        ]
    notes: list[str] = []
    for task in args.tasks:
        rows = [r for r in results if r["task"] == task]
        if not rows:
            continue
        lines += [
            f"## {task}",
            "",
            "| Algorithm | Final reward | Greedy (before → after) | pass@1 | Seconds | CPU s |",
            "|---|---|---|---|---|---|",
        ]
        for algorithm in args.algorithms:
            runs = [r for r in rows if r["algorithm"] == algorithm and "failed" not in r]
            failed = [r for r in rows if r["algorithm"] == algorithm and "failed" in r]
            if failed:
                notes.append(
                    f"{algorithm} on {task}, seed(s) {', '.join(str(r['seed']) for r in failed)}: {failed[0]['failed']}"
                )
            early = [r for r in runs if r.get("stopped_early")]
            if early:
                notes.append(
                    f"{algorithm} on {task}, seed(s) {', '.join(str(r['seed']) for r in early)} ended early "
                    f"(after {', '.join(str(r['steps']) for r in early)} steps): {early[0]['stopped_early']}"
                )
            if not runs:
                continue
            lines.append(
                f"| {algorithm} | {_cell([r['final_reward'] for r in runs])} | "
                f"{_cell([r['greedy_before'] for r in runs])} → {_cell([r['greedy'] for r in runs])} | "
                f"{_cell([r['pass@1'] for r in runs])} | {_cell([r['seconds'] for r in runs], 0)} | "
                f"{_cell([r['cpu_seconds'] for r in runs], 0)} |"
            )
        lines.append("")
    if notes:
        lines += ["Runs that stopped or ended early:", "", *[f"- {note}" for note in notes], ""]
    return "\n".join(lines)


def plot(results: list[dict[str, Any]], tasks: list[str], path: Path) -> None:
    """Mean reward against step, one panel per task, one line per algorithm."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(tasks), figsize=(5 * len(tasks), 3.6), squeeze=False)
    for ax, task in zip(axes[0], tasks, strict=True):
        for algorithm in dict.fromkeys(r["algorithm"] for r in results):
            curves = [
                dict(r["curve"])
                for r in results
                if r["task"] == task and r["algorithm"] == algorithm and r.get("curve")
            ]
            steps = sorted(set.intersection(*(set(c) for c in curves))) if curves else []
            if steps:
                ax.plot(steps, [statistics.mean(c[s] for c in curves) for s in steps], label=algorithm)
        ax.set_title(task)
        ax.set_xlabel("step")
        ax.set_ylabel("mean reward")
    labelled = [ax for ax in axes[0] if ax.get_legend_handles_labels()[0]]
    if labelled:
        labelled[0].legend(fontsize=7, loc="best")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    recipes = ROOT / "baselines" / "recipes"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="Markdown file to write (default: print the table)")
    parser.add_argument("--algorithms", nargs="+", default=available(recipes), choices=available(recipes))
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=200, help="RL steps per run (64 completions each)")
    parser.add_argument("--eval-size", type=int, default=100, help="held-out prompts")
    parser.add_argument("--warmup", type=int, help="SFT warm-up steps for every task (default: per task)")
    parser.add_argument("--resume", action="store_true", help="keep the runs already in <out>.json, do the rest")
    parser.add_argument("--render-only", action="store_true", help="rewrite <out> from <out>.json without running")
    args = parser.parse_args(argv)
    if (args.resume or args.render_only) and args.out is None:
        parser.error("--resume and --render-only need --out")
    done_path = args.out.with_suffix(".json") if args.out else None
    results = json.loads(done_path.read_text()) if (args.resume or args.render_only) and done_path.is_file() else []
    if args.render_only:
        write(results, args)
        return 0
    done = {(r["algorithm"], r["task"], r["seed"]) for r in results}
    for seed in args.seeds:  # seed outermost: an interrupted table still covers every cell once
        for task in args.tasks:
            for algorithm in args.algorithms:
                if (algorithm, task, seed) in done:
                    continue
                result = run_one(recipes, algorithm, task, args.steps, seed, args.eval_size, args.warmup)
                results.append(result)
                print(json.dumps({k: v for k, v in result.items() if k != "curve"}), file=sys.stderr, flush=True)
                if args.out is not None:
                    write(results, args)
    if args.out is None:
        print(table(results, args))
    return 0


def write(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """<out>.md (the table), <out>.png (reward curves) and <out>.json (every run), rewritten after each run."""
    from rl4lrm.kb.formatting import write_atomic

    args.out.parent.mkdir(parents=True, exist_ok=True)
    image = args.out.with_suffix(".png")
    plot(results, args.tasks, image)
    write_atomic(args.out, table(results, args) + f"\n![Mean reward per step]({image.name})\n")
    write_atomic(args.out.with_suffix(".json"), json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    sys.exit(main())
