"""Every recipe builds the installed TRL config class; accelerate/DeepSpeed configs pass accelerate's checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from rl4lrm.baselines.checks import check_recipes
from rl4lrm.baselines.launch import check_accelerate_config, check_launch, launch_command
from rl4lrm.baselines.recipe import all_recipes, load_recipe
from rl4lrm.baselines.trainers import build_config
from rl4lrm.kb.problems import DataError

from .helpers import write_recipe


def test_every_recipe_builds_its_trainer_config_and_launch(recipes: Path) -> None:
    paths = all_recipes(recipes)
    assert len(paths) >= 32
    assert check_recipes(paths, recipes.parent) == []


def test_gpu_presets_keep_their_algorithm_settings(recipes: Path) -> None:
    config = build_config(load_recipe(recipes / "gspo" / "8xgpu.yaml"), "out", check_only=True)
    assert (config.importance_sampling_level, config.epsilon, config.epsilon_high) == ("sequence", 3e-4, 4e-4)
    config = build_config(load_recipe(recipes / "dr-grpo" / "1xgpu.yaml"), "out", check_only=True)
    assert (config.loss_type, config.scale_rewards, config.use_vllm) == ("dr_grpo", "none", True)
    config = build_config(load_recipe(recipes / "dapo" / "multinode.yaml"), "out", check_only=True)
    assert (config.epsilon_high, config.mask_truncated_completions, config.vllm_mode) == (0.28, True, "server")


def test_the_five_newer_algorithms_keep_their_settings(recipes: Path) -> None:
    def config(algorithm: str, preset: str = "8xgpu"):
        return build_config(load_recipe(recipes / algorithm / f"{preset}.yaml"), "out", check_only=True)

    sapo = config("sapo")
    assert (sapo.loss_type, sapo.sapo_temperature_pos, sapo.sapo_temperature_neg) == ("sapo", 1.0, 1.05)
    luspo = config("luspo", "1xgpu")
    assert (luspo.loss_type, luspo.importance_sampling_level, luspo.epsilon, luspo.epsilon_high) == (
        "luspo",
        "sequence",
        2e-3,
        2.5e-3,
    )
    vespo = config("vespo", "multinode")
    assert (vespo.loss_type, vespo.vllm_importance_sampling_mode) == ("vespo", "token_truncate")
    assert load_recipe(recipes / "vespo" / "8xgpu.yaml").recipe.batches().optimizer_steps_per_rollout == 8
    gdpo = load_recipe(recipes / "gdpo" / "8xgpu.yaml")
    assert [r.name for r in gdpo.recipe.rewards] == ["accuracy", "format"]
    assert config("gdpo").multi_objective_aggregation == "normalize_then_sum"
    gmpo = config("gmpo")
    assert (type(gmpo).__name__, gmpo.epsilon, gmpo.beta, gmpo.num_generations) == ("GMPOConfig", 0.4, 0.0, 8)


def test_a_trainer_refusal_is_found_before_any_model_is_loaded(tmp_path: Path, recipes: Path) -> None:
    text = (recipes / "vespo" / "8xgpu.yaml").read_text(encoding="utf-8")
    path = write_recipe(tmp_path, "vespo", "8xgpu", text.replace("mode: token_truncate", "mode: sequence_mask"))
    with pytest.raises(DataError) as info:
        build_config(load_recipe(path), "out", check_only=True)
    [problem] = info.value.problems
    assert (problem.rule, problem.field) == ("trainer-config", "config.vllm_importance_sampling_mode")
    assert problem.line == text.splitlines().index("  vllm_importance_sampling_mode: token_truncate") + 1
    assert "token_truncate" in problem.hint


def _bad_config(tmp_path: Path, recipes: Path, old: str, new: str) -> list:
    text = (recipes / "grpo" / "cpu-smoke.yaml").read_text(encoding="utf-8").replace(old, new)
    path = write_recipe(tmp_path, "grpo", "cpu-smoke", text)
    with pytest.raises(DataError) as info:
        build_config(load_recipe(path), str(tmp_path / "out"))
    return info.value.problems


def test_renamed_trl_field_fails_naming_the_line(tmp_path: Path, recipes: Path) -> None:
    [problem] = _bad_config(tmp_path, recipes, "  max_completion_length: 2", "  max_completion_len: 2")
    assert problem.rule == "trainer-config-field" and problem.field == "config.max_completion_len"
    assert "trl.trainer.grpo_config.GRPOConfig" in problem.message and "max_completion_length" in problem.hint
    assert problem.line > 1


def test_wrong_type_in_config_and_refused_value(tmp_path: Path, recipes: Path) -> None:
    [problem] = _bad_config(tmp_path, recipes, "  learning_rate: 0.005", "  learning_rate: fast")
    assert (problem.rule, problem.field) == ("trainer-config-type", "config.learning_rate")
    [problem] = _bad_config(tmp_path, recipes, "    value: 8\n", "    value: 1\n")
    assert problem.rule == "trainer-config" and "at least 2 generations" in problem.message


def test_accelerate_configs_are_checked(tmp_path: Path, recipes: Path) -> None:
    for path in sorted((recipes.parent / "accelerate").glob("*.yaml")):
        assert check_accelerate_config(path) == [], path
    bad = tmp_path / "bad.yaml"
    good = (recipes.parent / "accelerate" / "zero3.yaml").read_text(encoding="utf-8")
    bad.write_text(good.replace("  zero_stage: 3", "  zero_stag: 3").replace("debug: false", "debugg: false"))
    rules = sorted((p.rule, p.field) for p in check_accelerate_config(bad))
    assert rules == [("accelerate-deepspeed-key", "deepspeed_config.zero_stag"), ("accelerate-unknown-key", "debugg")]


def test_launch_must_agree_with_its_accelerate_config(tmp_path: Path, recipes: Path) -> None:
    text = (
        (recipes / "grpo" / "8xgpu.yaml")
        .read_text(encoding="utf-8")
        .replace("accelerate_config: zero3.yaml", "accelerate_config: multinode-zero3.yaml")
    )
    file = load_recipe(write_recipe(tmp_path, "grpo", "8xgpu", text))
    rules = {p.rule for p in check_launch(file, recipes.parent / "accelerate")}
    assert rules == {"launch-machines", "launch-processes"}
    file = load_recipe(recipes / "grpo" / "8xgpu.yaml")
    assert launch_command(file, recipes.parents[1]) == (
        "accelerate launch --config_file baselines/accelerate/zero3.yaml -m rl4lrm.baselines.run "
        "--recipe baselines/recipes/grpo/8xgpu.yaml"
    )


def test_slurm_script_is_valid_bash_and_uses_the_shared_config(recipes: Path) -> None:
    import subprocess

    script = recipes.parent / "slurm" / "multinode.sbatch"
    subprocess.run(["bash", "-n", str(script)], check=True)
    text = script.read_text(encoding="utf-8")
    assert "baselines/accelerate/multinode-zero3.yaml" in text and "trl vllm-serve" in text
    assert (recipes.parent / "accelerate" / "multinode-zero3.yaml").is_file()


def test_gpu_presets_follow_their_papers(recipes: Path) -> None:
    for preset in ("1xgpu", "8xgpu", "multinode"):
        for algorithm in ("dapo", "cispo"):  # off-policy updates are what clip-higher and CISPO's clip act on
            file = load_recipe(recipes / algorithm / f"{preset}.yaml")
            assert file.recipe.batches().optimizer_steps_per_rollout == 16, file.name
        dapo = build_config(load_recipe(recipes / "dapo" / f"{preset}.yaml"), "out", check_only=True)
        assert dapo.weight_decay == 0.1
        grpo = build_config(load_recipe(recipes / "grpo" / f"{preset}.yaml"), "out", check_only=True)
        assert grpo.use_bias_correction_kl is False  # DeepSeekMath's k3 estimator as written
        assert load_recipe(recipes / "reinforce-pp" / f"{preset}.yaml").recipe.trainer_config()["beta"] == 0.01
        ppo = load_recipe(recipes / "ppo" / f"{preset}.yaml").recipe.trainer_config()
        assert ppo["critic_learning_rate"] >= 10 * ppo["learning_rate"]
    for path in recipes.glob("*/1xgpu.yaml"):  # one GPU, no DeepSpeed: fp32 weights, bf16 autocast
        recipe = load_recipe(path).recipe
        assert recipe.model.dtype == "float32" and recipe.trainer_config()["bf16"] is True, path


def test_bf16_weights_without_deepspeed_are_refused(tmp_path: Path, recipes: Path) -> None:
    text = (recipes / "grpo" / "1xgpu.yaml").read_text(encoding="utf-8")
    text = text.replace("  dtype: float32", "  dtype: bfloat16")
    file = load_recipe(write_recipe(tmp_path, "grpo", "1xgpu", text))
    [problem] = check_launch(file, recipes.parent / "accelerate")
    assert (problem.rule, problem.field) == ("launch-master-weights", "model.dtype") and "float32" in problem.hint


def test_global_batch_counts_completions_per_optimizer_step(recipes: Path) -> None:
    ppo = load_recipe(recipes / "ppo" / "8xgpu.yaml").recipe  # 512 prompts per rollout in 4 mini-batches
    assert tuple(ppo.batches()) == (512, 128, 4) and ppo.global_batch_size == 128


def _fake_slurm(tmp_path: Path, nodes: list[str]) -> dict[str, str]:
    """A PATH where srun runs its command, scontrol lists nodes, and trl, curl and accelerate log their argv."""
    import os
    import stat

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    stubs = {
        "scontrol": f"printf '%s\\n' {' '.join(nodes)}",
        "srun": 'while [[ "$1" == --* ]]; do shift; done; exec "$@"',
        "trl": f'echo "trl $*" >> {log}; sleep 3',
        "curl": "exit 0",
        "accelerate": f'echo "accelerate $*" >> {log}',
    }
    for name, body in stubs.items():
        path = bin_dir / name
        path.write_text(f"#!/bin/bash\n{body}\n")
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    rl4lrm = Path(os.sys.executable).parent
    return {
        **os.environ,
        "PATH": f"{bin_dir}:{rl4lrm}:{os.environ['PATH']}",
        "SLURM_JOB_NODELIST": "fake",
        "SLURM_JOB_ID": "7",
        "SLURM_NODEID": "0",
        "LOG": str(log),
    }


@pytest.mark.parametrize(
    ("algorithm", "serve", "injected"),
    [
        ("dapo", "--tensor-parallel-size 2 --data-parallel-size 4 --port 8000 --max-model-len 4024", True),
        ("dpo", None, False),  # DPOConfig has no vllm_server_host: DPO runs without a vLLM node
    ],
)
def test_slurm_script_sizes_the_vllm_node_and_injects_its_address_only_where_used(
    tmp_path: Path, recipes: Path, algorithm: str, serve: str | None, injected: bool
) -> None:
    import subprocess

    root = recipes.parents[1]
    env = _fake_slurm(tmp_path, ["n0", "n1", "n2"] if serve else ["n1", "n2"])
    recipe = f"baselines/recipes/{algorithm}/multinode.yaml"
    subprocess.run(["bash", "baselines/slurm/multinode.sbatch", recipe], cwd=root, env=env, check=True, timeout=120)
    calls = Path(env["LOG"]).read_text().splitlines()
    trl = [c for c in calls if c.startswith("trl ")]
    assert trl[0].endswith(serve) if serve else trl == [], calls
    [launch] = [c for c in calls if c.startswith("accelerate ")]
    assert "--machine_rank 0 --main_process_ip n1 --main_process_port 29500" in launch
    assert ("vllm_server_host=n0" in launch) is injected and ("vllm_server_port=8000" in launch) is injected


def test_vllm_node_must_fit_its_gpus(tmp_path: Path, recipes: Path) -> None:
    text = (recipes / "dapo" / "multinode.yaml").read_text(encoding="utf-8")
    path = write_recipe(
        tmp_path, "dapo", "multinode", text.replace("vllm_data_parallel_size: 4", "vllm_data_parallel_size: 8")
    )
    with pytest.raises(DataError) as info:
        load_recipe(path)
    assert "16 GPUs, more than gpus_per_node (8)" in info.value.problems[0].message
    file = load_recipe(recipes / "dapo" / "multinode.yaml")
    assert launch_command(file, recipes.parents[1]) == (
        "sbatch --nodes=3 baselines/slurm/multinode.sbatch baselines/recipes/dapo/multinode.yaml"
    )
