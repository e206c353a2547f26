"""The gpu-smoke presets and `make gpu-smoke`'s script: every algorithm has one, and the table comes out."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from rl4lrm.baselines.recipe import load_recipe

from .conftest import ROOT


def _script():
    spec = importlib.util.spec_from_file_location("gpu_smoke", ROOT / "scripts" / "gpu_smoke.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_algorithm_has_a_gpu_smoke_preset_with_fp32_weights_and_bf16_autocast(recipes: Path) -> None:
    folders = sorted(p for p in recipes.iterdir() if p.is_dir())
    for folder in folders:
        recipe = load_recipe(folder / "gpu-smoke.yaml").recipe
        config = recipe.trainer_config()
        assert recipe.model.name == "tiny-char-llama" and recipe.model.dtype in ("auto", "float32"), folder
        assert config["bf16"] is True and config["max_steps"] == 20 and not config.get("use_vllm"), folder
        assert "use_cpu" not in config and recipe.launch.accelerate_config == "single_gpu.yaml", folder


def test_the_script_runs_presets_and_prints_the_table(tmp_path: Path, capsys) -> None:
    script = _script()
    code = script.main(["--allow-cpu", "--steps", "2", "--algorithms", "grpo", "reinforce-pp", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out[out.index("| algorithm |") :].strip().splitlines()  # trainers log their own lines before it
    assert lines[0].startswith("| algorithm | steps | steps/s | peak GiB")
    assert [line.split("|")[1].strip() for line in lines[2:]] == ["grpo", "reinforce-pp"]
    assert all("| 2 |" in line and "n/a (CPU)" in line for line in lines[2:])
    assert (tmp_path / "grpo" / "summary.json").is_file()


def test_without_a_gpu_nothing_runs(capsys) -> None:
    import torch

    if torch.cuda.is_available():  # on a GPU machine the script runs for real: that is `make gpu-smoke`
        return
    assert _script().main(["--algorithms", "grpo"]) == 2
    assert "no CUDA GPU" in capsys.readouterr().err
