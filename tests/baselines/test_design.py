"""The design space as data: every algorithm declares every dimension, bad files name file:line:field, one table."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rl4lrm.baselines.design import (
    COMPARED_PAGE,
    DIMENSIONS,
    allowed_values,
    comparison,
    design_problems,
    load_design,
    render_compared_page,
)
from rl4lrm.baselines.recipe import load_recipe
from rl4lrm.cli import main
from rl4lrm.kb.problems import DataError

from .conftest import ROOT

ALGORITHMS = {
    "cispo",
    "dapo",
    "dpo",
    "dr-grpo",
    "grpo",
    "gspo",
    "online-dpo",
    "ppo",
    "reinforce-pp",
    "rloo",
    "sapo",
    "luspo",
    "vespo",
    "gdpo",
    "gmpo",
}


def _folders(recipes: Path) -> list[Path]:
    return sorted(p for p in recipes.iterdir() if p.is_dir())


def _copy(tmp_path: Path, recipes: Path, algorithm: str, edit: tuple[str, str] | None = None) -> Path:
    """One algorithm folder (design + presets) copied under tmp_path/baselines/recipes/, its design edited."""
    folder = tmp_path / "baselines" / "recipes" / algorithm
    shutil.copytree(recipes / algorithm, folder, ignore=shutil.ignore_patterns("results", "README.md"))
    if edit:
        design = folder / "design.yaml"
        text = design.read_text(encoding="utf-8")
        assert edit[0] in text
        design.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    return folder


def _problems(folder: Path, root: Path) -> list:
    with pytest.raises(DataError) as info:
        load_design(folder, root)
    return info.value.problems


def test_every_recipe_folder_declares_every_dimension(recipes: Path) -> None:
    assert {p.name for p in _folders(recipes)} == ALGORITHMS
    for folder in _folders(recipes):
        design = load_design(folder, ROOT).design
        assert design.algorithm == folder.name
        for dimension in DIMENSIONS:
            choice = getattr(design, dimension)
            assert choice.value in allowed_values(dimension) and choice.source.strip(), (folder.name, dimension)
    assert design_problems(_folders(recipes), ROOT) == []  # and each agrees with its 8xgpu preset's trainer config


def test_a_missing_dimension_is_reported_with_file_line_and_a_hint(tmp_path: Path, recipes: Path) -> None:
    folder = _copy(tmp_path, recipes, "gspo", ("clipping:\n  value: clip-higher\n", "clippin:\n  value: clip-higher\n"))
    problems = {p.field: p for p in _problems(folder, tmp_path)}
    assert problems["clipping"].rule == "schema-missing" and "add 'clipping:'" in problems["clipping"].hint
    assert problems["clipping"].file == "baselines/recipes/gspo/design.yaml" and problems["clipping"].line >= 1
    lines = (folder / "design.yaml").read_text(encoding="utf-8").splitlines()
    unknown = problems["clippin"]
    assert (unknown.line, unknown.rule) == (lines.index("clippin:") + 1, "schema-extra-forbidden")
    assert "did you mean 'clipping'?" in unknown.hint
    assert f"baselines/recipes/gspo/design.yaml:{unknown.line}: clippin:" in unknown.text()


def test_an_unknown_value_is_reported_with_file_line_and_the_allowed_values(tmp_path: Path, recipes: Path) -> None:
    folder = _copy(tmp_path, recipes, "dapo", ("  value: clip-higher\n", "  value: clip-hihger\n"))
    [problem] = _problems(folder, tmp_path)
    lines = (folder / "design.yaml").read_text(encoding="utf-8").splitlines()
    assert (problem.field, problem.line) == ("clipping.value", lines.index("  value: clip-hihger") + 1)
    assert problem.message == "unknown value 'clip-hihger'" and "did you mean 'clip-higher'?" in problem.hint
    assert "soft-gate" in problem.hint  # the allowed list


def test_a_missing_design_file_and_a_design_the_recipe_contradicts(tmp_path: Path, recipes: Path) -> None:
    folder = _copy(tmp_path, recipes, "gspo", ("ratio_level:\n  value: sequence\n", "ratio_level:\n  value: token\n"))
    [problem] = design_problems([folder], tmp_path)
    assert (problem.rule, problem.field) == ("design-recipe-mismatch", "ratio_level.value")
    assert '8xgpu.yaml runs "sequence"' in problem.message and "importance_sampling_level" in problem.hint
    (folder / "design.yaml").unlink()
    [problem] = design_problems([folder], tmp_path)
    assert problem.rule == "design-missing" and problem.file.endswith("gspo/design.yaml")


def test_compare_renders_every_algorithm_as_markdown_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(ROOT), "baseline", "compare", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["algorithm"] for row in rows} == ALGORITHMS
    assert all(set(DIMENSIONS) <= set(row) for row in rows)
    by = {row["algorithm"]: row for row in rows}
    vespo = load_recipe(ROOT / "baselines/recipes/vespo/8xgpu.yaml").recipe.batches().optimizer_steps_per_rollout
    assert by["vespo"]["off_policy_updates"]["value"] == vespo == 8  # read from the recipe, not the design file
    assert by["dpo"]["off_policy_updates"]["value"] is None and by["ppo"]["critic"]["value"] is True
    assert main(["--root", str(ROOT), "baseline", "compare"]) == 0
    table = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert {line.split(" | ")[0].removeprefix("| ") for line in table[1:]} == ALGORITHMS
    assert len(table[0].split(" | ")) == len(DIMENSIONS) + 1


def test_the_committed_comparison_page_is_the_generated_one(recipes: Path) -> None:
    old, new = render_compared_page(recipes, ROOT)
    assert old == new, "run: rl4lrm baseline pages"
    assert (recipes.parent / "results" / COMPARED_PAGE).read_text(encoding="utf-8").startswith("# Algorithms compared")
    assert len(comparison(recipes, ROOT)) == len(ALGORITHMS)


def test_baseline_check_reads_the_design_of_each_checked_folder(tmp_path: Path, recipes: Path) -> None:
    from rl4lrm.baselines.checks import check_recipes

    folder = _copy(tmp_path, recipes, "dapo", ("  value: dynamic-sampling\n", "  value: none\n"))
    problems = check_recipes([folder / "cpu-smoke.yaml"], tmp_path / "baselines")
    [problem] = [p for p in problems if p.rule.startswith("design")]
    assert (problem.rule, problem.field) == ("design-recipe-mismatch", "sampling_filter.value")
    assert "trainer 'dapo-dynamic'" in problem.hint
