"""GAE, PPO's losses, REINFORCE++ advantages and DAPO's group filter against numbers worked out by hand below."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from rl4lrm.baselines.ppo import gae  # noqa: E402
from rl4lrm.baselines.reinforce_pp import group_mean_baseline, reinforce_pp_advantages  # noqa: E402
from rl4lrm.baselines.rollout import (  # noqa: E402
    clipped_policy_loss,
    clipped_value_loss,
    masked_whiten,
    returns_to_go,
    token_level_rewards,
)


def close(actual: torch.Tensor, expected: list) -> None:
    want = torch.tensor(expected, dtype=actual.dtype)
    assert actual.shape == want.shape
    assert actual.flatten().tolist() == pytest.approx(want.flatten().tolist(), abs=1e-5)


def test_token_rewards_put_the_score_on_the_last_real_token_and_the_kl_everywhere():
    logps = torch.tensor([[-1.0, -2.0, -0.5]])
    ref = torch.tensor([[-1.5, -1.0, -0.5]])
    # kl = logp - ref = [0.5, -1.0, 0.0]; -beta*kl with beta 0.1 = [-0.05, 0.1, 0.0]
    close(
        token_level_rewards(torch.tensor([1.0]), logps, ref, torch.tensor([[1.0, 1.0, 1.0]]), 0.1),
        [[-0.05, 0.1, 0.0 + 1.0]],
    )
    # with the third token padded, the score lands on token 2 and the padded token gets nothing
    close(
        token_level_rewards(torch.tensor([1.0]), logps, ref, torch.tensor([[1.0, 1.0, 0.0]]), 0.1),
        [[-0.05, 0.1 + 1.0, 0.0]],
    )


def test_gae_by_hand():
    rewards = torch.tensor([[0.0, 0.0, 1.0]])
    values = torch.tensor([[0.5, 0.6, 0.7]])
    mask = torch.ones(1, 3)
    # gamma 1, lambda 0.5, V after the last token = 0:
    # t=2: delta = 1 + 0 - 0.7 = 0.3;   A2 = 0.3
    # t=1: delta = 0 + 0.7 - 0.6 = 0.1; A1 = 0.1 + 0.5 * 0.3 = 0.25
    # t=0: delta = 0 + 0.6 - 0.5 = 0.1; A0 = 0.1 + 0.5 * 0.25 = 0.225
    advantages, returns = gae(rewards, values, mask, gamma=1.0, lam=0.5)
    close(advantages, [[0.225, 0.25, 0.3]])
    close(returns, [[0.225 + 0.5, 0.25 + 0.6, 0.3 + 0.7]])


def test_gae_ignores_values_and_rewards_after_the_completion_ends():
    rewards = torch.tensor([[0.0, 2.0, 0.0]])
    values = torch.tensor([[0.5, 1.0, 9.0]])  # 9.0 sits on padding: must count as V = 0
    mask = torch.tensor([[1.0, 1.0, 0.0]])
    # gamma 0.9, lambda 1:
    # t=1: delta = 2 + 0.9 * 0 - 1.0 = 1.0;   A1 = 1.0
    # t=0: delta = 0 + 0.9 * 1.0 - 0.5 = 0.4; A0 = 0.4 + 0.9 * 1 * 1.0 = 1.3
    advantages, returns = gae(rewards, values, mask, gamma=0.9, lam=1.0)
    close(advantages, [[1.3, 1.0, 0.0]])
    close(returns, [[1.3 + 0.5, 1.0 + 1.0, 0.0]])


def test_clipped_policy_loss_by_hand():
    old = torch.zeros(1, 3)
    logps = torch.log(torch.tensor([[1.5, 0.5, 1.0]]))  # ratios 1.5, 0.5, 1.0
    advantages = torch.tensor([[1.0, 1.0, -2.0]])
    mask = torch.ones(1, 3)
    # token 0: A=1, ratio 1.5: unclipped -1.5, clipped -1 * 1.2 = -1.2 -> max -1.2 (clipped)
    # token 1: A=1, ratio 0.5: unclipped -0.5, clipped -1 * 0.8 = -0.8 -> max -0.5
    # token 2: A=-2, ratio 1:  2.0 either way
    loss, clipfrac = clipped_policy_loss(logps, old, advantages, mask, epsilon=0.2)
    assert loss.item() == pytest.approx((-1.2 - 0.5 + 2.0) / 3)
    assert clipfrac.item() == pytest.approx(1 / 3)
    # clip-higher (epsilon_high 0.6): token 0's bound is 1.6 > 1.5, so nothing is clipped: (-1.5 - 0.5 + 2) / 3 = 0
    loss, clipfrac = clipped_policy_loss(logps, old, advantages, mask, epsilon=0.2, epsilon_high=0.6)
    assert loss.item() == pytest.approx(0.0, abs=1e-6)
    assert clipfrac.item() == 0.0
    # a negative advantage with a low ratio is clipped from below: A=-1, ratio 0.5 -> max(0.5, 1 * 0.8) = 0.8
    loss, _ = clipped_policy_loss(
        torch.log(torch.tensor([[0.5]])), torch.zeros(1, 1), torch.tensor([[-1.0]]), torch.ones(1, 1), epsilon=0.2
    )
    assert loss.item() == pytest.approx(0.8)


def test_policy_loss_ignores_padded_tokens():
    logps = torch.log(torch.tensor([[1.5, 3.0]]))
    loss, _ = clipped_policy_loss(
        logps, torch.zeros(1, 2), torch.tensor([[1.0, 100.0]]), torch.tensor([[1.0, 0.0]]), epsilon=0.2
    )
    assert loss.item() == pytest.approx(-1.2)


def test_clipped_value_loss_by_hand():
    values = torch.tensor([[1.0, 0.0]])
    old = torch.tensor([[0.5, 0.5]])
    returns = torch.tensor([[2.0, 0.0]])
    # token 0: clipped V = 0.5 + clip(0.5, -0.2, 0.2) = 0.7; (1 - 2)^2 = 1, (0.7 - 2)^2 = 1.69 -> 1.69
    # token 1: clipped V = 0.5 + clip(-0.5) = 0.3;           (0 - 0)^2 = 0, (0.3 - 0)^2 = 0.09 -> 0.09
    loss, clipfrac = clipped_value_loss(values, old, returns, torch.ones(1, 2), clip=0.2)
    assert loss.item() == pytest.approx(0.5 * (1.69 + 0.09) / 2)
    assert clipfrac.item() == 1.0


def test_masked_whiten_by_hand():
    # masked entries 1, 2, 3: mean 2, population variance (1 + 0 + 1) / 3 = 2/3
    out = masked_whiten(torch.tensor([[1.0, 2.0, 3.0, 100.0]]), torch.tensor([[1.0, 1.0, 1.0, 0.0]]))
    s = math.sqrt(2 / 3)
    close(out, [[-1 / s, 0.0, 1 / s, 0.0]])


def test_returns_to_go_by_hand():
    # gamma 0.5: [1 + 0.5 * (2 + 0.5 * 4), 2 + 0.5 * 4, 4] = [3, 4, 4]
    close(returns_to_go(torch.tensor([[1.0, 2.0, 4.0]]), torch.ones(1, 3), gamma=0.5), [[3.0, 4.0, 4.0]])


def test_reinforce_pp_advantages_without_kl():
    scores = torch.tensor([1.0, 0.0])
    mask = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    logps = torch.zeros(2, 2)
    # token rewards [[0, 1], [0, -]]; returns-to-go [[1, 1], [0, -]]
    # over the three real tokens {1, 1, 0}: mean 2/3, variance ((1/3)^2 * 2 + (2/3)^2) / 3 = 2/9, std sqrt(2)/3
    adv = reinforce_pp_advantages(scores, logps, logps, mask, beta=0.5)
    std = math.sqrt(2) / 3
    close(adv, [[(1 / 3) / std, (1 / 3) / std], [(-2 / 3) / std, 0.0]])


def test_reinforce_pp_folds_the_token_kl_into_the_return():
    scores = torch.tensor([1.0, 0.0])
    mask = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    logps = torch.tensor([[-1.0, -1.0], [-1.0, 0.0]])
    ref = torch.tensor([[-1.5, -1.0], [-1.0, 0.0]])
    # kl on row 0 = [0.5, 0]; beta 0.2 -> rewards [[-0.1, 1.0], [0, -]]; returns-to-go [[0.9, 1.0], [0, -]]
    # mean (0.9 + 1.0 + 0) / 3 = 1.9/3; variance = mean of squares - mean^2 = (0.81 + 1) / 3 - (1.9/3)^2
    mean = 1.9 / 3
    std = math.sqrt((0.81 + 1.0) / 3 - mean**2)
    adv = reinforce_pp_advantages(scores, logps, ref, mask, beta=0.2)
    close(adv, [[(0.9 - mean) / std, (1.0 - mean) / std], [(0.0 - mean) / std, 0.0]])


def test_reinforce_pp_baseline_subtracts_the_group_mean_then_normalises_globally():
    scores = torch.tensor([1.0, 0.0, 1.0, 1.0])  # two groups of two
    # group means 0.5 and 1.0 -> [0.5, -0.5, 0.0, 0.0]
    close(group_mean_baseline(scores, 2), [0.5, -0.5, 0.0, 0.0])
    mask = torch.ones(4, 1)
    logps = torch.zeros(4, 1)
    # one token each: mean 0, variance (0.25 + 0.25 + 0 + 0) / 4 = 0.125
    adv = reinforce_pp_advantages(scores, logps, logps, mask, beta=0.1, num_generations=2, baseline="group")
    s = math.sqrt(0.125)
    close(adv, [[0.5 / s], [-0.5 / s], [0.0], [0.0]])
