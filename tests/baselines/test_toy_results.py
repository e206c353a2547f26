"""The toy benchmark: its summaries (intervals, readings, paired differences) and its equal sample budgets."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path

import pytest

from rl4lrm.baselines.toy_results import algorithm_section, cell, interval, reading

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def _toy_table():
    """benchmarks/toy_table.py as a module (loaded once)."""
    spec = importlib.util.spec_from_file_location("toy_table", ROOT / "benchmarks" / "toy_table.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["toy_table"] = module
    spec.loader.exec_module(module)
    return module


def _run(algorithm: str, seed: int, before: float, after: float, task: str = "arithmetic") -> dict:
    return {
        "algorithm": algorithm,
        "task": task,
        "seed": seed,
        "budget": 640,
        "lr": 5e-5,
        "samples": 640,
        "before": {"pass@1": before, "pass@k": 0.7, "k": 8.0},
        "after": {"pass@1": after, "pass@k": 0.7 + (after - before) / 10, "k": 8.0},
    }


def test_interval_is_the_student_t_half_width() -> None:
    mean, half = interval([0.1, 0.2, 0.3])
    assert mean == pytest.approx(0.2)
    assert half == pytest.approx(4.303 * 0.1 / 3**0.5)
    assert interval([0.4]) == (0.4, 0.0)


def test_reading_tells_sharpening_from_discovery() -> None:
    assert reading([0.1, 0.12, 0.11], [0.0, 0.01, -0.01]) == "sharpened (pass@1 up, pass@k not)"
    assert reading([0.1, 0.12, 0.11], [0.05, 0.06, 0.05]) == "discovered (pass@k up)"
    assert reading([-0.1, -0.12, -0.11], [0.0, 0.01, -0.01]) == "worse"
    assert reading([0.1, -0.1, 0.0], [0.0, 0.01, -0.01]) == "no clear change"
    assert reading([0.1], [0.1]) == "–"


def test_cell_pairs_seeds_and_marks_a_clear_gain() -> None:
    runs = [_run("grpo", s, 0.25, 0.25 + g) for s, g in [(1, 0.2), (0, 0.18), (2, 0.22)]]
    runs.append({**_run("grpo", 3, 0.25, 0.9), "failed": "RuntimeError: x"})  # a failed run is not a value
    c = cell(runs, "grpo", "arithmetic")
    assert c is not None and c.seeds == [0, 1, 2]
    assert c.gain1 == pytest.approx([0.18, 0.2, 0.22])
    assert c.significant
    assert c.command == "python benchmarks/toy_table.py --algorithms grpo --tasks arithmetic --budget 640 --lr 5e-05"
    noisy = cell([_run("dpo", 0, 0.25, 0.35), _run("dpo", 1, 0.25, 0.2)], "dpo", "arithmetic")
    assert noisy is not None and not noisy.significant
    assert cell(runs, "ppo", "arithmetic") is None


def test_algorithm_page_section_has_one_row_per_task() -> None:
    runs = [_run("grpo", s, 0.25, 0.45) for s in range(3)]
    runs += [_run("grpo", s, 0.2, 0.2, task="countdown") for s in range(2)]
    lines = algorithm_section(runs, "grpo")
    rows = [line for line in lines if line.startswith("| arithmetic") or line.startswith("| countdown")]
    assert len(rows) == 2
    assert "**+0.20 ± 0.00**" in rows[0] and "pass@8" in "\n".join(lines)
    assert "Not in the toy benchmark" in "\n".join(algorithm_section(runs, "ppo"))


def test_versus_the_reference_is_paired_by_seed() -> None:
    toy = _toy_table()
    grpo = cell([_run("grpo", s, 0.25, 0.35 + s / 100) for s in range(3)], "grpo", "arithmetic")
    ppo = cell([_run("ppo", s, 0.25, 0.50 + s / 100) for s in range(3)], "ppo", "arithmetic")
    same = cell(
        [_run("rloo", s, 0.25, 0.35 + s / 100 + (0.01 if s == 1 else 0)) for s in range(3)], "rloo", "arithmetic"
    )
    assert toy.versus(ppo, grpo) == "**+0.150 ± 0.000**"  # the seeds' shared noise cancels
    assert not toy.versus(same, grpo).startswith("**")
    assert toy.versus(grpo, grpo) == "–"


@pytest.mark.parametrize("task", ["arithmetic", "countdown"])
def test_every_algorithm_gets_the_same_budget_of_completions(task: str, tmp_path: Path) -> None:
    toy = _toy_table()
    budget = toy.TASKS[task]["budget"]
    samples = {a: toy.recipe_data(a, task, 0, tmp_path, budget, 5e-5)[1] for a in toy.algorithms()}
    assert len(samples) >= 15
    assert all(0.95 * budget <= n <= budget for n in samples.values()), samples
