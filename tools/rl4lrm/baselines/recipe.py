"""What a recipe file holds, how it is read and checked, and how command-line overrides apply to it.

A recipe is ``baselines/recipes/<algorithm>/<preset>.yaml``: one self-contained file per preset. Reading it
imports only pydantic and PyYAML; the trainer's config class is checked later by ``build_config``
(rl4lrm.baselines.trainers), still before any model is built. Every problem names file, line and field.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..kb.catalog import preset_files
from ..kb.problems import DataError, Problem, dotted, pydantic_problems, relative
from ..kb.safeyaml import Loaded, YamlProblem, load_mapping, load_text, read_input
from ..kb.schema import RecipeId, Text
from .registry import PRESETS, TRAINERS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TinyModel(_Strict):
    """Size of the built-in character-level Llama."""

    hidden_size: int = Field(64, ge=8, description="width of the hidden layers")
    layers: int = Field(2, ge=1, description="number of decoder layers")


class ModelSpec(_Strict):
    """The policy: 'tiny-char-llama' (built locally), a local folder or a Hugging Face hub id."""

    name: str = Field(description="'tiny-char-llama' (built locally), a local folder or a Hugging Face hub id")
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = Field(
        "auto", description="dtype the weights are loaded in; auto keeps the checkpoint's"
    )
    tiny: TinyModel | None = Field(None, description="tiny-char-llama only: its size")
    warmup_sft_steps: int = Field(0, ge=0, description="supervised steps on task answers before RL (toy tasks)")
    warmup_learning_rate: float = Field(3e-3, gt=0, description="learning rate of those supervised steps")


class TaskSpec(_Strict):
    """Where prompts and reference answers come from (see rl4lrm.baselines.tasks)."""

    name: Literal["copy", "arithmetic", "countdown", "gsm8k", "math"] = Field(
        description="copy, arithmetic and countdown are generated; gsm8k and math are read from the hub or path"
    )
    train_size: int | None = Field(None, ge=1, description="generated tasks: rows to make; datasets: rows to keep")
    eval_size: int = Field(100, ge=1, description="held-out prompts, never trained on")
    seed: int = Field(0, description="generated tasks: seed of the training rows (held-out rows use seed + 10000)")
    digits: int = Field(2, ge=1, le=6, description="arithmetic: digits per operand")
    numbers: int = Field(3, ge=2, le=6, description="countdown: how many numbers to combine")
    path: str | None = Field(None, description="gsm8k/math: a local .jsonl/.json/.parquet file instead of the hub")
    chat: bool = Field(False, description="wrap prompts as chat messages (instruct models)")


class RewardSpec(_Strict):
    """One reward function and its weight (see rl4lrm.baselines.rewards)."""

    name: Literal["accuracy", "format", "soft_overlong"] = Field(
        description="accuracy: 1 for a correct answer (math-verify for GSM8K/MATH); format: 1 for a well-formed "
        "answer; soft_overlong: DAPO's length penalty"
    )
    weight: float = Field(1.0, description="weight of this reward in the sum")
    max_length: int | None = Field(None, ge=1, description="soft_overlong: L_max")
    cache: int | None = Field(None, ge=0, description="soft_overlong: L_cache")

    @model_validator(mode="after")
    def _overlong_lengths(self) -> RewardSpec:
        if self.name == "soft_overlong" and (self.max_length is None or self.cache is None):
            raise ValueError("must set max_length and cache for soft_overlong")
        return self


class Setting(_Strict):
    """A trainer config field that makes the algorithm what it is, with the paper passage it comes from."""

    value: Any = Field(description="the trainer config field's value")
    source: Text = Field(description="where it comes from: the paper and its section or equation")


class PreferenceSpec(_Strict):
    """DPO: how preference pairs are built from policy samples scored by the verifiable reward."""

    samples_per_prompt: int = Field(8, ge=2, description="completions sampled per prompt, then paired")
    max_new_tokens: int = Field(8, ge=1, description="length limit of each sample")
    temperature: float = Field(1.0, gt=0, description="sampling temperature")
    prompts: int = Field(256, ge=1, description="prompts sampled to build pairs")
    batch_size: int = Field(
        4, ge=1, description="prompts per generate call (each with samples_per_prompt samples): bounds the KV cache"
    )


class EvalSpec(_Strict):
    """Held-out evaluation: greedy accuracy, pass@1 averaged over k samples and pass@k, sampling settings pinned."""

    k: int = Field(4, ge=1, description="samples per prompt for pass@1 and pass@k")
    temperature: float = Field(1.0, ge=0, description="sampling temperature of the k samples")
    top_p: float = Field(1.0, gt=0, le=1, description="nucleus sampling of the k samples")
    max_new_tokens: int = Field(8, ge=1, description="length limit of every answer")
    benchmarks: list[Literal["heldout", "gsm8k", "math-500", "aime-2024"]] = Field(
        default_factory=lambda: ["heldout"], description="what `rl4lrm baseline eval` runs; heldout is the task's split"
    )
    backend: Literal["auto", "transformers", "vllm"] = Field(
        "auto", description="auto: vLLM when it is installed and a GPU is visible, else transformers generate"
    )


class LaunchSpec(_Strict):
    """How the run is launched: processes, machines and the shared accelerate config it needs."""

    accelerate_config: str | None = Field(None, description="file name in baselines/accelerate/")
    num_processes: int = Field(1, ge=1, description="processes per machine")
    num_machines: int = Field(1, ge=1, description="machines (nodes) of a multi-node launch")
    vllm_server: bool = Field(False, description="start `trl vllm-serve` on a separate node (multinode)")
    vllm_tensor_parallel_size: int = Field(
        1, ge=1, description="vllm_server: GPUs per model replica on the vLLM node (a 32B model needs 2 on 80 GB)"
    )
    vllm_data_parallel_size: int = Field(8, ge=1, description="vllm_server: model replicas on the vLLM node")
    vllm_max_model_len: int | None = Field(
        None, ge=1, description="vllm_server: longest sequence vLLM serves (prompt + completion); bounds its KV cache"
    )
    gpus_per_node: int = Field(8, ge=1, description="GPUs of each node (the vLLM node's replicas must fit on it)")

    @model_validator(mode="after")
    def _vllm_node_fits(self) -> LaunchSpec:
        used = self.vllm_tensor_parallel_size * self.vllm_data_parallel_size
        if self.vllm_server and used > self.gpus_per_node:
            raise ValueError(
                f"vllm_tensor_parallel_size × vllm_data_parallel_size = {used} GPUs, more than gpus_per_node "
                f"({self.gpus_per_node})"
            )
        return self


class Recipe(_Strict):
    """One preset of one algorithm: everything needed to run it, and which papers it reproduces."""

    papers: list[RecipeId] = Field(
        min_length=1,
        description="ids of the paper records this recipe reproduces (each record lists the recipe in its "
        "`baselines`; `rl4lrm validate` checks both ways)",
    )
    algorithm: RecipeId = Field(description="the algorithm: must be the name of the recipe's folder")
    preset: str = Field(description=f"must be the file name: one of {', '.join(PRESETS)}")
    description: Text = Field(description="one line: what the algorithm does")
    trainer: str = Field(
        description=f"one of {', '.join(TRAINERS)}: TRL's trainers or ours (tools/rl4lrm/baselines/registry.py)"
    )
    model: ModelSpec = Field(description="the starting policy")
    task: TaskSpec = Field(description="prompts and reference answers")
    rewards: list[RewardSpec] = Field(min_length=1, description="reward functions, summed with their weights")
    global_batch_size: int = Field(
        ge=1,
        description="completions per optimizer step over all processes (pairs for DPO and online DPO); must equal "
        "per-device batch × accumulation × processes × machines (batch_size × num_generations / num_mini_batches "
        "for PPO and REINFORCE++)",
    )
    defining: dict[str, Setting] = Field(
        default_factory=dict,
        description="the trainer config fields that make the algorithm, by name, each with its paper source",
    )
    config: dict[str, Any] = Field(
        default_factory=dict, description="every other field of the trainer's config class (e.g. TRL's GRPOConfig)"
    )
    preferences: PreferenceSpec | None = Field(None, description="DPO only: how preference pairs are built")
    eval: EvalSpec = Field(default_factory=EvalSpec, description="held-out evaluation, sampling settings pinned")
    launch: LaunchSpec = Field(default_factory=LaunchSpec, description="processes, machines, accelerate config")

    @field_validator("preset")
    @classmethod
    def _known_preset(cls, value: str) -> str:
        if value not in PRESETS:
            raise ValueError(f"must be one of {', '.join(PRESETS)}")
        return value

    @field_validator("trainer")
    @classmethod
    def _known_trainer(cls, value: str) -> str:
        if value not in TRAINERS:
            raise ValueError(f"must be one of {', '.join(TRAINERS)} (unknown trainer '{value}')")
        return value

    def trainer_config(self) -> dict[str, Any]:
        """The trainer config fields: `config` plus the value of every `defining` setting."""
        return {**self.config, **{key: setting.value for key, setting in self.defining.items()}}

    def world_size(self) -> int:
        """Training processes over all machines."""
        return self.launch.num_processes * self.launch.num_machines

    def batches(self) -> Batches:
        """Completions per rollout and per optimizer step, and optimizer steps per rollout, from config and launch."""
        values = self.trainer_config()
        if "batch_size" in values:  # rollout trainers (PPO, REINFORCE++): batch_size prompts x num_generations
            per_rollout = int(values["batch_size"]) * int(values.get("num_generations", 1))
            mini_batches = int(values.get("num_mini_batches", 1))
            return Batches(
                per_rollout, per_rollout // mini_batches, mini_batches * int(values.get("num_ppo_epochs", 1))
            )
        world = self.world_size()
        per_device = int(values.get("per_device_train_batch_size", 8))
        accumulation = int(values.get("gradient_accumulation_steps", 1))
        per_step = per_device * accumulation * world
        if self.trainer == "dpo":  # pairs built once before training: no rollouts
            return Batches(None, per_step, None)
        if self.trainer == "online-dpo":  # every step samples a pair (two completions) for each of its prompts
            return Batches(2 * per_step, per_step, 1)
        if values.get("generation_batch_size"):
            per_rollout = int(values["generation_batch_size"])
        else:
            per_rollout = per_device * world * int(values.get("steps_per_generation") or accumulation)
        steps = per_rollout // per_step * int(values.get("num_iterations", 1))
        return Batches(per_rollout, per_step, steps)

    def per_step_batch(self) -> int:
        """Completions (pairs for DPO) per optimizer step implied by the config and the launch."""
        return self.batches().per_optimizer_step


class Batches(NamedTuple):
    """The batch arithmetic of a recipe (None where a trainer has no rollouts)."""

    per_rollout: int | None  # completions sampled per rollout (before any filtering)
    per_optimizer_step: int  # completions (pairs for DPO and online DPO) in one optimizer step, all processes
    optimizer_steps_per_rollout: int | None  # updates taken on each rollout (num_iterations passes included)


class RecipeFile(BaseModel):
    """A recipe as read: the model, where it came from, and the line of each field."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    recipe: Recipe
    name: str
    path: Path
    loaded: Loaded

    def line(self, *path: str | int) -> int:
        return self.loaded.line_of(tuple(path))

    def problem(self, field: tuple[str | int, ...], rule: str, message: str, hint: str = "") -> Problem:
        return Problem(self.name, self.line(*field), dotted(field), rule, message, hint)


