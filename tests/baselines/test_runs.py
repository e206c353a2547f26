"""Real TRL runs on the CPU: every cpu-smoke recipe for a few steps, resume after an interruption, learning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rl4lrm.baselines.recipe import all_recipes, load_recipe
from rl4lrm.baselines.run import run_recipe
from rl4lrm.kb.problems import DataError

SHORT = [
    "max_steps=2",
    "logging_steps=1",
    "save_steps=2",
    "task.train_size=256",
    "task.eval_size=8",
    "eval.k=2",
    "preferences.prompts=64",
]


# Recipes on TRL's own trainers; PPO, REINFORCE++ and DAPO (dapo-dynamic) run in test_rollout_runs.py and
# test_dynamic_sampling.py.
TRL_TRAINERS = {"grpo", "rloo", "dpo", "online-dpo"}


RECIPES = Path(__file__).resolve().parents[2] / "baselines" / "recipes"
SMOKE = [p for p in all_recipes(RECIPES) if p.stem == "cpu-smoke" and load_recipe(p).recipe.trainer in TRL_TRAINERS]


def test_every_trl_trainer_has_a_smoke_recipe() -> None:
    assert {load_recipe(p).recipe.trainer for p in SMOKE} == TRL_TRAINERS and len(SMOKE) >= 7


@pytest.mark.parametrize("path", SMOKE, ids=[p.parent.name for p in SMOKE])
def test_cpu_smoke_recipe_runs(path: Path, tmp_path: Path) -> None:
    overrides = [o for o in SHORT if not o.startswith("preferences.") or "preferences" in path.read_text()]
    out = tmp_path / path.parent.name
    summary = run_recipe(load_recipe(path, overrides), out)
    assert summary["steps"] == 2
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    trainer_rows = [r for r in rows if "loss" in r]
    assert [r["step"] for r in trainer_rows] == [1, 2]
    assert all("entropy" in r for r in trainer_rows)
    if load_recipe(path).recipe.trainer != "dpo":
        assert "reward" in trainer_rows[0]  # logged at each generation (off-policy presets reuse one for later steps)
        assert (out / "reward.png").stat().st_size > 1000
    for when in ("before", "after"):  # 8 held-out prompts, k=2 samples each: scores are multiples of 1/8 and 1/16
        scores = summary[when]
        assert scores["prompts"] == 8 and scores["k"] == 2
        assert (scores["greedy_accuracy"] * 8).is_integer() and (scores["pass@1"] * 16).is_integer()
    assert (out / "final" / "config.json").is_file() and (out / "metrics.csv").is_file()
    assert json.loads((out / "summary.json").read_text()) == summary


class _Crash(Exception):
    pass


def _crash_after(step: int):
    from transformers import TrainerCallback

    class Crash(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            if state.global_step == step:
                raise _Crash

    return Crash()


def test_resume_continues_from_the_checkpoint_step(recipes: Path, tmp_path: Path) -> None:
    overrides = ["max_steps=5", "logging_steps=1", "save_steps=2", "task.train_size=256", "task.eval_size=4"]
    file = load_recipe(recipes / "grpo" / "cpu-smoke.yaml", overrides)
    with pytest.raises(_Crash):
        run_recipe(file, tmp_path, callbacks=[_crash_after(3)])
    assert sorted(p.name for p in tmp_path.glob("checkpoint-*")) == ["checkpoint-2"]
    with pytest.raises(DataError) as refused:  # a folder holding a run is not written into silently
        run_recipe(file, tmp_path)
    assert refused.value.problems[0].rule == "run-exists" and "--resume" in refused.value.problems[0].hint
    summary = run_recipe(file, tmp_path, resume=True)
    assert summary["resumed_from"] == "checkpoint-2" and summary["steps"] == 5
    steps = [json.loads(line)["step"] for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert steps == [1, 2, 3, 4, 5]  # step 3 of the crashed run was dropped and logged again
    assert summary["before"] == json.loads((tmp_path / "eval_before.json").read_text())


@pytest.mark.slow
def test_seeded_grpo_raises_held_out_greedy_accuracy(recipes: Path, tmp_path: Path) -> None:
    overrides = ["max_steps=120", "save_steps=1000", "logging_steps=20", "task.eval_size=100"]
    summary = run_recipe(load_recipe(recipes / "grpo" / "cpu-smoke.yaml", overrides), tmp_path)
    assert summary["before"]["greedy_accuracy"] <= 0.15
    assert summary["after"]["greedy_accuracy"] >= 0.4, summary


def test_bad_config_stops_before_any_model_is_built(recipes: Path, tmp_path: Path) -> None:
    file = load_recipe(recipes / "grpo" / "cpu-smoke.yaml", ["num_generation=8"])
    with pytest.raises(DataError) as info:
        run_recipe(file, tmp_path / "out")
    assert info.value.problems[0].field == "config.num_generation"
    assert not (tmp_path / "out").exists()


def test_a_launch_with_another_process_count_than_the_recipe_is_refused(recipes: Path, tmp_path: Path) -> None:
    file = load_recipe(
        recipes / "grpo" / "cpu-smoke.yaml", ["launch.num_processes=2", "per_device_train_batch_size=32"]
    )
    with pytest.raises(DataError) as info:  # one process here: the global batch would halve silently
        run_recipe(file, tmp_path / "out")
    [problem] = info.value.problems
    assert problem.rule == "launch-world-size" and "started 1 process(es) but the recipe states 2" in problem.message
    assert not (tmp_path / "out").exists()
