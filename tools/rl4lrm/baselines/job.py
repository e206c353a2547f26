"""Everything a trainer builder receives (see rl4lrm.baselines.registry for the builder contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .metrics import MetricsLog
from .recipe import RecipeFile


@dataclass
class Job:
    """One run being set up: the checked recipe, the built config, policy, data and rewards.

    ``train_rows``/``eval_rows`` are task rows (rl4lrm.baselines.tasks); ``reward_funcs`` follow TRL's
    signature and ``reward_weights`` match them one to one. ``callbacks`` are transformers TrainerCallbacks
    (metrics logging and any the caller adds) for builders that return a ``transformers.Trainer``.
    """

    file: RecipeFile
    config: Any
    model: Any
    tokenizer: Any
    train_rows: list[dict[str, Any]]
    eval_rows: list[dict[str, Any]]
    reward_funcs: list[Any]
    reward_weights: list[float]
    output_dir: Path
    metrics: MetricsLog
    callbacks: list[Any] = field(default_factory=list)

    @property
    def recipe(self) -> Any:
        return self.file.recipe

    def log(self, step: int, metrics: dict[str, Any]) -> None:
        """Record one step's metrics (for trainers that are not transformers Trainers); only the main process
        writes, so a multi-process run logs each row once."""
        from .distributed import process_state

        if process_state().is_main_process:
            self.metrics.log(step, metrics)
