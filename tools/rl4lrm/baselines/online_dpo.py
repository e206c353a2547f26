"""Online DPO (Guo et al. 2024, arXiv 2402.04792) on TRL's trainer, without the tied pairs TRL trains on.

TRL samples two completions per prompt, scores both and calls the first "chosen" when ``first >= second``: with
0/1 verifiable rewards most pairs are ties, and a tie still pushes the policy towards an arbitrary one of two
equally good (or equally wrong) answers. `DecidedPairsOnlineDPOTrainer` keeps only the pairs whose rewards differ:
their losses are averaged, tied pairs contribute nothing (a step where every pair ties changes nothing).

TRL computes the loss inline in ``training_step`` as ``-F.logsigmoid(beta * logits)`` and averages it, so the
trainer wraps that one call for the duration of its own step (``F`` is the trainer module's alias of
``torch.nn.functional``), weighting each pair by whether it is decided. Importing this module imports TRL.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import torch
from trl.experimental.online_dpo import OnlineDPOTrainer
from trl.experimental.online_dpo import online_dpo_trainer as trl_online_dpo


class _DecidedFunctional:
    """torch.nn.functional, with logsigmoid weighting each pair by the trainer's decided-pair mask of this step."""

    def __init__(self, trainer: DecidedPairsOnlineDPOTrainer):
        self.trainer = trainer

    def __getattr__(self, name: str) -> Any:
        return getattr(torch.nn.functional, name)

    def logsigmoid(self, x: torch.Tensor) -> torch.Tensor:
        keep = self.trainer.keep.to(x.dtype)  # scored before the loss, in the same step
        return torch.nn.functional.logsigmoid(x) * keep * (keep.numel() / keep.sum().clamp(min=1))


def decided_pairs(rewards: torch.Tensor, tol: float = 1e-6) -> torch.Tensor:
    """One bool per prompt of TRL's [first completions..., second completions...] rewards: True unless tied."""
    first, second = rewards.split(rewards.numel() // 2)
    return (first - second).abs() > tol


class DecidedPairsOnlineDPOTrainer(OnlineDPOTrainer):
    """OnlineDPOTrainer whose loss averages over the pairs whose rewards differ (ties are dropped)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.stats["objective/decided_pairs"] = []  # fraction of pairs whose rewards differ, logged with TRL's

    def _calculate_rewards_from_functions(self, prompts, completions, completion_ids_list, **reward_kwargs):
        rewards = super()._calculate_rewards_from_functions(prompts, completions, completion_ids_list, **reward_kwargs)
        self.keep = decided_pairs(rewards)
        self.stats["objective/decided_pairs"].append(
            self.accelerator.gather_for_metrics(self.keep.float().mean()).mean().item()
        )
        return rewards

    @contextlib.contextmanager
    def _dropping_ties(self) -> Iterator[None]:
        original = trl_online_dpo.F
        trl_online_dpo.F = _DecidedFunctional(self)
        try:
            yield
        finally:
            trl_online_dpo.F = original

    def training_step(self, model: Any, inputs: Any, num_items_in_batch: Any = None) -> torch.Tensor:
        if self.args.loss_type != "sigmoid":
            raise ValueError("dropping tied pairs is implemented for loss_type 'sigmoid' (the DPO loss)")
        with self._dropping_ties():
            return super().training_step(model, inputs, num_items_in_batch)


def build(job: Any) -> DecidedPairsOnlineDPOTrainer:
    """The runner's builder (see rl4lrm.baselines.registry): online DPO judged by the recipe's rewards."""
    from .trainers import reward_trainer

    return reward_trainer(DecidedPairsOnlineDPOTrainer, job)