def recipe_path(algorithm: str, preset: str, recipes: Path) -> Path:
    """The file of algorithm/preset; DataError with a suggestion when either is unknown."""
    algorithms = sorted(p.name for p in recipes.iterdir() if p.is_dir()) if recipes.is_dir() else []
    if algorithm not in algorithms:
        close = difflib.get_close_matches(algorithm, algorithms, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "known: " + ", ".join(algorithms)
        raise DataError(
            [
                Problem(
                    relative(recipes),
                    0,
                    "algorithm",
                    "unknown-algorithm",
                    f"no algorithm '{algorithm}' in baselines/recipes/",
                    hint,
                )
            ]
        )
    path = recipes / algorithm / f"{preset}.yaml"
    if not path.is_file():
        presets = [p.stem for p in preset_files(recipes / algorithm)]
        raise DataError(
            [
                Problem(
                    relative(path),
                    0,
                    "preset",
                    "unknown-preset",
                    f"no preset '{preset}' for {algorithm}",
                    "known: " + ", ".join(presets),
                )
            ]
        )
    return path


def parse_override(text: str) -> tuple[tuple[str, ...], Any]:
    """'config.learning_rate=1e-4' -> (('config', 'learning_rate'), 0.0001); values are YAML scalars or lists.

    A bare key (no dot) that is not a top-level recipe field (rewards, global_batch_size, ...) means a trainer
    config field: it replaces a `defining` setting's value when one has that name, else it goes into `config`.
    """
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise DataError(
            [
                Problem(
                    "command line",
                    0,
                    text,
                    "override-syntax",
                    "overrides are key=value",
                    "e.g. max_steps=3 or task.train_size=64",
                )
            ]
        )
    try:
        value = load_text(raw, "command line", floats=True).data if raw.strip() else ""
    except YamlProblem:
        value = raw
    return tuple(key.strip().split(".")), value


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """A copy of the raw recipe mapping with each key=value override set."""
    import copy

    out = copy.deepcopy(data)
    for text in overrides:
        path, value = parse_override(text)
        if len(path) == 1 and path[0] not in Recipe.model_fields:
            defining = out.get("defining") or {}
            if isinstance(defining, dict) and isinstance(defining.get(path[0]), dict):
                path = ("defining", path[0], "value")
            else:
                path = ("config", path[0])
        node = out
        for part in path[:-1]:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        node[path[-1]] = value
    return out


def _consistency(file: RecipeFile, stem: str | None, folder: str | None) -> list[Problem]:
    rec = file.recipe
    out = []
    if folder is not None and rec.algorithm != folder:
        out.append(
            file.problem(
                ("algorithm",), "recipe-algorithm", f"algorithm '{rec.algorithm}' does not match its folder '{folder}'"
            )
        )
    if stem is not None and rec.preset != stem:
        out.append(
            file.problem(
                ("preset",), "recipe-preset", f"preset '{rec.preset}' does not match the file name '{stem}.yaml'"
            )
        )
    for key in sorted(set(rec.defining) & set(rec.config)):
        out.append(
            file.problem(
                ("config", key),
                "recipe-duplicate-setting",
                f"'{key}' is set in both defining and config",
                "keep it in defining",
            )
        )
    implied = rec.per_step_batch()
    if implied != rec.global_batch_size:
        out.append(
            file.problem(
                ("global_batch_size",),
                "recipe-batch",
                f"is {rec.global_batch_size} but config and launch give {implied} per optimizer step",
                "batch_size × num_generations / num_mini_batches"
                if "batch_size" in rec.trainer_config()
                else "per_device_train_batch_size × gradient_accumulation_steps × processes × machines",
            )
        )
    if rec.preferences is not None and TRAINERS[rec.trainer].needs_pairs is False:
        out.append(
            file.problem(
                ("preferences",), "recipe-preferences", f"trainer '{rec.trainer}' does not use preference pairs"
            )
        )
    if TRAINERS[rec.trainer].needs_pairs and rec.preferences is None:
        out.append(
            file.problem(("trainer",), "recipe-preferences", f"trainer '{rec.trainer}' needs a preferences section")
        )
    return out


def parse_recipe(text: str, name: str, path: Path | None = None, overrides: list[str] | None = None) -> RecipeFile:
    """Parse and check a recipe from YAML text; raise DataError listing every problem found."""
    loaded = load_mapping(text, name, "recipe-shape", "a recipe", floats=True)  # safe, keeps line numbers
    data = loaded.data
    data = apply_overrides(data, overrides or [])
    try:
        recipe = Recipe.model_validate(data)
    except ValidationError as exc:
        raise DataError(pydantic_problems(exc, name, loaded, Recipe)) from None
    file = RecipeFile(recipe=recipe, name=name, path=path or Path(name), loaded=Loaded(data, loaded.lines))
    stem = path.stem if path else None
    folder = path.parent.name if path and path.parent.parent.name == "recipes" else None
    problems = _consistency(file, stem, folder)
    if problems:
        raise DataError(problems)
    return file


def load_recipe(path: Path, overrides: list[str] | None = None, root: Path | None = None) -> RecipeFile:
    """Read baselines/recipes/<algorithm>/<preset>.yaml (overrides applied); DataError on any problem."""
    name = relative(path, root)
    text = read_input(path, name, "recipe-missing", "no such recipe file")
    return parse_recipe(text, name, path, overrides)


def all_recipes(recipes: Path) -> list[Path]:
    """Every recipe file, sorted by algorithm then preset order."""
    order = {preset: i for i, preset in enumerate(PRESETS)}
    paths = [p for folder in sorted(recipes.iterdir()) if folder.is_dir() for p in preset_files(folder)]
    return sorted(paths, key=lambda p: (p.parent.name, order.get(p.stem, len(order)), p.stem))


def recipe_rows(recipes: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """One row per recipe file (algorithm, preset, trainer, papers, model, task, path) and the unreadable ones."""
    rows: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for path in all_recipes(recipes):
        try:
            rec = load_recipe(path).recipe
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        rows.append(
            {
                "algorithm": rec.algorithm,
                "preset": rec.preset,
                "trainer": rec.trainer,
                "papers": rec.papers,
                "model": rec.model.name,
                "task": rec.task.name,
                "recipe": path.relative_to(recipes.parent.parent).as_posix(),
            }
        )
    return rows, problems
