"""Two real processes: what only shows when `accelerate launch` starts more than one (gloo on the CPU).

Each launch is `accelerate launch --multi_gpu --num_processes 2 --num_machines 1 --mixed_precision no
--dynamo_backend no --main_process_port <free>` with no GPU visible. Not `--cpu`: in accelerate 1.15 `--cpu` runs
the script once, in one process, unless an MPI hostfile is given (`simple_launcher`), so `--cpu --num_processes 2`
trains single-process without a word. `--multi_gpu` goes through torchrun; on a machine without a GPU the processes
form a gloo group (MULTI_CPU) because rl4lrm.baselines.distributed sets the shared state up with cpu=True (every
rank file below records world 2). FSDP does not run on the CPU: accelerate switches to FSDP only on a GPU-like
process group (`--use_fsdp` on the CPU fails in FullyShardedDataParallelPlugin with "no available devices", or with
sync_module_states off silently trains with DDP), so the save path is checked under DDP.

The helper scripts beside this file run inside the launched processes and write what each rank saw:
mp_probe.py (the recipe runner with counters), mp_dynamic_sampling.py, mp_rollout_update.py.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("trl")

from rl4lrm.baselines.plan import plan  # noqa: E402
from rl4lrm.baselines.recipe import load_recipe  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RECIPES = ROOT / "baselines" / "recipes"
SHORT = ["max_steps=2", "logging_steps=1", "save_steps=2", "task.train_size=256", "task.eval_size=8"]
# Each preset under 2 processes: launch.num_processes=2 so the recipe's batch arithmetic is the launch's, and the
# per-device batch halved where it is per device, so that global_batch_size still holds.
PRESETS = {
    # GRPO with steps_per_generation (4) > gradient_accumulation_steps (2): 2 optimizer steps per generation
    "grpo": [
        "max_steps=4",
        "save_steps=4",
        "per_device_train_batch_size=8",
        "gradient_accumulation_steps=2",
        "steps_per_generation=4",
        "global_batch_size=32",
    ],
    "dapo": ["per_device_train_batch_size=32"],
    # 64 prompts = 32 per process, 2 mini-batches of 16, micro-batches of 8: 2 per mini-batch per process
    "ppo": ["micro_batch_size=8", "model.warmup_sft_steps=5"],
    "reinforce-pp": [],
    "dpo": ["per_device_train_batch_size=8", "preferences.prompts=64"],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(script: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run script (a path and its arguments) in 2 accelerate processes; fail with the output's tail if it fails."""
    command = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2"]
    command += ["--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no"]
    command += ["--main_process_port", str(_free_port()), *script]
    path = os.pathsep.join(p for p in (str(ROOT / "tools"), os.environ.get("PYTHONPATH", "")) if p)
    env = {
        **os.environ,
        "PYTHONPATH": path,
        "CUDA_VISIBLE_DEVICES": "",  # the gloo CPU group even where a GPU exists
        "OMP_NUM_THREADS": "1",
        "HF_HUB_OFFLINE": "1",
        "TRL_EXPERIMENTAL_SILENCE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    env.pop("ACCELERATE_CONFIG_FILE", None)
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{command}\n{result.stdout[-4000:]}\n{result.stderr[-6000:]}"
    return result


def _ranks(folder: Path) -> list[dict]:
    """What each of the 2 ranks wrote; a missing rank1.json means both processes ran as rank 0 of a world of 1."""
    files = [folder / f"rank{r}.json" for r in (0, 1)]
    assert all(f.is_file() for f in files), f"no 2-process group: {sorted(p.name for p in folder.glob('rank*'))}"
    return [json.loads(f.read_text()) for f in files]


@pytest.fixture(scope="session")
def smoke(tmp_path_factory):
    """algorithm -> (output folder, probe folder, overrides) of its cpu-smoke preset, run once under 2 processes.

    Several tests read one run; under pytest-xdist the workers share it through a lock in the session's folder.
    """
    from filelock import FileLock

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent

    def run(algorithm: str) -> tuple[Path, Path, list[str]]:
        base = root / f"multiprocess-{algorithm}"
        overrides = [*SHORT, "launch.num_processes=2", *PRESETS[algorithm]]
        with FileLock(str(base) + ".lock"):
            if not (base / "done").is_file():
                shutil.rmtree(base, ignore_errors=True)  # a launch that failed in another worker
                base.mkdir()
                recipe = RECIPES / algorithm / "cpu-smoke.yaml"
                script = [str(HERE / "mp_probe.py"), str(base / "probe"), "--recipe", str(recipe)]
                launch([*script, "--output-dir", str(base / "out"), *overrides], cwd=base)
                (base / "done").touch()
        return base / "out", base / "probe", overrides

    return run


# --------------------------------------------------------------------------------------------------------------------
# 1. Every cpu-smoke preset trains to the end under 2 processes
# --------------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("algorithm", list(PRESETS))
def test_cpu_smoke_preset_runs_under_two_processes(algorithm: str, smoke) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out, probe, overrides = smoke(algorithm)
    ranks = _ranks(probe)
    assert [r["world"] for r in ranks] == [2, 2], "the launch did not form a 2-process group"
    assert {r["distributed_type"] for r in ranks} == {"DistributedType.MULTI_CPU"}
    assert [r["rc"] for r in ranks] == [0, 0]
    summary = json.loads((out / "summary.json").read_text())
    steps = load_recipe(RECIPES / algorithm / "cpu-smoke.yaml", overrides).recipe.config["max_steps"]
    assert summary["steps"] == steps and summary["stopped_early"] is None
    assert summary["before"] == {} and summary["after"] == {}  # held-out eval is single-process only
    logged = [row["step"] for row in map(json.loads, (out / "metrics.jsonl").read_text().splitlines())]
    expected = list(range(1, steps + 1))
    assert logged == ([0, *expected] if algorithm == "dpo" else expected)  # one row per step: not one per process
    model = AutoModelForCausalLM.from_pretrained(out / "final")
    tokenizer = AutoTokenizer.from_pretrained(out / "final")
    ids = tokenizer("3:", return_tensors="pt", add_special_tokens=False)["input_ids"]
    assert model(input_ids=ids).logits.isfinite().all()


# --------------------------------------------------------------------------------------------------------------------
# 2. Dynamic sampling: each process its own quota of whole informative groups, the same rounds on both
# --------------------------------------------------------------------------------------------------------------------
def test_dynamic_sampling_fills_every_process_with_whole_informative_groups(tmp_path: Path) -> None:
    from .mp_dynamic_sampling import CONSTANT, G

    launch([str(HERE / "mp_dynamic_sampling.py"), str(tmp_path)], cwd=tmp_path)
    ranks = _ranks(tmp_path)
    quota = 8 * 2 // G  # per_device_train_batch_size × steps_per_generation / num_generations
    assert [r["world"] for r in ranks] == [2, 2] and [r["global_step"] for r in ranks] == [3, 3]
    assert [len(r["generations"]) for r in ranks] == [3, 3]
    own_rounds = []
    for rank in ranks:
        mine = []
        for gen in rank["generations"]:
            assert gen["rows"] == quota * G and len(gen["groups"]) == quota
            for group in gen["groups"]:
                assert len(set(group["prompts"])) == 1, group  # a whole group: G rows of one prompt
                assert len(set(group["rewards"])) > 1, group  # whose rewards differ
                assert group["prompts"][0] not in CONSTANT
            # the round in which this process alone would have had its quota
            found = [sum(gen["found_per_round"][: i + 1]) for i in range(len(gen["found_per_round"]))]
            mine.append(next(i + 1 for i, have in enumerate(found) if have >= quota))
            assert gen["rounds"] == len(gen["found_per_round"])
        own_rounds.append(mine)
        for loss in rank["losses"]:
            assert loss["all_nonzero"] and not CONSTANT & set(loss["prompts"])
    rounds = [[gen["rounds"] for gen in rank["generations"]] for rank in ranks]
    assert rounds[0] == rounds[1]  # one decision for both: neither waits on a collective the other skipped
    assert rounds[0] == [max(a, b) for a, b in zip(*own_rounds, strict=True)]  # sampling ends when the last is full
    assert own_rounds[0] != own_rounds[1]  # some step had one process full before the other


# --------------------------------------------------------------------------------------------------------------------
# 3. Optimizer steps per rollout / generation: the plan's, under 2 processes
# --------------------------------------------------------------------------------------------------------------------
def test_ppo_optimizer_steps_per_rollout_are_the_plans(smoke) -> None:
    _, probe, overrides = smoke("ppo")
    file = load_recipe(RECIPES / "ppo" / "cpu-smoke.yaml", overrides)
    expected = file.recipe.batches().optimizer_steps_per_rollout
    assert expected == plan(file).optimizer_steps_per_rollout == 2 * 4  # num_mini_batches × num_ppo_epochs
    for rank in _ranks(probe):
        marks = [*rank["rollouts"], rank["optimizer_steps"]]
        assert [b - a for a, b in itertools.pairwise(marks)] == [expected] * 2, rank
        assert rank["model"] == "DistributedDataParallel"


def test_grpo_optimizer_steps_per_generation_are_the_plans(smoke) -> None:
    _, probe, overrides = smoke("grpo")
    file = load_recipe(RECIPES / "grpo" / "cpu-smoke.yaml", overrides)
    values = file.recipe.trainer_config()
    expected = values["steps_per_generation"] // values["gradient_accumulation_steps"] * values.get("num_iterations", 1)
    assert expected == file.recipe.batches().optimizer_steps_per_rollout == plan(file).optimizer_steps_per_rollout == 2
    for rank in _ranks(probe):
        assert [g["global_step"] for g in rank["generations"]] == [0, expected]  # TRL's own step counter
        marks = [g["optimizer_steps"] for g in rank["generations"]] + [rank["optimizer_steps"]]
        assert [b - a for a, b in itertools.pairwise(marks)] == [expected] * 2, rank
        assert rank["model"] == "DistributedDataParallel"


# --------------------------------------------------------------------------------------------------------------------
# 4. Two processes × 2 micro-batches take the step one process takes on the whole batch
# --------------------------------------------------------------------------------------------------------------------
def test_two_processes_take_the_same_update_as_one_on_the_whole_batch(tmp_path: Path) -> None:
    from .mp_rollout_update import main as update_once

    update_once(tmp_path / "one", None)  # this process: the 16 rows in one pass
    launch([str(HERE / "mp_rollout_update.py"), str(tmp_path / "two"), "4"], cwd=tmp_path)
    one = torch.load(tmp_path / "one" / "rank0.pt")
    two = [torch.load(tmp_path / "two" / f"rank{r}.pt") for r in (0, 1)]
    assert one["world"] == 1 and [t["world"] for t in two] == [2, 2]
    # the ranks hold 40 and 8 completion tokens: a per-process token mean averaged by DDP would weigh the 8 as
    # much as the 40 (that was the bug: gradients off by more than their own size)
    assert [t["tokens"] for t in two] == [40.0, 8.0] and one["tokens"] == 48.0
    assert [t["accumulation"] for t in two] == [2, 2] and [t["optimizer_steps"] for t in two] == [1, 1]
    assert one["names"] == two[0]["names"]
    for name, g1, g2 in zip(one["names"], one["grads"], two[0]["grads"], strict=True):
        assert torch.allclose(g1, g2, atol=1e-6, rtol=1e-4), name
    for name, p1, p2, p3 in zip(one["names"], one["params"], two[0]["params"], two[1]["params"], strict=True):
        assert torch.allclose(p1, p2, atol=1e-5), name
        assert torch.equal(p2, p3), name  # DDP keeps the replicas identical


# --------------------------------------------------------------------------------------------------------------------
# 5. save_model under 2 processes (DDP: FSDP does not run on the CPU, see the module docstring)
# --------------------------------------------------------------------------------------------------------------------
def test_saved_final_model_is_rank_zeros_unwrapped_policy(smoke) -> None:
    from transformers import AutoModelForCausalLM

    out, probe, _ = smoke("ppo")
    policies = [torch.load(probe / f"policy_rank{r}.pt") for r in (0, 1)]
    saved = AutoModelForCausalLM.from_pretrained(out / "final").state_dict()
    initial = AutoModelForCausalLM.from_pretrained(out / "initial").state_dict()
    assert set(saved) == set(policies[0])  # the policy only: no value head, no DDP "module." prefix
    assert any(not torch.equal(saved[k], initial[k]) for k in saved)  # training moved it
    for key, value in saved.items():
        assert torch.equal(value, policies[0][key]), key
        assert torch.equal(policies[0][key], policies[1][key]), key
    assert {p.name for p in (out / "checkpoint-2").glob("random_states_*.pkl")} == {
        "random_states_0.pkl",
        "random_states_1.pkl",
    }
