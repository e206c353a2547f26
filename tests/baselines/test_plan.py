"""`rl4lrm baseline plan`: the memory formulas by hand, every GPU preset fits, the CLI, and check's plan problem."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from rl4lrm.baselines.checks import check_recipes
from rl4lrm.baselines.pages import render_page
from rl4lrm.baselines.plan import (
    GIB,
    TRL_DEFAULTS,
    activation_bytes,
    architectures,
    layer_activation_bytes,
    plan,
    state_bytes,
    tiny_architecture,
)
from rl4lrm.baselines.recipe import all_recipes, load_recipe
from rl4lrm.cli import main

from .conftest import ROOT
from .helpers import write_recipe

MATH_7B = "Qwen/Qwen2.5-Math-7B"
STATES = ("weights", "gradients", "optimizer_states", "master_weights")


def _states_gib(result) -> float:
    return sum(result.memory_per_gpu_gib[key] for key in STATES)


# (a) the ZeRO paper's 16 bytes per parameter, by hand ----------------------------------------------------------------
def test_mixed_precision_adam_is_16_bytes_per_parameter_split_by_zero_stage() -> None:
    assert state_bytes(2, True).total == 16  # 2 weights + 2 gradients + 12 optimizer (4 master + 4 + 4)
    assert state_bytes(2, True, zero_stage=1, world=8).total == 2 + 2 + 12 / 8
    assert state_bytes(2, True, zero_stage=2, world=8).total == 2 + (2 + 12) / 8
    assert state_bytes(2, True, zero_stage=3, world=8).total == 16 / 8
    assert state_bytes(4, False).total == 4 + 4 + 8  # pure fp32 (or fp32 weights under autocast): no extra master
    assert state_bytes(2, False).total == 2 + 2 + 4  # bf16 weights and bf16 Adam moments, no fp32 copy
    assert state_bytes(2, True, zero_stage=3, world=8, offload_optimizer=True).total == (2 + 2) / 8


def test_7b_under_zero3_on_8_gpus_holds_16_bytes_per_parameter_over_8(recipes: Path) -> None:
    result = plan(load_recipe(recipes / "grpo" / "8xgpu.yaml"))
    assert (result.model, result.gpus, result.zero_stage, result.fp32_master_weights) == (MATH_7B, 8, 3, True)
    params = architectures()[MATH_7B].parameters
    assert _states_gib(result) == pytest.approx(16 * params / 8 / GIB, abs=0.03)


def test_one_gpu_without_zero_holds_16_bytes_with_fp32_weights_and_8_with_bf16(recipes: Path) -> None:
    path = recipes / "grpo" / "1xgpu.yaml"
    params = architectures()[load_recipe(path).recipe.model.name].parameters
    fp32 = plan(load_recipe(path, ["model.dtype=float32"]))
    assert (fp32.gpus, fp32.zero_stage, fp32.fp32_master_weights) == (1, 0, True)
    assert _states_gib(fp32) == pytest.approx(16 * params / GIB, abs=0.03)
    assert fp32.memory_per_gpu_gib["autocast_copies"] == pytest.approx(2 * params / GIB, abs=0.01)
    bf16 = plan(load_recipe(path, ["model.dtype=bfloat16"]))
    assert not bf16.fp32_master_weights and _states_gib(bf16) == pytest.approx(8 * params / GIB, abs=0.03)
    assert any("round to zero" in note for note in bf16.notes)  # lr 1e-6 is below bf16's precision


# (b) architectures, KV cache, activations ---------------------------------------------------------------------------
def test_kv_bytes_per_token_from_the_config() -> None:
    table = architectures()
    # 2 (K, V) × layers × KV heads × head dim × 2 bytes
    assert table[MATH_7B].kv_bytes_per_token() == 2 * 28 * 4 * 128 * 2 == 57344
    assert table["Qwen/Qwen2.5-0.5B-Instruct"].kv_bytes_per_token() == 2 * 24 * 2 * 64 * 2
    assert table["Qwen/Qwen2.5-32B"].kv_bytes_per_token() == 2 * 64 * 8 * 128 * 2


def test_table_parameters_are_the_architecture_count_and_near_the_card() -> None:
    stated = {"Qwen/Qwen2.5-0.5B-Instruct": 0.49e9, MATH_7B: 7.61e9, "Qwen/Qwen2.5-32B": 32.5e9}
    table = architectures()
    for name, arch in table.items():
        assert arch.parameters == arch.count_parameters(), name
        assert arch.parameters == pytest.approx(stated[name], rel=0.01), name
        assert arch.config == f"https://huggingface.co/{name}/blob/main/config.json"
    recipe_models = {load_recipe(p).recipe.model.name for p in all_recipes(ROOT / "baselines" / "recipes")}
    assert recipe_models - {"tiny-char-llama"} <= set(table)
    from rl4lrm.baselines.models import char_tokenizer, tiny_llama

    model = tiny_llama(char_tokenizer(), hidden_size=32, layers=3)
    assert tiny_architecture(32, 3).parameters == sum(p.numel() for p in model.parameters())


def test_activations_follow_korthikanti_with_a_swiglu_mlp() -> None:
    arch = architectures()[MATH_7B]
    s, b, h, a = 3512, 8, arch.hidden_size, arch.attention_heads
    gelu = arch.model_copy(update={"intermediate_size": 4 * h})
    assert layer_activation_bytes(s, b, gelu, scores=True, gated=False) == s * b * h * (34 + 5 * a * s / h)
    assert layer_activation_bytes(s, b, arch) == s * b * (18 * h + 8 * arch.intermediate_size)
    full = activation_bytes(s, b, arch, checkpointing=False)
    checkpointed = activation_bytes(s, b, arch, checkpointing=True)
    assert full == arch.layers * layer_activation_bytes(s, b, arch)
    assert checkpointed == arch.layers * 2 * s * b * h + layer_activation_bytes(s, b, arch)


# (c) every GPU preset fits its GPUs ---------------------------------------------------------------------------------
GPU_PRESETS = [p for p in all_recipes(ROOT / "baselines" / "recipes") if p.stem in ("1xgpu", "8xgpu", "multinode")]


def test_forty_five_gpu_presets() -> None:  # 15 algorithms × 1xgpu, 8xgpu, multinode
    assert len(GPU_PRESETS) == 45


@pytest.mark.parametrize("path", GPU_PRESETS, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_every_gpu_preset_fits_80_gib(path: Path) -> None:
    result = plan(load_recipe(path, root=ROOT))
    assert result.fits, result.reason
    memory = result.memory_per_gpu_gib
    assert 0 < memory["total"] <= 0.95 * 80
    recipe = load_recipe(path).recipe
    assert result.gpus == recipe.world_size() and result.completions_per_optimizer_step == recipe.global_batch_size
    assert result.fp32_master_weights == (result.zero_stage > 0 or recipe.model.dtype == "float32")
    if result.vllm:  # vLLM can start: its KV cache holds one max_model_len sequence and a whole rollout sequence
        assert result.vllm["kv_tokens"] >= result.vllm["max_model_len"] and result.vllm["sequences_fit"] >= 1


def test_the_vllm_node_must_hold_one_max_model_len_sequence(recipes: Path) -> None:
    path = recipes / "dapo" / "multinode.yaml"  # Qwen2.5-32B: 61 GiB of weights
    capped = plan(load_recipe(path))
    assert capped.fits and capped.vllm and capped.vllm["mode"] == "server"
    assert (capped.vllm["tensor_parallel_size"], capped.vllm["data_parallel_size"], capped.vllm["gpus"]) == (2, 4, 8)
    assert capped.vllm["max_model_len"] == 4024 and capped.vllm["sequences_fit"] >= 1
    one_gpu = plan(load_recipe(path, ["launch.vllm_tensor_parallel_size=1", "launch.vllm_data_parallel_size=8"]))
    uncapped = plan(load_recipe(path, ["launch.vllm_max_model_len=null", "launch.vllm_tensor_parallel_size=1"]))
    assert not uncapped.fits and "vllm-serve will not start" in uncapped.reason
    assert uncapped.fix and uncapped.fix.field == ("launch", "vllm_max_model_len")
    assert one_gpu.vllm["kv_cache_gib"] < capped.vllm["kv_cache_gib"]


# (d) the CLI ---------------------------------------------------------------------------------------------------------
def test_plan_cli_json_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(ROOT), "baseline", "plan", "grpo", "--preset", "8xgpu", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    keys = {"gpus", "gpu_memory_gib", "completions_per_optimizer_step", "optimizer_steps_per_rollout"}
    assert keys | {"fp32_master_weights", "memory_per_gpu_gib", "fits", "notes"} <= set(data)
    assert {"weights", "gradients", "optimizer_states", "activations", "logits", "total"} <= set(
        data["memory_per_gpu_gib"]
    )
    assert data["gpus"] == 8 and data["fits"] is True and data["gpu_memory_gib"] == 80
    assert any("512 tokens" in note for note in data["notes"])
    assert main(["--root", str(ROOT), "baseline", "plan", "ppo", "--preset", "1xgpu", "--gpu-memory-gib", "24"]) == 1
    text = capsys.readouterr().out
    assert "fits: NO" in text and "change first:" in text and "total" in text


# (e) check reports a preset that does not fit -----------------------------------------------------------------------
def test_check_reports_a_preset_that_does_not_fit(tmp_path: Path, recipes: Path) -> None:
    text = (recipes / "grpo" / "8xgpu.yaml").read_text(encoding="utf-8")
    per_device = load_recipe(recipes / "grpo" / "8xgpu.yaml").recipe.global_batch_size // 8
    text = re.sub(r"per_device_train_batch_size: \d+", f"per_device_train_batch_size: {per_device}", text)
    text = re.sub(r"gradient_accumulation_steps: \d+", "gradient_accumulation_steps: 1", text)
    path = write_recipe(tmp_path, "grpo", "8xgpu", text)
    problems = check_recipes([path], recipes.parent)
    [problem] = [p for p in problems if p.rule == "plan-does-not-fit"]
    assert problem.file.endswith("grpo/8xgpu.yaml") and problem.field == "config.per_device_train_batch_size"
    line = next(i for i, raw in enumerate(text.splitlines(), 1) if "per_device_train_batch_size" in raw)
    assert problem.line == line and "gradient_accumulation_steps" in problem.hint


# pages and defaults ---------------------------------------------------------------------------------------------------
def test_algorithm_pages_show_the_memory_plan(recipes: Path) -> None:
    _, page = render_page(recipes / "grpo", ROOT)
    section = page.split("## Memory plan", 1)[1]
    assert "| 8xgpu | 8 |" in section and "| multinode | 16 |" in section and "cpu-smoke" not in section


def test_trl_defaults_the_plan_assumes_are_the_installed_ones() -> None:
    from rl4lrm.baselines.trainers import config_class

    for trainer, defaults in TRL_DEFAULTS.items():
        fields = {f.name: f for f in dataclasses.fields(config_class(trainer))}
        for key, value in defaults.items():
            found = fields[key].default
            if found is dataclasses.MISSING:
                found = fields[key].default_factory()  # type: ignore[misc]
            assert found == value, (trainer, key)


def test_a_local_model_folder_is_planned_from_its_config_json_and_an_unknown_one_is_a_problem(
    tmp_path: Path, recipes: Path
) -> None:
    from rl4lrm.kb.problems import DataError

    config = {
        "model_type": "qwen2",
        "num_hidden_layers": 24,
        "hidden_size": 896,
        "intermediate_size": 4864,
        "num_attention_heads": 14,
        "num_key_value_heads": 2,
        "vocab_size": 151936,
        "max_position_embeddings": 32768,
        "tie_word_embeddings": True,
        "torch_dtype": "bfloat16",
    }
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    path = recipes / "grpo" / "1xgpu.yaml"
    local = plan(load_recipe(path, [f"model.name={folder}"]), baselines=recipes.parent)
    assert local.parameters == architectures()["Qwen/Qwen2.5-0.5B-Instruct"].parameters
    with pytest.raises(DataError) as info:
        plan(load_recipe(path, ["model.name=someone/unknown-model"]), baselines=recipes.parent)
    [problem] = info.value.problems
    assert (problem.rule, problem.field) == ("plan-unknown-model", "model.name") and "models.yaml" in problem.hint
