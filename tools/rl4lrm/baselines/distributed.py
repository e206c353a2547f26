"""The process group every part of a run shares (accelerate's PartialState), on the CPU where no accelerator is.

``PartialState()`` defaults to ``cpu=False``, and with that a multi-process launch on a machine without a GPU
(torchrun through ``accelerate launch --multi_gpu``, or mpirun through ``--cpu``) finds no backend: every process
gets a world of its own and runs the whole job, writing the same files. TRL's configs pass ``use_cpu`` when they
set the state up; the runner and the trainers here ask ``process_state`` so the first call gets it right too.
"""

from __future__ import annotations

from typing import Any


def process_state() -> Any:
    """The shared PartialState: gloo on the CPU when accelerate is told so (ACCELERATE_USE_CPU) or no GPU exists."""
    import torch
    from accelerate import PartialState
    from accelerate.utils import parse_flag_from_env

    cpu = parse_flag_from_env("ACCELERATE_USE_CPU") or torch.accelerator.current_accelerator() is None
    return PartialState(cpu=cpu)
