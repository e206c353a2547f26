"""`rl4lrm baseline ...` end to end in-process: list, check, run, eval, pages; errors are messages, not tracebacks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rl4lrm.baselines.pages import BEGIN, END, FIELDS_BEGIN, recipe_field_rows, render_fields_table, render_page
from rl4lrm.baselines.recipe import ModelSpec, Recipe
from rl4lrm.cli import main

from .conftest import ROOT


def test_list_names_every_algorithm_and_paper(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(ROOT), "baseline", "list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {("dapo", "multinode"), ("online-dpo", "cpu-smoke")} <= {(r["algorithm"], r["preset"]) for r in rows}
    assert next(r for r in rows if r["algorithm"] == "dr-grpo")["papers"] == ["dr-grpo-2025"]


def test_bad_recipe_and_unknown_algorithm_are_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "recipes" / "grpo" / "cpu-smoke.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text((ROOT / "baselines/recipes/grpo/cpu-smoke.yaml").read_text().replace("  beta:", "  betta:"))
    assert main(["--root", str(ROOT), "baseline", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "cpu-smoke.yaml:" in err and "defining.betta" in err and "did you mean 'beta'?" in err
    assert main(["--root", str(ROOT), "baseline", "run", "grpoo"]) == 2
    err = capsys.readouterr().err
    assert "no algorithm 'grpoo'" in err and "Traceback" not in err


def test_run_with_record_then_eval_the_checkpoint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "baselines", root / "baselines", ignore=shutil.ignore_patterns("results"))
    (root / "taxonomy").mkdir()
    (root / "papers").mkdir()
    args = [
        "--root",
        str(root),
        "baseline",
        "run",
        "rloo",
        "--preset",
        "cpu-smoke",
        "--output-dir",
        str(tmp_path / "out"),
        "--record",
        "max_steps=2",
        "logging_steps=1",
        "report_to=tensorboard",
        "task.train_size=128",
        "task.eval_size=4",
    ]
    assert main(args) == 0
    capsys.readouterr()
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    recorded = root / "baselines/recipes/rloo/results/cpu-smoke"
    saved = json.loads((recorded / "summary.json").read_text())
    assert saved["steps"] == summary["steps"] == 2 and saved["environment"]["trl"] == "1.16.0"
    assert saved["command"].endswith("logging_steps=1 report_to=tensorboard task.train_size=128 task.eval_size=4")
    assert (recorded / "reward.png").is_file()
    assert list((tmp_path / "out" / "runs").glob("*/events.out.tfevents.*"))  # report_to from the recipe/overrides
    assert main(["--root", str(root), "baseline", "pages", "rloo"]) == 0
    page = (root / "baselines/recipes/rloo/README.md").read_text()
    assert "![rloo cpu-smoke reward curve](results/cpu-smoke/reward.png)" in page and "2 steps in" in page
    assert main(["--root", str(root), "baseline", "pages", "--check", "rloo"]) == 0
    capsys.readouterr()
    args = [
        "--root",
        str(root),
        "baseline",
        "eval",
        "rloo",
        "--checkpoint",
        str(tmp_path / "out" / "final"),
        "--limit",
        "3",
        "eval.k=2",
    ]
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["prompts"] == 3.0 and result["k"] == 2.0 and result["benchmark"] == "heldout"
    assert result["backend"] == "transformers" and (result["pass@1"] * 6).is_integer()  # 3 prompts x 2 samples


def test_pages_are_up_to_date_and_keep_the_prose() -> None:
    for folder in sorted((ROOT / "baselines" / "recipes").iterdir()):
        if folder.is_dir() and (folder / "README.md").is_file() and BEGIN in (folder / "README.md").read_text():
            old, new = render_page(folder, ROOT)
            assert old == new, f"run: rl4lrm baseline pages {folder.name}"
            assert new.index("**Objective.**") < new.index(BEGIN) < new.index(END)


def test_recipe_fields_table_is_generated_from_the_model() -> None:
    old, new = render_fields_table(ROOT / "baselines" / "README.md", ROOT)
    assert old == new, "run: rl4lrm baseline pages"
    rows = recipe_field_rows()
    assert [name for name, *_ in rows if "." not in name and "[" not in name] == list(Recipe.model_fields)
    assert all(meaning for *_, meaning in rows), "every recipe field needs a description in recipe.py"
    assert ("task.digits", "int, ≥ 1, ≤ 6", "`2`", "arithmetic: digits per operand") in rows
    assert next(row for row in rows if row[0] == "rewards[].name")[1] == "one of `accuracy`, `format`, `soft_overlong`"
    assert f"| `model.name` | str | required | {ModelSpec.model_fields['name'].description} |" in old


def test_pages_check_reports_a_stale_fields_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "baselines", root / "baselines")
    (root / "taxonomy").mkdir()
    (root / "papers").mkdir()
    readme = root / "baselines" / "README.md"
    committed = readme.read_text(encoding="utf-8")
    readme.write_text(committed.replace("| `eval.k` | int, ≥ 1 | `4` |", "| `eval.k` | int | `8` |"), encoding="utf-8")
    assert main(["--root", str(root), "baseline", "pages", "--check"]) == 1
    err = capsys.readouterr().err
    assert "baselines/README.md: generated block is out of date" in err and "recipes/" not in err
    assert main(["--root", str(root), "baseline", "pages"]) == 0
    assert capsys.readouterr().out == "updated baselines/README.md\n"
    assert readme.read_text(encoding="utf-8") == committed
    readme.write_text(committed.replace(FIELDS_BEGIN, ""), encoding="utf-8")
    assert main(["--root", str(root), "baseline", "pages", "--check"]) == 1
    assert "baselines/README.md: the generated-block marker lines are missing" in capsys.readouterr().err
