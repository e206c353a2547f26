"""DAPO dynamic sampling under `accelerate launch`, for test_multiprocess.py:

    accelerate launch --multi_gpu --num_processes 2 ... mp_dynamic_sampling.py OUT

A DynamicSamplingGRPOTrainer as in test_dynamic_sampling.py (reward `accuracy`; the prompts "0:" to "4:" always
score 1, so their groups are all-equal) trains 3 steps, each one generation of per_device_train_batch_size 8 ×
steps_per_generation 2 = 16 rows, 4 groups of 4, per process. Each process writes OUT/rank<k>.json with, per
generation, what it handed the loss (each group of 4 rows: its prompts and the rewards recomputed from the
decoded completions), how many informative groups each sampling round found, and the rounds it ran; and, per
loss call, the prompts and whether every advantage was non-zero.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")

CONSTANT = {f"{d}:" for d in range(5)}  # these prompts always score 1: every group of theirs is all-equal
G = 4


def accuracy(prompts, completions, **_):
    """1 for the constant prompts; for the others, 1 when the answer starts with an even digit (groups differ)."""
    return [
        1.0 if p in CONSTANT else float(c[:1] in "02468" and c[:1] != "")
        for p, c in zip(prompts, completions, strict=True)
    ]


def main(out: Path) -> None:
    import torch
    from datasets import Dataset

    from rl4lrm.baselines import dynamic_sampling
    from rl4lrm.baselines.distributed import process_state
    from rl4lrm.baselines.dynamic_sampling import DynamicSamplingConfig, DynamicSamplingGRPOTrainer
    from rl4lrm.baselines.models import char_tokenizer, tiny_llama

    state = process_state()
    tokenizer = char_tokenizer()
    record: dict = {"world": state.num_processes, "generations": [], "losses": []}
    rounds_found: list[int] = []

    informative = dynamic_sampling.informative_groups

    def counted(rewards, num_generations, tol=1e-6):
        found = informative(rewards, num_generations, tol)
        rounds_found.append(int(found.sum()))
        return found

    dynamic_sampling.informative_groups = counted

    class Recording(DynamicSamplingGRPOTrainer):
        def _generate_and_score_completions(self, inputs):
            training = self.model.training
            rounds_found.clear()
            batch = super()._generate_and_score_completions(inputs)
            if training:
                prompts = tokenizer.batch_decode(batch["prompt_ids"], skip_special_tokens=True)
                completions = tokenizer.batch_decode(batch["completion_ids"], skip_special_tokens=True)
                rewards = accuracy(prompts, completions)
                record["generations"].append(
                    {
                        "rows": len(prompts),
                        "groups": [
                            {"prompts": prompts[i : i + G], "rewards": rewards[i : i + G]}
                            for i in range(0, len(prompts), G)
                        ],
                        "found_per_round": list(rounds_found),
                        "rounds": self._metrics["train"]["dynamic_sampling/rounds"][-1],
                    }
                )
            return batch

        def _compute_loss(self, model, inputs):
            prompts = tokenizer.batch_decode(inputs["prompt_ids"], skip_special_tokens=True)
            record["losses"].append({"prompts": prompts, "all_nonzero": bool((inputs["advantages"].abs() > 0).all())})
            return super()._compute_loss(model, inputs)

    args = DynamicSamplingConfig(
        output_dir=str(out / "run"),
        max_steps=3,
        per_device_train_batch_size=8,
        gradient_accumulation_steps=2,
        steps_per_generation=2,
        num_generations=G,
        max_completion_length=3,
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
        logging_steps=1,
        dynamic_sampling_max_rounds=50,
    )
    torch.manual_seed(0)
    data = Dataset.from_list([{"prompt": f"{d}:"} for d in range(10)])
    trainer = Recording(
        model=tiny_llama(tokenizer, seed=0),
        processing_class=tokenizer,
        reward_funcs=accuracy,
        args=args,
        train_dataset=data,
    )
    trainer.train()
    record["global_step"] = trainer.state.global_step
    out.mkdir(parents=True, exist_ok=True)
    (out / f"rank{state.process_index}.json").write_text(json.dumps(record, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
