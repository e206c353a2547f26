"""The toy benchmark: does the RL stage (not the warm-up) move held-out pass@1, and does it sharpen or discover?

    python benchmarks/toy_table.py --out baselines/results/toy_table.md [--resume] [--render-only]

Per task, one supervised warm-up checkpoint (a tiny character-level Llama, 4 layers × 128, stopped after a short
run of supervised steps) starts every run: it samples right answers often enough (pass@k ≥ 0.6 at k = 8) but not
reliably (pass@1 around 0.15–0.4), so RL has work to do. Every algorithm then starts from that checkpoint with the
same budget of generated completions (DAPO's over-sampling counted: its dynamic sampling stops when the budget is
spent; DPO's pairs are sampled from the same number of completions), the same learning rate, and the same held-out
prompts (never trained on), for each seed. Before and after: held-out pass@1 (mean correctness of k samples at
T = 1) and pass@k (a right answer among them). If pass@1 rises while pass@k stays, RL sharpened what the warm-up
could already sample; if pass@k rises too, it discovered (the survey's §4.1 question, measured).

Cells are means over the seeds with a 95% interval (Student t on the per-seed values). A gain is marked when its
interval lies above zero. <out>.json keeps every run (algorithm, task, seed, samples, before, after, curve);
the .md and .png are rendered from it after every run, so an interrupted table can `--resume`.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from rl4lrm.baselines.toy_results import Cell, cell, cell_text, interval

ROOT = Path(__file__).resolve().parents[1]
RECIPES = ROOT / "baselines" / "recipes"
TINY = {"hidden_size": 128, "layers": 4}
# task -> the recipe's task section, the completion length its answers need, the warm-up that starts RL, and the
# completions every run generates (one budget for all algorithms of a task; see the page for why arithmetic's is 4x)
TASKS: dict[str, dict[str, Any]] = {
    "arithmetic": {"task": {"name": "arithmetic", "digits": 2}, "length": 4, "warmup_steps": 400, "budget": 25600},
    "countdown": {"task": {"name": "countdown", "numbers": 3}, "length": 8, "warmup_steps": 300, "budget": 6400},
}
WARMUP_ROWS = 4096  # the warm-up is short, not small: it stops while pass@1 is still low
WARMUP_LR = 1e-3
RL_LR = 5e-5  # RL after SFT needs a rate about 100x below the from-scratch one (baselines/results/arithmetic_tuning.md)
EVAL = {"k": 8, "temperature": 1.0, "top_p": 1.0}
EVAL_SIZE = 200
REFERENCE = "grpo"  # every algorithm's gain is also compared with this one's
TARGET = 0.15  # the gain in held-out pass@1 the page counts algorithms against


HOW_WE_GOT_HERE = """## What was tried, and what we think explains the rows

- **Budget before rate.** The first full pass gave every algorithm 6400 completions on both tasks (100 GRPO steps
  of 64). On arithmetic (4 seeds) the GRPO family gained +0.07 to +0.10 in held-out pass@1, REINFORCE++ +0.12,
  PPO +0.22 and offline DPO −0.02: only PPO passed +0.15. A higher rate at that budget did not help: at 2e-4
  (seed 0) GRPO gained +0.03, online DPO −0.10, DPO −0.12, PPO +0.12, with pass@8 falling for all four. Twice the
  budget at 1e-4 gave GRPO +0.13 and +0.10 (seeds 0, 1); three times at 5e-5 gave +0.15 and +0.15. So arithmetic
  got four times the budget at the same rate (25600 completions, 400 GRPO steps); countdown, whose 8-token answers
  make each completion about twice as slow, kept 6400 and shows the small-budget regime. Training time per run,
  two runs sharing the 2 cores (one thread each): arithmetic 55–105 s for most algorithms (DPO about 10 s; up to
  216 s while other work shared the cores), PPO 215–280 s (4 epochs and a value model); countdown 15–45 s for most.
