"""REINFORCE++ (Hu et al. 2025, arXiv 2501.03262): PPO's clipped surrogate without a critic.

    r_t   = -beta * (log pi_old(a_t|s_t) - log pi_ref(a_t|s_t))  (+ the score r(x, y) at the final token)
    A_t   = sum_{i >= t} r_i                      (return-to-go, gamma = 1)
    A^    = (A - mean_batch(A)) / std_batch(A)    (over every completion token of the GLOBAL batch)
    L     = E_t[max(-A^_t rho_t, -A^_t clip(rho_t, 1-eps, 1+eps))]

"REINFORCE++-baseline" (same paper, for num_generations > 1) first subtracts the mean score of each prompt's group
from the score, then proceeds as above (KL folded into the reward, global normalisation). Rollouts, log-probs and the
clipped loss are the ones in `rollout.py`; only the advantage differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from .rollout import (
    Rollout,
    RolloutConfig,
    RolloutTrainer,
    build_rollout_trainer,
    global_masked_whiten,
    returns_to_go,
    token_level_rewards,
)

if TYPE_CHECKING:
    import torch


@dataclass
class ReinforcePPConfig(RolloutConfig):
    """REINFORCE++ settings: the shared ones plus the baseline choice."""

    output_dir: str = "runs/reinforce-pp"
    baseline: Literal["none", "group"] = "none"  # "group": REINFORCE++-baseline (needs num_generations > 1)
    gamma: float = 1.0


def group_mean_baseline(scores: torch.Tensor, num_generations: int) -> torch.Tensor:
    """Scores minus the mean score of their group (rows of one prompt are consecutive)."""
    grouped = scores.view(-1, num_generations)
    return (grouped - grouped.mean(dim=1, keepdim=True)).view(-1)


def reinforce_pp_advantages(
    scores: torch.Tensor,
    logps: torch.Tensor,
    ref_logps: torch.Tensor,
    mask: torch.Tensor,
    beta: float,
    num_generations: int = 1,
    baseline: Literal["none", "group"] = "none",
    gamma: float = 1.0,
    accelerator: object = None,
) -> torch.Tensor:
    """Token advantages of REINFORCE++ (baseline="none") or REINFORCE++-baseline (baseline="group")."""
    if baseline == "group":
        scores = group_mean_baseline(scores, num_generations)
    rewards = token_level_rewards(scores, logps, ref_logps, mask, beta)
    return global_masked_whiten(returns_to_go(rewards, mask, gamma), mask, accelerator)


class ReinforcePPTrainer(RolloutTrainer):
    """REINFORCE++ / REINFORCE++-baseline: no value model; the rest is the shared rollout trainer."""

    value_model = None

    def __init__(self, model, tokenizer, train_dataset, reward_funcs, config: ReinforcePPConfig, **kwargs: Any):
        if config.baseline == "group" and config.num_generations < 2:
            raise ValueError("baseline='group' (REINFORCE++-baseline) needs num_generations >= 2")
        super().__init__(model, tokenizer, train_dataset, reward_funcs, config, **kwargs)

    def compute_advantages(self, rollout: Rollout) -> None:
        cfg: ReinforcePPConfig = self.config  # type: ignore[assignment]
        rollout.advantages = reinforce_pp_advantages(
            rollout.scores,
            rollout.old_logps,
            rollout.ref_logps,
            rollout.completion_mask,
            cfg.beta,
            cfg.num_generations,
            cfg.baseline,
            cfg.gamma,
            self.accelerator,
        )


def build(job: Any) -> ReinforcePPTrainer:
    """The runner's builder (see rl4lrm.baselines.registry): REINFORCE++ on the job's prompts and rewards."""
    return build_rollout_trainer(ReinforcePPTrainer, job)
