"""The recipe runner under `accelerate launch`, recording per process what test_multiprocess.py checks.

    accelerate launch ... mp_probe.py PROBE_DIR --recipe FILE --output-dir DIR [key=value ...]

It runs `rl4lrm.baselines.run.main` unchanged, with counters around it, and writes PROBE_DIR/rank<k>.json:
the process group (world size, distributed type), every AdamW step taken (`optimizer_steps`, the supervised
warm-up included), the optimizer step count at the start of each rollout (`rollouts`, rollout trainers) or the
global step and optimizer step count at each generation (`generations`, TRL's GRPO family), and the count at the
end. Rollout trainers also write PROBE_DIR/policy_rank<k>.pt: the unwrapped policy's parameters as save_model
is called, to compare with what it saved.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")


def main() -> int:
    import torch
    from trl import GRPOTrainer

    from rl4lrm.baselines.distributed import process_state
    from rl4lrm.baselines.rollout import RolloutTrainer
    from rl4lrm.baselines.run import main as run_main

    probe, argv = Path(sys.argv[1]), sys.argv[2:]
    record: dict = {"optimizer_steps": 0, "rollouts": [], "generations": [], "model": None}

    adam_step = torch.optim.AdamW.step

    def counted_step(self, *args, **kwargs):
        record["optimizer_steps"] += 1
        return adam_step(self, *args, **kwargs)

    torch.optim.AdamW.step = counted_step

    rollout = RolloutTrainer.rollout

    def recorded_rollout(self):
        record["rollouts"].append(record["optimizer_steps"])
        record["model"] = type(self.model).__name__
        return rollout(self)

    RolloutTrainer.rollout = recorded_rollout

    save_model = RolloutTrainer.save_model

    def recorded_save(self, output_dir=None):
        state = {k: v.detach().clone() for k, v in self.policy.state_dict().items()}
        torch.save(state, probe / f"policy_rank{self.accelerator.process_index}.pt")
        return save_model(self, output_dir)

    RolloutTrainer.save_model = recorded_save

    prepare_inputs = GRPOTrainer._prepare_inputs

    def recorded_prepare(self, generation_batch):
        every = self.args.steps_per_generation * self.num_iterations
        if self.model.training and (self._step % every == 0 or self._buffered_inputs is None):
            record["generations"].append(
                {"global_step": self.state.global_step, "optimizer_steps": record["optimizer_steps"]}
            )
            record["model"] = type(self.model_wrapped).__name__
        return prepare_inputs(self, generation_batch)

    GRPOTrainer._prepare_inputs = recorded_prepare

    probe.mkdir(parents=True, exist_ok=True)
    rc = run_main(argv)
    state = process_state()
    record.update(world=state.num_processes, distributed_type=str(state.distributed_type), rc=rc)
    (probe / f"rank{state.process_index}.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return rc


if __name__ == "__main__":
    sys.exit(main())
