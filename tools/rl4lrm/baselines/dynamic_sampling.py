"""DAPO's dynamic sampling (Yu et al. 2025, arXiv 2503.14476, §3.2) on top of TRL's GRPOTrainer.

A group whose completions all get the same reward has zero advantage and gives no gradient; DAPO over-samples and
keeps only groups whose rewards differ ("0 < |{o_i : is_equivalent(a, o_i)}| < G"), sampling again until the batch
is full. `DynamicSamplingGRPOTrainer` does exactly that by overriding one TRL hook,
`_generate_and_score_completions`: it calls TRL's own version round after round on fresh prompts, keeps the
informative groups, and hands TRL's loss a batch of the usual size. With TRL's other DAPO settings
(`epsilon_high` clip-higher, `loss_type="dapo"` token-level loss, `mask_truncated_completions` overlong filtering,
and the soft overlong punishment reward) this is the full DAPO recipe.

Importing this module imports TRL (the runner imports it only to train); `informative_groups` is the pure filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
from trl import GRPOConfig, GRPOTrainer

from .registry import StopTraining

# Keys of TRL's text-only generation batch and how each is padded when batches of different widths are joined.
_LEFT_PADDED = {"prompt_ids": "pad", "prompt_mask": 0}
_RIGHT_PADDED = {
    "completion_ids": "pad",
    "completion_mask": 0,
    "tool_mask": 1,
    "old_per_token_logps": 0.0,
    "ref_per_token_logps": 0.0,
    "sampling_per_token_logps": 0.0,
    "importance_sampling_ratio": 0.0,
}
_PER_ROW = {"advantages"}


def informative_groups(rewards: torch.Tensor, num_generations: int, tol: float = 1e-6) -> torch.Tensor:
    """One bool per group of num_generations consecutive rewards: True when the rewards are not all equal."""
    grouped = rewards.view(-1, num_generations)
    return (grouped.max(dim=1).values - grouped.min(dim=1).values) > tol


def group_rows(groups: torch.Tensor, num_generations: int) -> torch.Tensor:
    """Row indexes of the given groups (each num_generations consecutive rows), on the groups' device."""
    offsets = torch.arange(num_generations, device=groups.device)
    return (groups.unsqueeze(1) * num_generations + offsets).flatten()


@dataclass
class DynamicSamplingConfig(GRPOConfig):
    """GRPOConfig plus DAPO's dynamic-sampling settings (verl: `max_num_gen_batches`, `filter_groups.metric`)."""

    dynamic_sampling_max_rounds: int = field(
        default=16,
        metadata={"help": "sampling rounds per batch before giving up with an error (each round is one batch)"},
    )
    dynamic_sampling_max_completions: int | None = field(
        default=None,
        metadata={
            "help": "stop the run once this many completions have been sampled over all processes (over-sampling "
            "counted): a sample budget equal to what the other algorithms generate; None: no cap"
        },
    )
    dynamic_sampling_rewards: list[str] = field(
        default_factory=lambda: ["accuracy"],
        metadata={
            "help": "reward functions whose sum decides whether a group's answers differ (DAPO §3.2 filters on "
            "accuracy only: the soft overlong penalty does not make a group informative)"
        },
    )


def _pad_to(tensor: torch.Tensor, width: int, value: float | int, left: bool) -> torch.Tensor:
    missing = width - tensor.size(1)
    if missing <= 0:
        return tensor
    return torch.nn.functional.pad(tensor, (missing, 0) if left else (0, missing), value=value)


def join_batches(parts: list[dict[str, Any]], pad_token_id: int) -> dict[str, Any]:
    """Concatenate row subsets of TRL generation batches, re-padding prompts (left) and completions (right)."""
    out: dict[str, Any] = {}
    for key in parts[0]:
        tensors = [part[key] for part in parts]
        if key in _PER_ROW:
            out[key] = torch.cat(tensors)
            continue
        left = key in _LEFT_PADDED
        pad = (_LEFT_PADDED if left else _RIGHT_PADDED)[key]
        value = pad_token_id if pad == "pad" else pad
        width = max(t.size(1) for t in tensors)
        out[key] = torch.cat([_pad_to(t, width, value, left) for t in tensors])
    return out


