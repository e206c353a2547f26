"""PPO for language models (CleanRL style): the critic's advantages on top of the shared loop in `rollout.py`.

Objective (Schulman et al. 2017, arXiv 1707.06347, as used for RLHF/RLVR; implementation details follow
"The N+ implementation details of RLHF with PPO", arXiv 2403.17031):

    r_t   = -beta * (log pi_old(a_t|s_t) - log pi_ref(a_t|s_t))  (+ the verifiable score at the final token)
    A_t   = GAE(lambda, gamma) over r_t and the critic's V(s_t); returns R_t = A_t + V(s_t)
    L     = E_t[max(-A_t rho_t, -A_t clip(rho_t, 1-eps_low, 1+eps_high))]
            + vf_coef * 0.5 * E_t[max((V - R)^2, (V_old + clip(V - V_old, -c, c) - R)^2)]

The value model is a head on the policy trunk or a separate copy; under `accelerate launch` with a DeepSpeed ZeRO-3
config the policy, the value model and the frozen reference are sharded.
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
    masked_whiten,
    token_level_rewards,
)

if TYPE_CHECKING:
    import torch


@dataclass
class PPOConfig(RolloutConfig):
    """PPO settings: the shared ones plus the critic."""

    output_dir: str = "runs/ppo"
    gamma: float = 1.0
    lam: float = 0.95
    vf_coef: float = 0.1
    value_clip: float = 0.2
    value_model: Literal["head", "separate"] = "head"  # value head on the policy trunk, or a separate copy
    critic_learning_rate: float | None = None  # the value model's own rate (None: learning_rate); verl uses 10x
    whiten_rewards: bool = False  # whiten the token rewards before GAE (an N+ option)
    whiten_advantages: bool = True


def gae(
    rewards: torch.Tensor, values: torch.Tensor, mask: torch.Tensor, gamma: float, lam: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalised advantage estimation; V is 0 after the last completion token. Returns (advantages, returns)."""
    import torch

    values = values * mask
    advantages = torch.zeros_like(rewards)
    next_advantage = torch.zeros_like(rewards[:, 0])
    for t in reversed(range(rewards.size(1))):
        next_value = values[:, t + 1] if t + 1 < rewards.size(1) else torch.zeros_like(values[:, t])
        delta = rewards[:, t] + gamma * next_value - values[:, t]
        next_advantage = (delta + gamma * lam * next_advantage) * mask[:, t]
        advantages[:, t] = next_advantage
    return advantages, (advantages + values) * mask


class PPOTrainer(RolloutTrainer):
    """PPO with a critic: KL-shaped token rewards, GAE, whitened advantages, clipped policy and value losses."""

    def __init__(self, model, tokenizer, train_dataset, reward_funcs, config: PPOConfig, **kwargs: Any):
        self.value_model = config.value_model
        super().__init__(model, tokenizer, train_dataset, reward_funcs, config, **kwargs)

    def parameter_groups(self, wrapped: Any) -> list[dict[str, Any]]:
        """The policy at learning_rate, the value trunk and head at critic_learning_rate."""
        cfg: PPOConfig = self.config  # type: ignore[assignment]
        critic = [p for name, p in wrapped.named_parameters() if name.startswith(("value_trunk.", "value_head."))]
        ids = {id(p) for p in critic}
        policy = [p for p in wrapped.parameters() if id(p) not in ids and p.requires_grad]
        return [{"params": policy}, {"params": critic, "lr": cfg.critic_learning_rate or cfg.learning_rate}]

    def compute_advantages(self, rollout: Rollout) -> None:
        cfg: PPOConfig = self.config  # type: ignore[assignment]
        mask = rollout.completion_mask
        rewards = token_level_rewards(rollout.scores, rollout.old_logps, rollout.ref_logps, mask, cfg.beta)
        if cfg.whiten_rewards:
            rewards = masked_whiten(rewards, mask, shift_mean=False)
        advantages, returns = gae(rewards, rollout.old_values, mask, cfg.gamma, cfg.lam)
        if cfg.whiten_advantages:  # over the global batch, so 2 processes whiten as 1 process would
            advantages = global_masked_whiten(advantages, mask, self.accelerator)
        rollout.advantages, rollout.returns = advantages, returns


def build(job: Any) -> PPOTrainer:
    """The runner's builder (see rl4lrm.baselines.registry): PPO on the job's prompts and rewards."""
    return build_rollout_trainer(PPOTrainer, job)
