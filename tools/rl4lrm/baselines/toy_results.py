"""The toy benchmark's runs summarised (baselines/results/toy_table.json, written by benchmarks/toy_table.py).

Per algorithm and task: held-out pass@1 and pass@k before and after RL as means with a 95% interval over the
seeds (Student t on the per-seed values), and what the change reads as: sharpened (pass@1 up, pass@k not) or
discovered (pass@k up), the survey's §4.1 question. Both the benchmark's page and every algorithm's page
(rl4lrm.baselines.pages) render from these summaries, so they cannot disagree.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS = "toy_table.json"
# Student t quantiles (two-sided 95%) by degrees of freedom
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}


def interval(values: list[float]) -> tuple[float, float]:
    """Mean and the half-width of its 95% interval (Student t over the values; 0 for a single value)."""
    mean = statistics.mean(values)
    if len(values) < 2:
        return mean, 0.0
    return mean, T95.get(len(values) - 1, 1.96) * statistics.stdev(values) / len(values) ** 0.5


def cell_text(values: list[float], signed: bool = False, digits: int = 2) -> str:
    """`mean ± half-width` (no ± for one value; – for none)."""
    if not values:
        return "–"
    mean, half = interval(values)
    text = f"{mean:+.{digits}f}" if signed else f"{mean:.{digits}f}"
    return text + (f" ± {half:.{digits}f}" if len(values) > 1 else "")


def reading(gain1: list[float], gaink: list[float]) -> str:
    """Sharpening or discovery, from the intervals of the pass@1 and pass@k gains."""
    if len(gain1) < 2:
        return "–"
    m1, h1 = interval(gain1)
    mk, hk = interval(gaink)
    if mk - hk > 0:
        return "discovered (pass@k up)"
    if m1 - h1 > 0:
        return "sharpened (pass@1 up, pass@k not)"
    if m1 + h1 < 0:
        return "worse"
    return "no clear change"


def command(algorithm: str, task: str, budget: int, lr: float) -> str:
    """The exact command that reproduces one cell (all its seeds)."""
    return f"python benchmarks/toy_table.py --algorithms {algorithm} --tasks {task} --budget {budget} --lr {lr:g}"


@dataclass(frozen=True)
class Cell:
    """One (algorithm, task) of the table: its finished runs' scores, one value per seed."""

    algorithm: str
    task: str
    seeds: list[int]
    samples: float
    budget: int
    lr: float
    before1: list[float]
    after1: list[float]
    beforek: list[float]
    afterk: list[float]

    @property
    def gain1(self) -> list[float]:
        return [a - b for a, b in zip(self.after1, self.before1, strict=True)]

    @property
    def gaink(self) -> list[float]:
        return [a - b for a, b in zip(self.afterk, self.beforek, strict=True)]

    @property
    def significant(self) -> bool:
        """The pass@1 gain's interval lies above zero."""
        mean, half = interval(self.gain1)
        return len(self.gain1) > 1 and mean - half > 0

    @property
    def gain1_text(self) -> str:
        """The pass@1 gain with its interval, bold when the interval lies above zero."""
        text = cell_text(self.gain1, signed=True)
        return f"**{text}**" if self.significant else text

    @property
    def reading(self) -> str:
        return reading(self.gain1, self.gaink)

    @property
    def command(self) -> str:
        return command(self.algorithm, self.task, self.budget, self.lr)


def cell(runs: list[dict[str, Any]], algorithm: str, task: str) -> Cell | None:
    """The finished runs of one algorithm on one task as a Cell (None when there are none)."""
    mine = sorted(
        (r for r in runs if r["algorithm"] == algorithm and r["task"] == task and "failed" not in r),
        key=lambda r: r["seed"],
    )
    if not mine:
        return None
    return Cell(
        algorithm=algorithm,
        task=task,
        seeds=[r["seed"] for r in mine],
        samples=statistics.mean(r["samples"] for r in mine),
        budget=mine[0]["budget"],
        lr=mine[0]["lr"],
        before1=[r["before"]["pass@1"] for r in mine],
        after1=[r["after"]["pass@1"] for r in mine],
        beforek=[r["before"]["pass@k"] for r in mine],
        afterk=[r["after"]["pass@k"] for r in mine],
    )


def load_runs(results_dir: Path) -> list[dict[str, Any]]:
    """The committed runs (empty when the table has not been run)."""
    path = results_dir / RESULTS
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


def algorithm_section(runs: list[dict[str, Any]], algorithm: str) -> list[str]:
    """The toy-benchmark part of an algorithm's page: one row per task it ran on."""
    cells = [c for task in sorted({r["task"] for r in runs}) if (c := cell(runs, algorithm, task))]
    if not cells:
        return ["### Toy benchmark", "", "Not in the toy benchmark's table yet.", ""]
    ks = {int(r["before"]["k"]) for r in runs if "k" in r.get("before", {})}
    k = str(ks.pop()) if len(ks) == 1 else "k"
    lines = [
        "### Toy benchmark",
        "",
        "From the shared warm-up checkpoint of each task, the same budget of completions for every algorithm; "
        "held-out prompts; mean ± 95% interval over seeds ([the whole table](../../results/toy_table.md)).",
        "",
        f"| Task | Seeds | Completions | pass@1 before → after | Δ pass@1 | pass@{k} before → after | Δ pass@{k} "
        "| Reading | Reproduce |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for c in cells:
        lines.append(
            f"| {c.task} | {len(c.seeds)} | {c.samples:.0f} | {cell_text(c.before1)} → {cell_text(c.after1)} | "
            f"{c.gain1_text} | {cell_text(c.beforek)} → {cell_text(c.afterk)} | "
            f"{cell_text(c.gaink, signed=True)} | {c.reading} | `{c.command}` |"
        )
    return [*lines, ""]
