"""Run one recipe end to end; also the module entry for multi-GPU launches:

    accelerate launch --config_file baselines/accelerate/<cfg>.yaml -m rl4lrm.baselines.run \
        --recipe baselines/recipes/<algorithm>/<preset>.yaml [--output-dir DIR] [key=value ...]

Order matters: the recipe is parsed and its trainer config built (all checks) before any model is loaded.
With --resume a run continues from the last ``checkpoint-<step>`` in its output folder; without it a folder
that already holds a run is refused. It writes metrics.jsonl/.csv,
reward.png, eval_before.json and summary.json (held-out accuracy before/after, seconds) there.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from ..kb.formatting import write_atomic
from ..kb.problems import DataError, Problem, render
from .recipe import RecipeFile, load_recipe
from .registry import StopTraining

ENV = {"HF_HUB_OFFLINE": "1", "TRL_EXPERIMENTAL_SILENCE": "1", "TOKENIZERS_PARALLELISM": "false"}


def quiet_environment() -> None:
    """Offline hub, no TRL experimental banner, no tokenizer threads fighting the trainer (set if unset)."""
    for key, value in ENV.items():
        os.environ.setdefault(key, value)


def last_checkpoint(folder: Path) -> Path | None:
    """The checkpoint-<step> folder with the highest step, or None."""
    steps = [(int(p.name.split("-")[1]), p) for p in folder.glob("checkpoint-*") if p.name.split("-")[1].isdigit()]
    return max(steps)[1] if steps else None


def _main_process() -> bool:
    from .distributed import process_state

    return process_state().is_main_process


def _wait_for_everyone() -> None:
    from .distributed import process_state

    process_state().wait_for_everyone()


def _world_size() -> int:
    from .distributed import process_state

    return process_state().num_processes


def check_world_size(file: RecipeFile) -> None:
    """DataError when the launch started another number of processes than the recipe states: the global batch
    (and the plan) would silently change."""
    launched = _world_size()
    stated = file.recipe.world_size()
    if launched != stated:
        raise DataError(
            [
                file.problem(
                    ("launch", "num_processes"),
                    "launch-world-size",
                    f"the launch started {launched} process(es) but the recipe states {stated}",
                    f"launch it as the recipe says, or override launch.num_processes={launched} (and the per-device "
                    "batch, to keep global_batch_size)",
                )
            ]
        )


def check_output_dir(output_dir: Path, resume: bool) -> Path | None:
    """The checkpoint to resume from; DataError when the folder holds a run and resuming was not asked for."""
    checkpoint = last_checkpoint(output_dir) if output_dir.is_dir() else None
    if resume:
        return checkpoint
    if checkpoint is not None or (output_dir / "summary.json").is_file():
        what = f"a checkpoint ({checkpoint.name})" if checkpoint else "a finished run (summary.json)"
        raise DataError(
            [
                Problem(
                    str(output_dir),
                    0,
                    "output_dir",
                    "run-exists",
                    f"the output folder already holds {what}",
                    "pass --resume to continue it, or choose another --output-dir",
                )
            ]
        )
    return None


def starting_policy(
    file: RecipeFile, output_dir: Path, checkpoint: Path | None, rows: tuple[list, list], seed: int, evaluate: bool
) -> tuple[Any, Any, dict[str, Any]]:
    """The policy training starts from (the recipe's model, after its SFT warm-up) and its held-out scores.

    A fresh run saves a locally built or warmed-up start to output_dir/initial (trainers load their reference
    model from that path) and writes eval_before.json; a resumed run reloads both.
    """
    from .metrics import MetricsLog
    from .models import TINY, load_policy

    recipe = file.recipe
    train_rows, eval_rows = rows
    main = _main_process()
    metrics = MetricsLog(output_dir)
    before_path, initial = output_dir / "eval_before.json", output_dir / "initial"
    if checkpoint is not None:
        start = initial if initial.is_dir() else recipe.model.name
        model, tokenizer = load_policy(str(start), recipe.model.dtype)
        if main:
            metrics.truncate(int(checkpoint.name.split("-")[1]))
        return model, tokenizer, json.loads(before_path.read_text()) if before_path.is_file() else {}
    tiny = recipe.model.tiny.model_dump() if recipe.model.tiny else None
    model, tokenizer = load_policy(recipe.model.name, recipe.model.dtype, tiny, seed=seed)
    local_start = recipe.model.name == TINY or recipe.model.warmup_sft_steps > 0
    if local_start:
        from .warmup import warm_up

        warm_up(
            model, tokenizer, train_rows, recipe.model.warmup_sft_steps, recipe.model.warmup_learning_rate, seed=seed
        )
        if main:
            model.save_pretrained(initial)
            tokenizer.save_pretrained(initial)
    before = _evaluate(model, tokenizer, eval_rows, file, seed, evaluate)
    if main:
        metrics.jsonl.unlink(missing_ok=True)
        write_atomic(before_path, json.dumps(before, indent=2) + "\n")
    if local_start:
        _wait_for_everyone()
        model, tokenizer = load_policy(str(initial), recipe.model.dtype)
    return model, tokenizer, before


def _evaluate(model: Any, tokenizer: Any, rows: list, file: RecipeFile, seed: int, evaluate: bool) -> dict[str, Any]:
    """Held-out scores in this process (single-process runs without vLLM), else {} (run `baseline eval`)."""
    from .evaluate import evaluate_model, use_vllm

    if not evaluate or _world_size() > 1 or use_vllm(file.recipe.eval):
        return {}
    return evaluate_model(model, tokenizer, rows, file.recipe.eval, seed=seed)


def train(job: Any, checkpoint: Path | None) -> dict[str, Any]:
    """Build the recipe's trainer on the job, train, save output_dir/final; the run's step and time figures."""
    from .registry import TRAINERS, resolve

    trainer = resolve(TRAINERS[job.file.recipe.trainer].build)(job)  # type: ignore[operator]
    started, cpu_started = time.perf_counter(), time.process_time()
    stopped_early = None
    try:
        trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
    except StopTraining as exc:
        stopped_early = str(exc)
        print(f"stopped early: {exc}", file=sys.stderr)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    state = getattr(trainer, "state", None)
    final = job.output_dir / "final"
    if hasattr(trainer, "save_model"):
        trainer.save_model(str(final))
    elif _main_process():
        job.model.save_pretrained(final)
    if _main_process():
        job.tokenizer.save_pretrained(final)
    return {
        "steps": int(getattr(state, "global_step", 0) or getattr(trainer, "step", 0)),
        "train_seconds": round(seconds, 3),
        "train_cpu_seconds": round(cpu_seconds, 3),  # all threads of this process; less sensitive to machine load
        "stopped_early": stopped_early,
    }


def write_summary(job: Any, summary: dict[str, Any]) -> dict[str, Any]:
    """Add the last logged metrics and the reward plot to the summary and write output_dir/summary.json."""
    from .metrics import plot_rewards

    if not _main_process():
        return summary
    rows = job.metrics.rows()
    if rows:
        job.metrics.write_csv()
        last = rows[-1]
        summary["last"] = {k: last[k] for k in ("step", "reward", "accuracy", "kl", "entropy") if k in last}
    recipe = job.file.recipe
    plot = plot_rewards(rows, job.output_dir / "reward.png", f"{recipe.algorithm} {recipe.preset}")
    summary["plot"] = plot.name if plot else None
    write_atomic(job.output_dir / "summary.json", json.dumps(summary, indent=2) + "\n")
    return summary


def run_recipe(
    file: RecipeFile, output_dir: Path, callbacks: list[Any] | None = None, resume: bool = False, evaluate: bool = True
) -> dict[str, Any]:
    """Train one recipe; returns the summary also written to output_dir/summary.json.

    callbacks are extra transformers TrainerCallbacks (tests use one to interrupt a run). With resume, a run
    continues from the last checkpoint in output_dir; without it, a folder that already holds a run is refused.
    """
    quiet_environment()
    from transformers import set_seed

    from .job import Job
    from .metrics import MetricsLog, metrics_callback
    from .rewards import build_rewards
    from .tasks import load_task
    from .trainers import build_config

    recipe = file.recipe
    funcs, weights = build_rewards(recipe.rewards)
    config = build_config(file, str(output_dir), weights)  # every check before any model is loaded
    check_world_size(file)
    checkpoint = check_output_dir(output_dir, resume)
    train_rows, eval_rows = load_task(recipe.task)
    seed = int(getattr(config, "seed", 0))
    set_seed(seed)
    rows = (train_rows, eval_rows)
    model, tokenizer, before = starting_policy(file, output_dir, checkpoint, rows, seed, evaluate)
    metrics = MetricsLog(output_dir)
    job = Job(
        file=file,
        config=config,
        model=model,
        tokenizer=tokenizer,
        train_rows=train_rows,
        eval_rows=eval_rows,
        reward_funcs=funcs,
        reward_weights=weights,
        output_dir=output_dir,
        metrics=metrics,
        callbacks=[metrics_callback(metrics), *(callbacks or [])],
    )
    figures = train(job, checkpoint)
    summary: dict[str, Any] = {
        "recipe": file.name,
        "algorithm": recipe.algorithm,
        "preset": recipe.preset,
        "resumed_from": checkpoint.name if checkpoint else None,
        **figures,
        "before": before,
        "after": _evaluate(job.model, tokenizer, eval_rows, file, seed, evaluate),
    }
    return write_summary(job, summary)


def environment() -> dict[str, Any]:
    """Where a result was measured: library versions, CPU count and load, GPU name (or none)."""
    import platform

    import torch
    import transformers
    import trl

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "trl": trl.__version__,
        "cpus": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 1),  # other work on the machine slows the seconds reported
        "gpu": gpu,
        "gpus": torch.cuda.device_count(),
    }


def record_results(file: RecipeFile, output_dir: Path, summary: dict[str, Any], command: str) -> Path:
    """Copy a finished run's summary (with command, date and environment), plot and metrics CSV next to the
    recipe, in <algorithm>/results/<preset>/, where the algorithm's page reads them."""
    import datetime as dt
    import shutil

    folder = file.path.parent / "results" / file.recipe.preset
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        **summary,
        "recipe": f"{file.recipe.algorithm}/{file.recipe.preset}.yaml",
        "command": command,
        "date": dt.date.today().isoformat(),
        "environment": environment(),
    }
    for name in ("reward.png", "metrics.csv"):
        if (output_dir / name).is_file():
            shutil.copyfile(output_dir / name, folder / name)
    write_atomic(folder / "summary.json", json.dumps(record, indent=2) + "\n")
    return folder


