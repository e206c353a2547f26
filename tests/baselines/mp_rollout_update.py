"""One PPO `update()` on a fixed rollout, for test_multiprocess.py: run it alone, or under `accelerate launch`.

    python mp_rollout_update.py OUT [MICRO_BATCH_SIZE]
    accelerate launch --multi_gpu --num_processes 2 ... mp_rollout_update.py OUT [MICRO_BATCH_SIZE]

Every process builds the same 16-row rollout from fixed seeds and keeps its share (rows process_index × 16/P on):
the first 8 rows have 5 completion tokens each, the last 8 just 1, so under 2 processes the ranks hold 40 and 8
tokens. Each process writes OUT/rank<k>.pt: the gradients the optimizer stepped with (after DDP's all-reduce),
the parameters after the step, its token count and how many optimizer steps it took.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")

ROWS, PROMPT, WIDTH = 16, 3, 5


def main(out: Path, micro_batch_size: int | None) -> None:
    import torch

    from rl4lrm.baselines.distributed import process_state
    from rl4lrm.baselines.models import char_tokenizer, tiny_llama
    from rl4lrm.baselines.ppo import PPOConfig, PPOTrainer
    from rl4lrm.baselines.rewards import accuracy
    from rl4lrm.baselines.rollout import Rollout
    from rl4lrm.baselines.tasks import generate

    state = process_state()
    tokenizer = char_tokenizer()
    config = PPOConfig(
        batch_size=ROWS,
        max_completion_length=WIDTH,
        micro_batch_size=micro_batch_size,
        max_grad_norm=0.0,  # no clipping: compare the raw averaged gradient
        learning_rate=1e-3,
        seed=0,
    )
    trainer = PPOTrainer(tiny_llama(tokenizer, seed=0), tokenizer, generate("copy", 64, 0, digits=1), accuracy, config)

    # The whole rollout, the same on every process.
    gen = torch.Generator().manual_seed(123)
    lengths = torch.tensor([WIDTH] * (ROWS // 2) + [1] * (ROWS // 2))
    completion_mask = (torch.arange(WIDTH).expand(ROWS, WIDTH) < lengths.unsqueeze(1)).long()
    prompt_ids = torch.randint(3, len(tokenizer), (ROWS, PROMPT), generator=gen)
    completion_ids = torch.randint(3, len(tokenizer), (ROWS, WIDTH), generator=gen).masked_fill(completion_mask == 0, 0)
    input_ids = torch.cat([prompt_ids, completion_ids], dim=1)
    attention_mask = torch.cat([torch.ones_like(prompt_ids), completion_mask], dim=1)
    advantages = torch.randn(ROWS, WIDTH, generator=gen) * completion_mask
    returns = torch.randn(ROWS, WIDTH, generator=gen) * completion_mask
    with torch.no_grad():  # old log-probs and values of the starting model (ratio 1: no clipping at the first step)
        old_logps, old_values, _ = trainer._logps_values(trainer.model, input_ids, attention_mask, PROMPT, True)

    share = ROWS // state.num_processes
    mine = slice(state.process_index * share, (state.process_index + 1) * share)
    mask = completion_mask[mine].float()
    rollout = Rollout(
        input_ids=input_ids[mine],
        attention_mask=attention_mask[mine],
        prompt_length=PROMPT,
        completion_mask=mask,
        old_logps=old_logps[mine],
        ref_logps=old_logps[mine],
        scores=torch.zeros(share),
        old_values=old_values[mine],
        advantages=advantages[mine],
        returns=returns[mine],
    )

    params = [p for p in trainer.model.parameters() if p.requires_grad]
    inner = trainer.optimizer.optimizer
    original = inner.step
    stepped: list[list[torch.Tensor]] = []

    def step(*args, **kwargs):
        stepped.append([p.grad.detach().clone() for p in params])
        return original(*args, **kwargs)

    inner.step = step
    trainer.update(rollout)
    names = [n for n, p in trainer.model.named_parameters() if p.requires_grad]
    out.mkdir(parents=True, exist_ok=True)
    torch.save(
        {
            "world": state.num_processes,
            "tokens": float(mask.sum()),
            "optimizer_steps": len(stepped),
            "accumulation": trainer.accumulation,
            "names": [n.removeprefix("module.") for n in names],
            "grads": [g for g in stepped[-1]],
            "params": [p.detach().clone() for p in params],
        },
        out / f"rank{state.process_index}.pt",
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else None)
