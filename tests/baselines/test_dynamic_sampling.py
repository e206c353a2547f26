"""DAPO dynamic sampling: the group filter by hand, the batch joiner, and a real GRPOTrainer run that never lets an
all-equal group reach the loss."""

from __future__ import annotations

import os

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("trl")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rl4lrm.baselines.dynamic_sampling import (  # noqa: E402
    DynamicSamplingConfig,
    DynamicSamplingGRPOTrainer,
    group_rows,
    informative_groups,
    join_batches,
)
from rl4lrm.baselines.models import char_tokenizer, tiny_llama  # noqa: E402


def test_informative_groups_by_hand():
    rewards = torch.tensor([1, 1, 1, 0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 1, 0, 0, 0], dtype=torch.float)
    # groups of 4: {1,1,1,0} differs; {0,0,0,0} all equal; {.5,.5,.5,.5} all equal; {1,0,0,0} differs
    assert informative_groups(rewards, 4).tolist() == [True, False, False, True]
    # groups of 2: {1,1} {1,0} {0,0} {0,0} {.5,.5} {.5,.5} {1,0} {0,0}
    assert informative_groups(rewards, 2).tolist() == [False, True, False, False, False, False, True, False]


def test_group_rows_stay_on_the_rewards_device():
    # TRL gathers rewards on the accelerator; the index must be built there too (a CUDA tensor plus a CPU arange
    # fails at the first DAPO step). The meta device shows the same mismatch on a CPU.
    groups = torch.tensor([0, 2], device="meta")
    assert group_rows(groups, 4).device.type == "meta"
    assert group_rows(torch.tensor([0, 2]), 3).tolist() == [0, 1, 2, 6, 7, 8]


def test_join_batches_repads_prompts_left_and_completions_right():
    a = {
        "prompt_ids": torch.tensor([[5, 6]]),
        "prompt_mask": torch.tensor([[1, 1]]),
        "completion_ids": torch.tensor([[7]]),
        "completion_mask": torch.tensor([[1]]),
        "advantages": torch.tensor([0.5]),
    }
    b = {
        "prompt_ids": torch.tensor([[9]]),
        "prompt_mask": torch.tensor([[1]]),
        "completion_ids": torch.tensor([[3, 4]]),
        "completion_mask": torch.tensor([[1, 1]]),
        "advantages": torch.tensor([-0.5]),
    }
    joined = join_batches([a, b], pad_token_id=0)
    assert joined["prompt_ids"].tolist() == [[5, 6], [0, 9]]
    assert joined["prompt_mask"].tolist() == [[1, 1], [0, 1]]
    assert joined["completion_ids"].tolist() == [[7, 0], [3, 4]]
    assert joined["completion_mask"].tolist() == [[1, 0], [1, 1]]
    assert joined["advantages"].tolist() == [0.5, -0.5]


@pytest.mark.parametrize("with_penalty", [False, True], ids=["accuracy", "accuracy+overlong"])
def test_no_all_equal_group_reaches_the_loss(tmp_path, with_penalty):
    from datasets import Dataset

    tokenizer = char_tokenizer()
    model = tiny_llama(tokenizer, seed=0)
    constant = {f"{d}:" for d in range(5)}  # these prompts always score 1: every group of theirs is all-equal
    data = Dataset.from_list([{"prompt": f"{d}:"} for d in range(10)])

    def accuracy(prompts, completions, **_):
        # constant prompts: 1; the others: 1 when the first character is an even digit, so groups usually differ
        return [
            1.0 if p in constant else float(c[:1] in "02468" and c[:1] != "")
            for p, c in zip(prompts, completions, strict=True)
        ]

    seen: list[dict] = []

    class Recording(DynamicSamplingGRPOTrainer):
        def _compute_loss(self, model, inputs):
            seen.append({k: v.detach().clone() for k, v in inputs.items() if isinstance(v, torch.Tensor)})
            return super()._compute_loss(model, inputs)

    args = DynamicSamplingConfig(
        output_dir=str(tmp_path),
        max_steps=4,
        per_device_train_batch_size=16,
        num_generations=4,
        max_completion_length=3 + 3 * with_penalty,
        learning_rate=1e-3,
        report_to=[],
        bf16=False,
        use_cpu=True,
        save_strategy="no",
        loss_type="dapo",
        epsilon_high=0.28,
        beta=0.0,
        seed=0,
        disable_tqdm=True,
        dynamic_sampling_max_rounds=50,
    )

    def overlong(prompts, completions, **_):  # differs inside every group: it must not make a group informative
        return [-0.1 * len(c) for c in completions]

    funcs = [accuracy, overlong] if with_penalty else accuracy
    trainer = Recording(model=model, processing_class=tokenizer, reward_funcs=funcs, args=args, train_dataset=data)
    trainer.train()
    assert len(seen) == 4
    for batch in seen:
        assert batch["advantages"].shape == (16,)
        if not with_penalty:  # 0/1 rewards: a group that differs gives every member a non-zero advantage
            assert (batch["advantages"].abs() > 0).all()
        prompts = tokenizer.batch_decode(batch["prompt_ids"], skip_special_tokens=True)
        assert not constant & set(prompts)
    rounds = [row["dynamic_sampling/rounds"] for row in trainer.state.log_history if "dynamic_sampling/rounds" in row]
    assert rounds and max(rounds) >= 2  # half the prompts are useless, so filling a batch takes extra rounds