class DynamicSamplingGRPOTrainer(GRPOTrainer):
    """GRPOTrainer that trains only on groups whose rewards are not all equal, re-sampling to fill the batch."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        local_rows = self.args.per_device_train_batch_size * self.args.steps_per_generation
        if local_rows % self.num_generations:
            raise ValueError(
                f"dynamic sampling keeps whole groups per process: per_device_train_batch_size × steps_per_generation "
                f"({local_rows}) must be a multiple of num_generations ({self.num_generations})"
            )
        unknown = set(self.args.dynamic_sampling_rewards) - set(self.reward_func_names)
        if unknown:
            raise ValueError(
                f"dynamic_sampling_rewards names {sorted(unknown)}, not among the reward functions "
                f"{self.reward_func_names}"
            )
        self._filter_columns = [
            i for i, name in enumerate(self.reward_func_names) if name in self.args.dynamic_sampling_rewards
        ]
        self._last_rewards: torch.Tensor | None = None
        self.sampled = 0  # completions generated so far over all processes, over-sampling included
        self._extra_generator = torch.Generator().manual_seed(self.args.seed + 1 + self.accelerator.process_index)

    def _calculate_rewards(self, inputs, prompts, completions, completion_ids_list):
        rewards_per_func = super()._calculate_rewards(inputs, prompts, completions, completion_ids_list)
        self._last_rewards = rewards_per_func[:, self._filter_columns].nansum(dim=1)  # all processes' rows
        return rewards_per_func

    def _fresh_prompts(self, rows: int) -> list[dict[str, Any]]:
        """rows // num_generations new prompts from the training set, each repeated num_generations times."""
        picks = torch.randint(len(self.train_dataset), (rows // self.num_generations,), generator=self._extra_generator)
        return [self.train_dataset[int(i)] for i in picks for _ in range(self.num_generations)]

    def _generate_and_score_completions(self, inputs: list[dict[str, Any]]) -> dict[str, Any]:
        if not self.model.training:
            return super()._generate_and_score_completions(inputs)
        G, rows = self.num_generations, len(inputs)
        wanted = rows // G
        kept: list[dict[str, Any]] = []
        have, sampled, rounds = 0, 0, 0
        batch = inputs
        while True:
            rounds += 1
            cap = self.args.dynamic_sampling_max_completions
            if cap is not None and self.sampled + rows * self.accelerator.num_processes > cap:
                self.log({"dynamic_sampling/sampled_total": float(self.sampled)})  # the run's exact sample count
                raise StopTraining(f"dynamic sampling: the sample budget of {cap} completions is spent")
            self.sampled += rows * self.accelerator.num_processes
            out = super()._generate_and_score_completions(batch)
            unknown = set(out) - set(_LEFT_PADDED) - set(_RIGHT_PADDED) - _PER_ROW - {"num_items_in_batch"}
            if unknown:
                raise ValueError(f"dynamic sampling supports text-only batches; cannot join {sorted(unknown)}")
            start = self.accelerator.process_index * rows
            local_rewards = self._last_rewards[start : start + rows]
            groups = informative_groups(local_rewards.nan_to_num(0.0), G).nonzero().flatten()[: wanted - have]
            sampled += rows // G
            if len(groups):
                index = group_rows(groups, G).to(out["advantages"].device)
                kept.append({k: v[index] for k, v in out.items() if k != "num_items_in_batch"})
                have += len(groups)
            short = torch.tensor([float(have < wanted)], device=self.accelerator.device)
            if self.accelerator.gather(short).sum().item() == 0:
                break
            if rounds >= self.args.dynamic_sampling_max_rounds:
                raise StopTraining(
                    f"dynamic sampling: {rounds} rounds gave {have} of {wanted} groups with differing rewards at "
                    f"step {self.state.global_step}; the prompts are too easy or too hard for the policy (a "
                    "solved task, or one to warm up for; dynamic_sampling_max_rounds sets the patience)"
                )
            batch = self._fresh_prompts(rows)
        joined = join_batches(kept, self._tokenizer.pad_token_id)
        mask = joined["completion_mask"] * joined.get("tool_mask", 1)
        joined["num_items_in_batch"] = self.accelerator.gather(mask.sum()).sum()
        self._metrics["train"]["dynamic_sampling/rounds"].append(float(rounds))
        self._metrics["train"]["dynamic_sampling/kept_fraction"].append(wanted / sampled)
        self._metrics["train"]["dynamic_sampling/sampled"].append(float(self.sampled))
        return joined


def build(job: Any) -> DynamicSamplingGRPOTrainer:
    """The runner's builder (see rl4lrm.baselines.registry): GRPOTrainer with DAPO's dynamic sampling."""
    from datasets import Dataset

    rows = [{k: v for k, v in row.items() if k != "key"} for row in job.train_rows]
    return DynamicSamplingGRPOTrainer(
        model=job.model,
        reward_funcs=job.reward_funcs,
        args=job.config,
        train_dataset=Dataset.from_list(rows),
        processing_class=job.tokenizer,
        callbacks=job.callbacks,
    )
