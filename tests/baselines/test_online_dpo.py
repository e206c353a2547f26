"""Online DPO drops tied pairs: with 0/1 rewards most pairs tie, and TRL would still prefer the first of two."""

from __future__ import annotations

import os

import pytest

torch = pytest.importorskip("torch")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rl4lrm.baselines.models import char_tokenizer, tiny_llama  # noqa: E402
from rl4lrm.baselines.online_dpo import DecidedPairsOnlineDPOTrainer, decided_pairs  # noqa: E402


def test_decided_pairs_by_hand():
    rewards = torch.tensor([1.0, 0.0, 1.0, 0.5, 1.0, 1.0, 0.0, 0.5])  # firsts, then seconds
    assert decided_pairs(rewards).tolist() == [False, True, True, False]


def _trainer(tmp_path, reward):
    from datasets import Dataset
    from trl.experimental.online_dpo import OnlineDPOConfig

    tokenizer = char_tokenizer()
    args = OnlineDPOConfig(
        output_dir=str(tmp_path),
        max_steps=2,
        logging_steps=1,
        per_device_train_batch_size=4,
        max_new_tokens=3,
        learning_rate=1e-2,
        weight_decay=0.0,
        report_to=[],
        bf16=False,
        use_cpu=True,
        save_strategy="no",
        seed=0,
        disable_tqdm=True,
    )
    data = Dataset.from_list([{"prompt": f"{d}:"} for d in range(8)])
    return DecidedPairsOnlineDPOTrainer(
        model=tiny_llama(tokenizer, seed=0),
        reward_funcs=reward,
        args=args,
        train_dataset=data,
        processing_class=tokenizer,
    )


def test_a_step_where_every_pair_ties_changes_nothing(tmp_path):
    def accuracy(prompts, completions, **_):
        return [1.0] * len(completions)  # every pair ties

    trainer = _trainer(tmp_path, accuracy)
    before = [p.detach().clone() for p in trainer.model.parameters()]
    trainer.train()
    assert all(torch.equal(a, b) for a, b in zip(before, trainer.model.parameters(), strict=True))
    decided = [row["objective/decided_pairs"] for row in trainer.state.log_history if "objective/decided_pairs" in row]
    assert decided and max(decided) == 0.0


def test_decided_pairs_still_train(tmp_path):
    def accuracy(prompts, completions, **_):
        return [float(c[:1] in "02468" and c[:1] != "") for c in completions]

    trainer = _trainer(tmp_path, accuracy)
    before = [p.detach().clone() for p in trainer.model.parameters()]
    trainer.train()
    assert any(not torch.equal(a, b) for a, b in zip(before, trainer.model.parameters(), strict=True))