- **Why the GRPO family moves as one.** Most of these recipes take one optimizer step per rollout, so at the update
  the sampling policy is the policy being trained and every token ratio is 1: clipping (symmetric, clip-higher),
  SAPO's soft gate, GSPO's and LUSPO's sequence ratio, GMPO's geometric mean and CISPO's weight clipping all act on
  ratios near 1 and change almost nothing. The answers are 3 to 4 tokens long, so the loss aggregations (per
  sequence, per token, Dr. GRPO's constant) nearly coincide too. What is left is the group-normalised advantage
  they share: against GRPO their paired differences stay within ±0.01. VESPO is the exception that proves it:
  its recipe takes 8 optimizer steps per rollout (staleness N = 8, as in the authors' scripts), so 7 of every 8
  updates see ratios away from 1 and its weighting acts (+0.03 over GRPO on arithmetic, an interval above zero).
- **Why DAPO trails slightly.** Dynamic sampling drops groups whose answers are all right or all wrong and
  samples again, and the budget counts the dropped completions: within 25600 it made about 250 optimizer steps
  where GRPO made 400 (−0.03 against GRPO; +0.14 over the warm-up, just under +0.15).
- **Why PPO leads.** PPO's recipe takes 4 epochs of 2 mini-batches over each rollout, so at the same number of
  completions it makes several times the gradient steps, and its value model gives a per-token baseline.
  REINFORCE++ takes one epoch but normalises advantages over the whole batch (+0.06 over GRPO on arithmetic).
- **Why DPO lags.** Its preference pairs are sampled once from the warm-up policy and never refreshed (the offline
  recipe), and it ends below the warm-up on arithmetic; online DPO samples new pairs every step and ends above GRPO.
- **Sharpening or discovery.** On countdown pass@1 rises while pass@8 stays: RL concentrates mass on answers the
  warm-up could already sample. On arithmetic, with four times the budget, pass@8 rises as well (+0.13 to +0.15),
  which at k = 8 still leaves open whether a larger k would have found those answers before RL.
"""


def algorithms() -> list[str]:
    """Every algorithm with a cpu-smoke recipe."""
    return sorted(p.parent.name for p in RECIPES.glob("*/cpu-smoke.yaml"))


def warmup_checkpoint(task: str, cache: Path) -> tuple[Path, dict[str, float]]:
    """The shared starting policy of a task (built once, then reused) and its held-out scores."""
    folder = cache / f"warmup-{task}"
    scores = folder / "scores.json"
    if scores.is_file():
        return folder, json.loads(scores.read_text())
    from rl4lrm.baselines.evaluate import evaluate_model
    from rl4lrm.baselines.models import TINY as TINY_NAME
    from rl4lrm.baselines.models import load_policy
    from rl4lrm.baselines.recipe import EvalSpec, TaskSpec
    from rl4lrm.baselines.tasks import load_task
    from rl4lrm.baselines.warmup import warm_up
    from rl4lrm.kb.formatting import write_atomic

    spec = TASKS[task]
    train, held_out = load_task(TaskSpec(**spec["task"], train_size=WARMUP_ROWS, eval_size=EVAL_SIZE))
    model, tokenizer = load_policy(TINY_NAME, "float32", TINY, seed=0)
    warm_up(model, tokenizer, train, spec["warmup_steps"], WARMUP_LR, seed=0)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    result = evaluate_model(model, tokenizer, held_out, EvalSpec(**EVAL, max_new_tokens=spec["length"]))
    write_atomic(scores, json.dumps(result, indent=2) + "\n")
    return folder, result


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def recipe_data(
    algorithm: str, task: str, seed: int, start: Path, budget: int, lr: float
) -> tuple[dict[str, Any], int]:
    """The algorithm's cpu-smoke recipe on the task from the shared start, sized to the sample budget; and the
    completions it will generate (its `samples`)."""
    import yaml

    from rl4lrm.baselines.recipe import Recipe

    data = yaml.safe_load((RECIPES / algorithm / "cpu-smoke.yaml").read_text(encoding="utf-8"))
    spec = TASKS[task]
    data["model"] = {"name": str(start)}
    data["task"] = {**spec["task"], "train_size": 4096, "eval_size": EVAL_SIZE, "seed": 0}
    data["eval"] = {**EVAL, "max_new_tokens": spec["length"]}
    config = data.setdefault("config", {})
    config.update(seed=seed, logging_steps=5, save_steps=10**6, learning_rate=lr)
    length = spec["length"]
    for reward in data["rewards"]:
        if reward["name"] == "soft_overlong":  # DAPO: room past the answer, where the soft penalty applies
            reward.update(max_length=2 * length, cache=length)
            length *= 2
    trainer = data["trainer"]
    if "preferences" in data:  # DPO: pairs sampled once from `prompts × samples_per_prompt` completions
        prefs = data["preferences"]
        prefs["max_new_tokens"] = length
        prefs["prompts"] = budget // prefs["samples_per_prompt"]
        config["max_length"] = 32
        return data, prefs["prompts"] * prefs["samples_per_prompt"]
    config["max_new_tokens" if trainer == "online-dpo" else "max_completion_length"] = length
    if "max_length" in config:
        config["max_length"] = 32
    recipe = Recipe.model_validate(data)
    batches = recipe.batches()
    per_rollout = batches.per_rollout or batches.per_optimizer_step
    if trainer in ("ppo", "reinforce-pp"):  # one max_step is one rollout
        steps = budget // per_rollout
        config["max_steps"] = steps
        return data, steps * per_rollout
    per_step = per_rollout // (batches.optimizer_steps_per_rollout or 1)  # completions sampled per optimizer step
    steps = budget // per_step
    if trainer == "dapo-dynamic":  # over-samples: the budget, not the step count, ends it
        config["max_steps"] = 10 * steps
        _set(data, "defining.dynamic_sampling_max_completions", {"value": budget, "source": "toy table budget"})
        return data, budget
    config["max_steps"] = steps
    return data, steps * per_step


def _accuracy_key(row: dict[str, Any]) -> str | None:
    """The logged mean of the accuracy reward alone (GDPO's `reward` also adds its format reward)."""
    for key in ("accuracy", "reward"):
        if row.get(key) is not None:
            return key
    return None


def run_one(algorithm: str, task: str, seed: int, cache: Path, budget: int, lr: float) -> dict[str, Any]:
    """Train and evaluate one (algorithm, task, seed) from the task's warm-up checkpoint."""
    import tempfile

    import yaml

    from rl4lrm.baselines.recipe import parse_recipe
    from rl4lrm.baselines.run import run_recipe

    start, _ = warmup_checkpoint(task, cache)
    data, samples = recipe_data(algorithm, task, seed, start, budget, lr)
    path = RECIPES / algorithm / "cpu-smoke.yaml"
    file = parse_recipe(yaml.safe_dump(data, sort_keys=False), str(path.relative_to(ROOT)), path)
    load = os.getloadavg()[0]
    base = {"algorithm": algorithm, "task": task, "seed": seed, "budget": budget, "lr": lr, "load": round(load, 1)}
    with tempfile.TemporaryDirectory(prefix="toy-table-") as out:
        try:
            summary = run_recipe(file, Path(out))
        except Exception as exc:  # one failing cell must not stop the table; the page lists it
            return {**base, "failed": f"{type(exc).__name__}: {exc}"[:300]}
        log = Path(out) / "metrics.jsonl"
        rows = [json.loads(line) for line in log.read_text().splitlines()] if log.is_file() else []
    sampled = [r["dynamic_sampling/sampled_total"] for r in rows if "dynamic_sampling/sampled_total" in r]
    keep = ("pass@1", "pass@k", "greedy_accuracy", "k")
    return {
        **base,
        "samples": int(max(sampled)) if sampled else samples,
        "steps": summary["steps"],
        "before": {k: summary["before"].get(k) for k in keep},
        "after": {k: summary["after"].get(k) for k in keep},
        "curve": [(r["step"], r[key]) for r in rows if (key := _accuracy_key(r)) and r["step"] > 0],
        "seconds": summary["train_seconds"],
        "stopped_early": summary.get("stopped_early"),
    }


def versus(c: Cell, reference: Cell | None) -> str:
    """The algorithm's pass@1 gain minus the reference's, paired by seed, with its interval (bold when clear)."""
    if reference is None or c.algorithm == reference.algorithm:
        return "–"
    theirs = dict(zip(reference.seeds, reference.gain1, strict=True))
    diffs = [g - theirs[s] for s, g in zip(c.seeds, c.gain1, strict=True) if s in theirs]
    if not diffs:
        return "–"
    mean, half = interval(diffs)
    text = cell_text(diffs, signed=True, digits=3)  # paired differences can be clear and still below 0.01
    return f"**{text}**" if len(diffs) > 1 and abs(mean) > half else text


def table(
    results: list[dict[str, Any]],
    tasks: list[str],
    names: list[str],
    seeds: list[int],
    budgets: dict[str, int],
    lr: float,
) -> str:
    """The Markdown page rendered from the runs."""
    import platform

    done = [r for r in results if "failed" not in r]
    loads = [r["load"] for r in results] or [0.0]
    wanted = len(names) * len(tasks) * len(seeds)
    lines = [
        "# Toy benchmark: what the RL stage does to held-out pass@1 and pass@k",
        "",
        f"Rendered {time.strftime('%Y-%m-%d')} from [toy_table.json](toy_table.json) by "
        "`python benchmarks/toy_table.py --out baselines/results/toy_table.md` (`make bench` adds `--resume "
        "--jobs 2`). Machine: "
        f"{platform.machine()}, {os.cpu_count()} CPU cores shared with other work (1-minute load average during the "
        f"runs {min(loads):.1f}–{max(loads):.1f}).",
        "",
        f"Every run starts from the task's warm-up checkpoint (tiny Llama 4×128, {WARMUP_ROWS} training rows, "
        f"SFT at lr {WARMUP_LR}) and generates the task's budget of completions in all ("
        + ", ".join(f"{task} {budgets[task]}" for task in tasks)
        + "; DAPO's over-sampling counted; DPO's "
        f"pairs come from as many), RL learning rate {lr:g}, seeds {', '.join(map(str, seeds))}. Held-out: "
        f"{EVAL_SIZE} prompts never trained on, k = {EVAL['k']} samples at T = {EVAL['temperature']}. "
        "Cells: mean ± 95% interval over seeds; **bold** gains have an interval above zero. The column against "
        f"{REFERENCE} is the per-seed difference of the pass@1 gains (paired: a seed's runs share its warm-up "
        "evaluation); **bold** where its interval excludes zero, that is where two algorithms differ by more than the "
        "noise.",
        "",
    ]
    if len(results) < wanted:
        lines += [
            f"**Partial:** {len(results)} of the {wanted} runs finished; `--resume` continues from the .json file. "
            "A cell without ± has one seed; a missing row was not run.",
            "",
        ]
    notes = []
    for task in tasks:
        rows = [r for r in done if r["task"] == task]
        if not rows:
            continue
        start = {r["seed"]: r["before"] for r in rows}  # one evaluation of the warm-up per seed
        lines += [
            f"## {task}",
            "",
            f"Warm-up start (held-out, mean ± 95% interval over the seeds' evaluations): pass@1 "
            f"{cell_text([b['pass@1'] for b in start.values()])}, pass@{EVAL['k']} "
            f"{cell_text([b['pass@k'] for b in start.values()])}.",
            "",
            f"| Algorithm | Seeds | Samples | pass@1 after | Δ pass@1 | Δ pass@1 − {REFERENCE}'s "
            f"| pass@{EVAL['k']} after | Δ pass@{EVAL['k']} | Reading | Reproduce |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        reference = cell(done, REFERENCE, task)
        cells = [c for name in names if (c := cell(done, name, task))]
        for name in names:
            notes += [
                f"{name} on {task}, seed {r['seed']}: {r['failed']}"
                for r in results
                if r["algorithm"] == name and r["task"] == task and "failed" in r
            ]
        for c in cells:
            lines.append(
                f"| {c.algorithm} | {len(c.seeds)} | {c.samples:.0f} | {cell_text(c.after1)} | {c.gain1_text} | "
                f"{versus(c, reference)} | {cell_text(c.afterk)} | "
                f"{cell_text(c.gaink, signed=True)} | {c.reading} | `{c.command}` |"
            )
        big = [c.algorithm for c in cells if statistics.mean(c.gain1) >= TARGET]
        lines += [
            "",
            f"{len(big)} of {len(cells)} algorithms raise mean held-out pass@1 by ≥ {TARGET} here"
            + (f" ({', '.join(big)})." if big else "."),
        ]
        lines.append("")
    if notes:
        lines += ["Runs that failed:", "", *[f"- {n}" for n in notes], ""]
    lines += [
        "![Per task: training reward against completions generated (mean, band of one standard deviation over "
        "seeds); held-out pass@1 before and after RL (mean, 95% interval)](toy_table.png)",
        "",
        "Training reward is the accuracy reward's batch mean, that is pass@1 on the training prompts at T = 1 "
        "(GDPO's accuracy part only; DPO samples once, before training, so it has no curve).",
        "",
        HOW_WE_GOT_HERE,
    ]
    return "\n".join(lines)


def plot(results: list[dict[str, Any]], tasks: list[str], names: list[str], path: Path) -> None:
    """Per task, on top: the training reward (the accuracy reward's batch mean, pass@1 on training prompts) against
    completions generated, mean and band (± one standard deviation over seeds); below: held-out pass@1 before and
    after RL, mean and 95% interval, per algorithm."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    done = [r for r in results if "failed" not in r]
    fig, axes = plt.subplots(2, len(tasks), figsize=(6 * len(tasks), 8), squeeze=False)
    for column, task in enumerate(tasks):
        top, bottom = axes[0][column], axes[1][column]
        top.set_prop_cycle(color=plt.cm.tab20.colors)  # 15 algorithms: tab10 would repeat colours
        for name in names:
            runs = [r for r in done if r["task"] == task and r["algorithm"] == name and r.get("curve")]
            # x: completions generated so far (step × completions per step), comparable across algorithms
            curves = [{s * r["samples"] / r["steps"]: v for s, v in r["curve"]} for r in runs if r["steps"]]
            xs = sorted(set.intersection(*(set(c) for c in curves))) if curves else []
            if not xs:
                continue
            means = [statistics.mean(c[x] for c in curves) for x in xs]
            spread = [statistics.pstdev([c[x] for c in curves]) for x in xs]
            top.plot(xs, means, label=name, linewidth=1)
            top.fill_between(
                xs,
                [m - d for m, d in zip(means, spread, strict=True)],
                [m + d for m, d in zip(means, spread, strict=True)],
                alpha=0.12,
            )
        top.set_title(f"{task}: training reward")
        top.set_xlabel("completions generated")
        top.set_ylabel("training reward (accuracy)")
        top.legend(fontsize=6, ncol=2)
        cells = [c for name in names if (c := cell(done, name, task))]
        for i, c in enumerate(cells):
            for values, style, label in ((c.before1, "o", "before"), (c.after1, "s", "after")):
                mean, half = interval(values)
                bottom.errorbar(
                    [i],
                    [mean],
                    yerr=[half],
                    fmt=style,
                    color="tab:gray" if label == "before" else "tab:blue",
                    label=label if i == 0 else None,
                    capsize=2,
                    markersize=4,
                )
        bottom.set_xticks(range(len(cells)), [c.algorithm for c in cells], rotation=60, fontsize=7)
        bottom.set_title(f"{task}: held-out pass@1 before and after RL (95% interval)")
        bottom.set_ylabel("held-out pass@1")
        bottom.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def _one_thread() -> None:
    """A worker of a parallel table: one CPU thread, so that --jobs runs share the cores instead of fighting."""
    import torch

    torch.set_num_threads(1)


def budgets(args: argparse.Namespace) -> dict[str, int]:
    """The completions budget of each task: --budget for all, or the task's own."""
    return {task: args.budget or spec["budget"] for task, spec in TASKS.items()}


def write(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """<out>.json (every run), then the .md and .png rendered from it."""
    from rl4lrm.kb.formatting import write_atomic

    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(args.out.with_suffix(".json"), json.dumps(results, indent=1) + "\n")
    plot(results, args.tasks, args.algorithms, args.out.with_suffix(".png"))
    write_atomic(args.out, table(results, args.tasks, args.algorithms, args.seeds, budgets(args), args.lr))


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="Markdown file to write (default: print the table)")
    parser.add_argument("--algorithms", nargs="+", default=algorithms(), choices=algorithms())
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--lr", type=float, default=RL_LR, help=f"RL learning rate (default {RL_LR:g})")
    parser.add_argument("--budget", type=int, help="completions each run generates (default: the task's budget)")
    parser.add_argument("--cache", type=Path, default=ROOT / "runs" / "toy-table", help="warm-up checkpoints")
    parser.add_argument(
        "--jobs", type=int, default=1, help="runs at once, one CPU thread each (default 1: one run, all threads)"
    )
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
    for task in args.tasks:
        _, scores = warmup_checkpoint(task, args.cache)
        print(json.dumps({"warm-up": task, **scores}), file=sys.stderr, flush=True)
    same = [
        r for r in results if "failed" not in r and (r["budget"], r.get("lr")) == (budgets(args)[r["task"]], args.lr)
    ]
    if len(same) < len(results):
        print(f"dropping {len(results) - len(same)} failed runs or runs at another budget or rate", file=sys.stderr)
    results = same
    done = {(r["algorithm"], r["task"], r["seed"]) for r in results}
    pending = [  # seed outermost: an interrupted table still covers every cell once
        (name, task, seed)
        for seed in args.seeds
        for task in args.tasks
        for name in args.algorithms
        if (name, task, seed) not in done
    ]
    context = multiprocessing.get_context("spawn")
    threads = _one_thread if args.jobs > 1 else None
    with ProcessPoolExecutor(args.jobs, mp_context=context, initializer=threads) as pool:
        runs = [
            pool.submit(run_one, name, task, seed, args.cache, budgets(args)[task], args.lr)
            for name, task, seed in pending
        ]
        for future in as_completed(runs):
            result = future.result()
            results.append(result)
            print(json.dumps({k: v for k, v in result.items() if k != "curve"}), file=sys.stderr, flush=True)
            if args.out is not None:
                write(results, args)
    if args.out is None:
        print(table(results, args.tasks, args.algorithms, args.seeds, budgets(args), args.lr))
    return 0


if __name__ == "__main__":
    sys.exit(main())
