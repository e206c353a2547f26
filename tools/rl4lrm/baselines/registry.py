"""The trainers a recipe can name and the presets it can be, as import paths only (nothing heavy is imported).

To plug in a new trainer, add one ``TrainerKind`` here:

- ``config_class`` ("module:Class"): a dataclass; a recipe's ``config`` and ``defining`` keys must be its
  fields. The runner builds it with ``build_config`` (unknown field → error naming the recipe line).
- ``build`` ("module:function"): ``build(job: rl4lrm.baselines.job.Job) -> trainer``. The trainer must have
  ``train(resume_from_checkpoint: str | None = None)``. A ``transformers.Trainer`` subclass gets metric
  logging, checkpoints and resume from the runner's callbacks (``job.callbacks``); any other trainer calls
  ``job.log(step, metrics)`` after each step and saves/loads its own checkpoints under ``job.output_dir``
  as ``checkpoint-<step>`` folders. A trainer that finds nothing left to learn from its prompts raises
  ``StopTraining``: the runner ends the run there as if ``max_steps`` had been reached.
"""

from __future__ import annotations

from dataclasses import dataclass

PRESETS = ("cpu-smoke", "gpu-smoke", "1xgpu", "8xgpu", "multinode")
GPU_PRESETS = ("1xgpu", "8xgpu", "multinode")  # the presets sized for real hardware (plan, fits)


class StopTraining(Exception):
    """Raised by a trainer when no further step can carry a learning signal; the message says why."""


@dataclass(frozen=True)
class TrainerKind:
    """How to configure and build one trainer; see the module docstring for the contract."""

    config_class: str
    build: str
    needs_pairs: bool = False  # trains on preference pairs built from policy samples (DPO)
    description: str = ""


TRAINERS: dict[str, TrainerKind] = {
    "grpo": TrainerKind(
        "trl:GRPOConfig",
        "rl4lrm.baselines.trainers:build_grpo",
        description="trl.GRPOTrainer (GRPO, Dr. GRPO, DAPO, GSPO, CISPO, SAPO, LUSPO, VESPO, GDPO via its settings)",
    ),
    "gmpo": TrainerKind(
        "trl.experimental.gmpo:GMPOConfig",
        "rl4lrm.baselines.trainers:build_gmpo",
        description="trl.experimental.gmpo.GMPOTrainer: geometric mean of token ratios clipped in log space",
    ),
    "rloo": TrainerKind("trl:RLOOConfig", "rl4lrm.baselines.trainers:build_rloo", description="trl.RLOOTrainer"),
    "dpo": TrainerKind(
        "trl:DPOConfig",
        "rl4lrm.baselines.trainers:build_dpo",
        needs_pairs=True,
        description="trl.DPOTrainer on pairs built from policy samples",
    ),
    "online-dpo": TrainerKind(
        "trl.experimental.online_dpo:OnlineDPOConfig",
        "rl4lrm.baselines.online_dpo:build",
        description="trl.experimental.online_dpo.OnlineDPOTrainer judged by the reward, tied pairs dropped",
    ),
    # Trainers TRL does not ship: ours, on transformers + accelerate, or a GRPOTrainer subclass.
    "ppo": TrainerKind(
        "rl4lrm.baselines.ppo:PPOConfig",
        "rl4lrm.baselines.ppo:build",
        description="PPO with a critic: GAE, clipped policy and value losses (rl4lrm.baselines.ppo)",
    ),
    "reinforce-pp": TrainerKind(
        "rl4lrm.baselines.reinforce_pp:ReinforcePPConfig",
        "rl4lrm.baselines.reinforce_pp:build",
        description="REINFORCE++ and REINFORCE++-baseline (rl4lrm.baselines.reinforce_pp)",
    ),
    "dapo-dynamic": TrainerKind(
        "rl4lrm.baselines.dynamic_sampling:DynamicSamplingConfig",
        "rl4lrm.baselines.dynamic_sampling:build",
        description="trl.GRPOTrainer + DAPO dynamic sampling (rl4lrm.baselines.dynamic_sampling)",
    ),
}


def resolve(target: str) -> object:
    """Import "module:attribute" and return the attribute."""
    import importlib

    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)
