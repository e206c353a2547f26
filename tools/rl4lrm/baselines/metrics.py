"""Training metrics: one JSONL row per logged step (plus a CSV copy), common names across trainers, a plot.

Each row keeps the trainer's own keys and adds the common ones when the trainer logs them:
reward, accuracy, kl, entropy, completion_length, loss.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from ..kb.formatting import write_atomic

COMMON = {  # common name -> trainer keys, first found wins
    "reward": ("reward", "objective/scores", "score"),
    "accuracy": ("rewards/accuracy/mean", "accuracy"),
    "kl": ("kl", "objective/kl"),
    "entropy": ("entropy", "objective/entropy"),
    "completion_length": ("completions/mean_length", "completion_length"),
    "loss": ("loss",),
}


def common_row(step: int, logs: dict[str, Any]) -> dict[str, Any]:
    """A metrics row: step, the common names, then every numeric value the trainer logged."""
    values = {k: float(v) for k, v in logs.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    row: dict[str, Any] = {"step": step}
    for name, keys in COMMON.items():
        found = next((values[k] for k in keys if k in values), None)
        if found is not None:
            row[name] = found
    row.update({k: v for k, v in values.items() if k not in row})
    return row


class MetricsLog:
    """Appends rows to <dir>/metrics.jsonl; ``truncate(step)`` drops rows after a resumed checkpoint."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.jsonl = folder / "metrics.jsonl"
        self.csv = folder / "metrics.csv"

    def log(self, step: int, logs: dict[str, Any]) -> dict[str, Any]:
        """Record one step's metrics; returns the row written."""
        row = {
            k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in common_row(step, logs).items()
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.jsonl.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(row) + "\n")
        return row

    def rows(self) -> list[dict[str, Any]]:
        if not self.jsonl.is_file():
            return []
        return [json.loads(line) for line in self.jsonl.read_text(encoding="utf-8").splitlines() if line.strip()]

    def truncate(self, step: int) -> None:
        """Keep only rows up to step (a run resumed from checkpoint-<step> logs the later steps again)."""
        kept = [row for row in self.rows() if row["step"] <= step]
        write_atomic(self.jsonl, "".join(json.dumps(row) + "\n" for row in kept))

    def write_csv(self) -> Path:
        """metrics.csv with the union of columns, step first."""
        rows = self.rows()
        columns = list(dict.fromkeys(key for row in rows for key in row))
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.csv.with_suffix(".csv.tmp")
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        tmp.replace(self.csv)
        return self.csv


def plot_rewards(rows: list[dict[str, Any]], path: Path, title: str) -> Path | None:
    """A small PNG of reward (and task accuracy when logged) against step; None when nothing to plot."""
    points = [(r["step"], r["reward"]) for r in rows if r.get("reward") is not None]
    if not points:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 2.8), dpi=100)
    ax.plot(*zip(*points, strict=True), label="reward", linewidth=1.5)
    accuracy = [(r["step"], r["accuracy"]) for r in rows if r.get("accuracy") is not None]
    if accuracy and accuracy != points:
        ax.plot(*zip(*accuracy, strict=True), label="accuracy", linewidth=1.0, linestyle="--")
    ax.set_xlabel("step")
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def metrics_callback(log: MetricsLog) -> Any:
    """A transformers TrainerCallback writing every on_log call of the main process to log."""
    from transformers import TrainerCallback

    class _Metrics(TrainerCallback):
        def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **_: Any) -> None:
            if state.is_world_process_zero and logs and "train_runtime" not in logs:
                log.log(state.global_step, logs)

    return _Metrics()
