"""Recipes as data: every file parses, and a bad one fails naming file, line and field (no model is built)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rl4lrm.baselines.recipe import all_recipes, apply_overrides, load_recipe, parse_override, recipe_path
from rl4lrm.baselines.registry import PRESETS
from rl4lrm.kb.catalog import load_catalog
from rl4lrm.kb.problems import DataError

from .helpers import write_recipe

ALGORITHMS = {"grpo", "dr-grpo", "dapo", "gspo", "cispo", "rloo", "dpo", "online-dpo"}
ALGORITHMS |= {"sapo", "luspo", "vespo", "gdpo", "gmpo"}
PAPERS = {
    "grpo": "grpo-2024",
    "dr-grpo": "dr-grpo-2025",
    "dapo": "dapo-2025",
    "gspo": "gspo-2025",
    "cispo": "cispo-2025",
    "rloo": "rloo-2024",
    "dpo": "dpo-2023",
    "online-dpo": "online-dpo-2024",
    "sapo": "sapo-2025",
    "luspo": "luspo-2026",
    "vespo": "vespo-2026",
    "gdpo": "gdpo-2026",
    "gmpo": "gmpo-2025",
}


def _good(recipes: Path) -> str:
    return (recipes / "grpo" / "cpu-smoke.yaml").read_text(encoding="utf-8")


def _problems(path: Path, overrides: list[str] | None = None) -> list:
    with pytest.raises(DataError) as info:
        load_recipe(path, overrides)
    return info.value.problems


def test_every_algorithm_has_every_preset_and_names_its_paper(recipes: Path) -> None:
    found = {(p.parent.name, p.stem) for p in all_recipes(recipes)}
    assert {(a, p) for a in ALGORITHMS for p in PRESETS} <= found
    for path in all_recipes(recipes):
        recipe = load_recipe(path).recipe
        assert recipe.algorithm == path.parent.name and recipe.preset == path.stem
        if recipe.algorithm in PAPERS:
            assert PAPERS[recipe.algorithm] in recipe.papers
        assert all(setting.source for setting in recipe.defining.values())


def test_catalog_indexes_the_same_recipes(recipes: Path) -> None:
    catalog = load_catalog(recipes)
    assert not catalog.problems
    for algorithm, paper in PAPERS.items():
        assert paper in catalog.papers[algorithm]


def test_unknown_nested_field_names_file_line_and_field(tmp_path: Path, recipes: Path) -> None:
    text = _good(recipes).replace("  name: copy\n", "  name: copy\n  digitz: 3\n")
    path = write_recipe(tmp_path, "grpo", "cpu-smoke", text)
    [problem] = _problems(path)
    line = text.splitlines().index("  digitz: 3") + 1
    assert (problem.line, problem.field, problem.rule) == (line, "task.digitz", "schema-extra-forbidden")
    assert "did you mean 'digits'?" in problem.text()
    assert problem.file.endswith("recipes/grpo/cpu-smoke.yaml")


def test_wrong_type_and_unknown_trainer(tmp_path: Path, recipes: Path) -> None:
    text = (
        _good(recipes)
        .replace("global_batch_size: 64", "global_batch_size: lots")
        .replace("trainer: grpo", "trainer: grpoo")
    )
    path = write_recipe(tmp_path, "grpo", "cpu-smoke", text)
    problems = {p.field: p for p in _problems(path)}
    assert problems["global_batch_size"].line == text.splitlines().index("global_batch_size: lots") + 1
    assert "unknown trainer 'grpoo'" in problems["trainer"].message


def test_unknown_algorithm_and_preset(recipes: Path) -> None:
    with pytest.raises(DataError) as info:
        recipe_path("grpoo", "cpu-smoke", recipes)
    assert "did you mean 'grpo'?" in info.value.problems[0].text()
    with pytest.raises(DataError) as info:
        recipe_path("grpo", "2xgpu", recipes)
    assert info.value.problems[0].rule == "unknown-preset"


def test_folder_file_batch_and_duplicate_checks(tmp_path: Path, recipes: Path) -> None:
    text = (
        _good(recipes)
        .replace("algorithm: grpo", "algorithm: dapo")
        .replace("  per_device_train_batch_size: 64", "  per_device_train_batch_size: 32\n  beta: 0.1")
    )
    path = write_recipe(tmp_path, "grpo", "1xgpu", text)
    rules = {p.rule: p for p in _problems(path)}
    assert set(rules) == {"recipe-algorithm", "recipe-preset", "recipe-duplicate-setting", "recipe-batch"}
    assert rules["recipe-duplicate-setting"].field == "config.beta"
    assert "32 per optimizer step" in rules["recipe-batch"].message


def test_yaml_errors_and_aliases_are_problems(tmp_path: Path) -> None:
    path = write_recipe(tmp_path, "grpo", "cpu-smoke", "papers: [grpo-2024\nalgorithm: grpo\n")
    assert _problems(path)[0].rule == "yaml-syntax"
    path.write_text("a: &x [1]\nb: *x\n", encoding="utf-8")
    assert _problems(path)[0].rule == "yaml-alias"
    path.write_text("- just a list\n", encoding="utf-8")
    assert _problems(path)[0].rule == "recipe-shape"


def test_overrides(recipes: Path) -> None:
    assert parse_override("config.learning_rate=1e-4") == (("config", "learning_rate"), 1e-4)
    assert parse_override("task.chat=true") == (("task", "chat"), True)
    data = {"defining": {"beta": {"value": 0.04, "source": "s"}}, "config": {"max_steps": 200}}
    out = apply_overrides(data, ["beta=0", "max_steps=3", "task.train_size=64", "global_batch_size=32"])
    assert out["global_batch_size"] == 32  # a top-level recipe field, not a trainer config field
    assert out["defining"]["beta"]["value"] == 0 and out["config"]["max_steps"] == 3
    assert out["task"] == {"train_size": 64} and data["config"]["max_steps"] == 200
    recipe = load_recipe(recipes / "grpo" / "cpu-smoke.yaml", ["max_steps=3", "beta=0.0"]).recipe
    assert recipe.trainer_config()["max_steps"] == 3 and recipe.defining["beta"].value == 0.0
    with pytest.raises(DataError):
        parse_override("no-equals-sign")


def test_overrides_are_checked_like_the_file(recipes: Path) -> None:
    problems = _problems(recipes / "grpo" / "cpu-smoke.yaml", ["task.eval_size=zero"])
    assert problems[0].field == "task.eval_size"


def test_hints_follow_nested_models(tmp_path: Path, recipes: Path) -> None:
    text = (
        _good(recipes).replace("    value: 0.04", "    valu: 0.04").replace("  - name: accuracy", "  - nam: accuracy")
    )
    problems = {p.field: p for p in _problems(write_recipe(tmp_path, "grpo", "cpu-smoke", text))}
    assert "did you mean 'value'?" in problems["defining.beta.valu"].hint
    assert "did you mean 'name'?" in problems["rewards[0].nam"].hint
