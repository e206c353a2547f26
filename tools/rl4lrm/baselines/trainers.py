"""Trainer configs and builders: a recipe's config section becomes the real TRL config object, then a trainer.

``build_config`` is the check that keeps recipes honest: every key must be a field of the installed config
class (a field renamed in a TRL release fails here, naming the recipe line), values must have the field's
type, and the class's own checks (``__post_init__``) run. Builders follow the contract in registry.py.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from typing import Any

from ..kb.problems import DataError
from .job import Job
from .recipe import RecipeFile
from .registry import TRAINERS, resolve


def config_class(trainer: str) -> type:
    """The config dataclass of a trainer named in registry.TRAINERS."""
    return typing.cast(type, resolve(TRAINERS[trainer].config_class))


def _type_problem(cls: type, key: str, value: Any) -> str | None:
    """Why value does not fit the field's annotation, or None (also None when the annotation is not checkable)."""
    from pydantic import TypeAdapter, ValidationError

    try:
        hint = typing.get_type_hints(cls)[key]
        adapter = TypeAdapter(hint)
    except Exception:  # annotations pydantic cannot express (forward refs, torch types): the class checks it
        return None
    try:
        adapter.validate_python(value)
    except ValidationError as exc:
        return exc.errors(include_url=False)[0]["msg"].lower()
    return None


def config_values(file: RecipeFile, output_dir: str, reward_weights: list[float] | None = None) -> dict[str, Any]:
    """The keyword arguments for the config class, checked field by field; DataError naming the recipe lines."""
    recipe = file.recipe
    cls = config_class(recipe.trainer)
    fields = {f.name for f in dataclasses.fields(cls) if f.init}
    problems = []
    values = recipe.trainer_config()
    for key, value in values.items():
        where = ("defining", key, "value") if key in recipe.defining else ("config", key)
        if key not in fields:
            close = difflib.get_close_matches(key, sorted(fields), n=1)
            problems.append(
                file.problem(
                    where[:2],
                    "trainer-config-field",
                    f"'{key}' is not a field of {cls.__module__}.{cls.__name__}",
                    f"did you mean '{close[0]}'?" if close else "",
                )
            )
            continue
        why = _type_problem(cls, key, value)
        if why:
            problems.append(file.problem(where, "trainer-config-type", f"{why}, got {value!r}"))
    if problems:
        raise DataError(problems)
    if "output_dir" in fields:
        values["output_dir"] = output_dir
    if reward_weights is not None and "reward_weights" in fields and "reward_weights" not in values:
        values["reward_weights"] = reward_weights
    return values


def build_config(
    file: RecipeFile, output_dir: str, reward_weights: list[float] | None = None, check_only: bool = False
) -> Any:
    """Instantiate the trainer's config class from the recipe; DataError (file, line, field) on any problem.

    check_only: validating a GPU recipe on a machine without one; ``use_cpu`` is forced on so that the
    config's own device checks (bf16 needs a GPU unless use_cpu) do not fail for want of hardware.
    """
    import os
    import warnings

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    values = config_values(file, output_dir, reward_weights)
    cls = config_class(file.recipe.trainer)
    if check_only and "use_cpu" in {f.name for f in dataclasses.fields(cls)}:
        import torch

        if not torch.cuda.is_available():
            values["use_cpu"] = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            config = cls(**values)
    except (TypeError, ValueError, ImportError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(
            [file.problem(("config",), "trainer-config", f"{cls.__name__} refuses it: {message}")]
        ) from None
    problems = trainer_refusals(file, config)
    if problems:
        raise DataError(problems)
    return config


def trainer_refusals(file: RecipeFile, config: Any) -> list:
    """What TRL's trainer (not its config class) would refuse once the model is loaded, found from the config."""
    problems = []
    if (
        getattr(config, "loss_type", None) == "vespo"
        and getattr(config, "use_vllm", False)
        and getattr(config, "vllm_importance_sampling_correction", False)
        and config.vllm_importance_sampling_mode not in ("token_truncate", "token_mask")
    ):
        where = ("config", "vllm_importance_sampling_mode")
        problems.append(
            file.problem(
                where if "vllm_importance_sampling_mode" in file.recipe.config else ("config",),
                "trainer-config",
                f"GRPOTrainer refuses loss_type 'vespo' with vLLM and vllm_importance_sampling_mode "
                f"'{config.vllm_importance_sampling_mode}'",
                "set vllm_importance_sampling_mode: token_truncate (or token_mask)",
            )
        )
    return problems


def _dataset(rows: list[dict[str, Any]]) -> Any:
    from datasets import Dataset

    return Dataset.from_list([{k: v for k, v in row.items() if k != "key"} for row in rows])


def reward_trainer(trainer_class: Any, job: Job) -> Any:
    """A TRL trainer that samples from the task's prompts and scores with the recipe's reward functions."""
    return trainer_class(
        model=job.model,
        reward_funcs=job.reward_funcs,
        args=job.config,
        train_dataset=_dataset(job.train_rows),
        processing_class=job.tokenizer,
        callbacks=job.callbacks,
    )


def build_grpo(job: Job) -> Any:
    """trl.GRPOTrainer on the task's prompts with the recipe's verifiable rewards."""
    from trl import GRPOTrainer

    return reward_trainer(GRPOTrainer, job)


def build_gmpo(job: Job) -> Any:
    """trl.experimental.gmpo.GMPOTrainer: GRPOTrainer with GMPO's loss (everything else inherited unchanged)."""
    from trl.experimental.gmpo import GMPOTrainer

    return reward_trainer(GMPOTrainer, job)


def build_rloo(job: Job) -> Any:
    """trl.RLOOTrainer (leave-one-out baseline over num_generations samples per prompt)."""
    from trl import RLOOTrainer

    return reward_trainer(RLOOTrainer, job)


def build_dpo(job: Job) -> Any:
    """trl.DPOTrainer on preference pairs built from the policy's own samples (see preferences.py)."""
    from trl import DPOTrainer

    from .preferences import preference_pairs

    spec = job.recipe.preferences
    pairs = preference_pairs(
        job.model, job.tokenizer, job.train_rows, spec, job.reward_funcs, job.reward_weights, seed=job.recipe.task.seed
    )
    job.log(0, {"pairs": float(len(pairs)), "pair_prompts": float(spec.prompts)})
    if not pairs:
        raise DataError(
            [
                job.file.problem(
                    ("preferences",),
                    "dpo-no-pairs",
                    "no prompt had samples with different rewards, so there is nothing to prefer",
                    "raise samples_per_prompt or temperature, or warm the model up first",
                )
            ]
        )
    from datasets import Dataset

    return DPOTrainer(
        model=job.model,
        args=job.config,
        train_dataset=Dataset.from_list(pairs),
        processing_class=job.tokenizer,
        callbacks=job.callbacks,
    )