def default_output_dir(file: RecipeFile) -> Path:
    """runs/<algorithm>/<preset> under the working directory."""
    return Path("runs") / file.recipe.algorithm / file.recipe.preset


def main(argv: list[str] | None = None) -> int:
    """Entry for `python -m rl4lrm.baselines.run` / `accelerate launch -m rl4lrm.baselines.run`."""
    parser = argparse.ArgumentParser(prog="python -m rl4lrm.baselines.run", description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", type=Path, required=True, help="a baselines/recipes/<algorithm>/<preset>.yaml")
    parser.add_argument("--output-dir", type=Path, help="default: runs/<algorithm>/<preset>")
    parser.add_argument("--resume", action="store_true", help="continue from the last checkpoint in the output folder")
    parser.add_argument("--record", action="store_true", help="copy the results next to the recipe for its page")
    parser.add_argument("overrides", nargs="*", metavar="key=value", help="recipe overrides, e.g. max_steps=3")
    args = parser.parse_args(argv)
    try:
        file = load_recipe(args.recipe, args.overrides)
        output_dir = args.output_dir or default_output_dir(file)
        summary = run_recipe(file, output_dir, resume=args.resume)
        if args.record and _main_process():
            command = " ".join(["python -m rl4lrm.baselines.run --recipe", str(args.recipe), *args.overrides])
            record_results(file, output_dir, summary, command)
    except DataError as exc:
        print(render(exc.problems, "text"), file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
