"""The design space as data: the choices that define each algorithm, one design.yaml per algorithm folder.

``baselines/recipes/<algorithm>/design.yaml`` states, dimension by dimension, what the algorithm does (advantage
estimator and baseline, reward normalisation, loss aggregation, ratio level, clipping, KL and its estimator, critic,
off-policy updates per rollout, sampling filter, length handling), each choice with the paper passage it comes from.
The number of off-policy updates is not written twice: the file says ``from-recipe`` and the number is read from the
algorithm's 8xgpu preset (``Recipe.batches()``).

``rl4lrm baseline check`` validates every file (every dimension declared, values from the allowed lists of
``Design``, problems at file:line:field with a hint) and checks the stated choices against what the 8xgpu preset's
trainer config runs, where the config decides them (``implied_choices``). ``rl4lrm baseline compare`` renders one
table of all algorithms × dimensions; ``rl4lrm baseline pages`` writes it to baselines/results/algorithms_compared.md.
Reading and rendering import only pydantic and PyYAML; the recipe cross-check reads TRL's config defaults.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import typing
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..kb.catalog import DESIGN_FILE
from ..kb.problems import DataError, Problem, dotted, pydantic_problems, relative
from ..kb.safeyaml import Loaded, load_mapping, read_input
from ..kb.schema import RecipeId, Text
from .recipe import RecipeFile, load_recipe

T = TypeVar("T")
REFERENCE_PRESET = "8xgpu"  # the preset whose batches give the off-policy updates and whose config is cross-checked
FROM_RECIPE = "from-recipe"
COMPARED_PAGE = "algorithms_compared.md"  # in baselines/results/


class Choice(BaseModel, Generic[T]):
    """One design choice: its value and the paper passage it comes from."""

    model_config = ConfigDict(extra="forbid")

    value: T = Field(description="the choice: one of the dimension's allowed values")
    source: Text = Field(description="where it comes from: the paper and its section, equation or table")


class Design(BaseModel):
    """What defines one algorithm, dimension by dimension (the fields after `algorithm`, in table order)."""

    model_config = ConfigDict(extra="forbid")

    algorithm: RecipeId = Field(description="the algorithm: must be the name of the design file's folder")
    advantage_estimator: Choice[
        Literal["group-relative", "group-relative-per-reward", "leave-one-out", "gae", "return-to-go", "pairwise"]
    ] = Field(
        title="Advantage",
        description="how a sample's advantage is estimated: group-relative (reward against its group), "
        "group-relative-per-reward (each reward against its group, then summed), leave-one-out (against the other "
        "k−1 samples), gae (GAE over a learned value), return-to-go (sum of later token rewards), pairwise "
        "(preference pairs: no advantage, chosen against rejected)",
    )
    baseline: Choice[Literal["group-mean", "leave-one-out-mean", "critic", "batch-mean", "paired-sample", "none"]] = (
        Field(
            title="Baseline",
            description="what is subtracted from the reward: the group's mean, the mean of the other samples, a "
            "learned value, the batch mean, the other sample of the pair, or nothing",
        )
    )
    reward_normalisation: Choice[Literal["group", "batch", "per-reward-group-then-batch", "none"]] = Field(
        title="Reward normalisation",
        description="how advantages are scaled: by the group's std, by the batch's std (whitening), each reward "
        "by its group's std then the weighted sum by the batch's, or not at all",
    )
    loss_aggregation: Choice[Literal["token", "sequence", "group", "constant", "length-weighted-sequence", "pair"]] = (
        Field(
            title="Loss aggregation",
            description="how token terms become the loss: token (every token of the batch weighs the same), sequence "
            "(one term per answer, its tokens averaged or its log-probs summed, then the mean over answers), group "
            "(each group weighs the same), constant (sum "
            "over tokens divided by a fixed length), length-weighted-sequence (one term per answer times its length), "
            "pair (one term per preference pair)",
        )
    )
    ratio_level: Choice[Literal["token", "sequence", "none"]] = Field(
        title="Ratio level",
        description="where the importance ratio π_θ/π_old lives: per token, one per answer (a product or "
        "geometric mean of token ratios), or none (on-policy or offline loss without a ratio)",
    )
    clipping: Choice[
        Literal[
            "symmetric", "clip-higher", "token-log-space", "soft-gate", "weight-clipping", "weight-reshaping", "none"
        ]
    ] = Field(
        title="Clipping",
        description="how updates are kept near the sampling policy: symmetric ratio clip (1 ± ε), clip-higher "
        "(ε_high > ε_low), token-log-space (each token's log-ratio clipped before a geometric mean), soft-gate (a "
        "smooth gate instead of a clip), weight-clipping (the detached IS weight is clipped, not the update), "
        "weight-reshaping (a smooth detached function of the IS weight), none",
    )
    kl: Choice[Literal["none", "in-reward", "in-loss", "implicit"]] = Field(
        title="KL",
        description="where the KL to the reference policy enters: nowhere, subtracted from the reward, added to "
        "the loss, or implicit (the loss is built from log-ratios to the reference, as DPO's)",
    )
    kl_estimator: Choice[Literal["none", "k1", "k3", "k3-is-corrected", "sequence-log-ratio"]] = Field(
        title="KL estimator",
        description="how the KL is estimated: none, k1 (log π − log π_ref per token), k3 (π_ref/π − log(π_ref/π) − 1), "
        "k3 times the importance ratio (unbiased under off-policy samples), or the answer's summed log-ratio",
    )
    critic: Choice[bool] = Field(title="Critic", description="whether a learned value model is trained")
    off_policy_updates: Choice[Literal["from-recipe"]] = Field(
        title="Updates / rollout",
        description="optimizer updates taken on each rollout: always 'from-recipe', the number is read from the "
        "8xgpu preset (Recipe.batches()); the source says where the paper's setting comes from",
    )
    sampling_filter: Choice[Literal["none", "dynamic-sampling", "tied-pairs-dropped"]] = Field(
        title="Sampling filter",
        description="which samples are dropped before the update: none, dynamic-sampling (groups whose rewards "
        "are all equal, resampled until the batch is full), tied-pairs-dropped (preference pairs with equal rewards)",
    )
    length_handling: Choice[
        Literal[
            "none",
            "overlong-filtering",
            "soft-overlong-punishment",
            "overlong-filtering+soft-punishment",
            "length-unbiased",
        ]
    ] = Field(
        title="Length handling",
        description="what the algorithm does about answer length: nothing, masks truncated answers out of the "
        "loss, penalises answers near the limit, both, or removes the loss's length bias by its normaliser",
    )


DIMENSIONS = [name for name in Design.model_fields if name != "algorithm"]


def allowed_values(dimension: str) -> list[Any]:
    """The allowed values of one dimension, in declaration order."""
    choice = Design.model_fields[dimension].annotation
    value = typing.cast(type[BaseModel], choice).model_fields["value"].annotation
    return list(typing.get_args(value)) if typing.get_origin(value) is Literal else [True, False]


class DesignFile(BaseModel):
    """A design file as read: the model, where it came from, and the line of each field."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    design: Design
    name: str
    path: Path
    loaded: Loaded

    def problem(self, field: tuple[str | int, ...], rule: str, message: str, hint: str = "") -> Problem:
        return Problem(self.name, self.loaded.line_of(field), dotted(field), rule, message, hint)


def _with_hints(problems: list[Problem], data: Any) -> list[Problem]:
    """Hints for the two common mistakes: a dimension left out, a value not in the allowed list."""
    out = []
    for problem in problems:
        parts = problem.field.split(".")
        dimension = parts[0]
        if dimension in DIMENSIONS and problem.rule == "schema-missing" and len(parts) == 1:
            allowed = ", ".join(str(v) for v in allowed_values(dimension))
            hint = f"every dimension is declared: add '{dimension}:' with 'value:' (one of {allowed}) and 'source:'"
            problem = dataclasses.replace(problem, hint=hint)
        elif dimension in DIMENSIONS and parts[1:] == ["value"]:
            allowed = [str(v) for v in allowed_values(dimension)]
            if problem.rule == "schema-missing":
                problem = dataclasses.replace(problem, hint="one of " + ", ".join(allowed))
            elif problem.rule.startswith("schema-literal"):
                got = data[dimension].get("value")
                close = difflib.get_close_matches(str(got), allowed, n=1)
                hint = (f"did you mean '{close[0]}'? " if close else "") + "allowed: " + ", ".join(allowed)
                problem = dataclasses.replace(problem, message=f"unknown value '{got}'", hint=hint)
        out.append(problem)
    return out


def parse_design(text: str, name: str, path: Path | None = None) -> DesignFile:
    """Parse and check one design file from YAML text; DataError listing every problem found."""
    loaded = load_mapping(text, name, "design-shape", "a design file", floats=True)
    data = loaded.data
    try:
        design = Design.model_validate(data)
    except ValidationError as exc:
        raise DataError(_with_hints(pydantic_problems(exc, name, loaded, Design), data)) from None
    file = DesignFile(design=design, name=name, path=path or Path(name), loaded=loaded)
    folder = path.parent.name if path is not None else None
    if folder is not None and design.algorithm != folder:
        raise DataError(
            [
                file.problem(
                    ("algorithm",),
                    "design-algorithm",
                    f"algorithm '{design.algorithm}' does not match its folder '{folder}'",
                )
            ]
        )
    return file


def load_design(folder: Path, root: Path | None = None) -> DesignFile:
    """Read <folder>/design.yaml; DataError on any problem (a missing file included)."""
    path = folder / DESIGN_FILE
    name = relative(path, root)
    if not path.is_file():
        raise DataError(
            [
                Problem(
                    name,
                    0,
                    "",
                    "design-missing",
                    f"no {DESIGN_FILE} for algorithm '{folder.name}'",
                    "declare every dimension of the design space (see tools/rl4lrm/baselines/design.py)",
                )
            ]
        )
    return parse_design(read_input(path, name), name, path)


# --------------------------------------------------------------------------------------------------------------------
# The design against the recipe it describes
# --------------------------------------------------------------------------------------------------------------------
GRPO_FAMILY = {"grpo", "dapo-dynamic", "gmpo"}  # TRL's GRPOTrainer and its subclasses: the config decides the loss
_AGGREGATION = {
    "grpo": "sequence",
    "sapo": "sequence",
    "bnpo": "token",
    "dapo": "token",
    "cispo": "token",
    "vespo": "token",
    "dr_grpo": "constant",
    "luspo": "length-weighted-sequence",
}
_CLIPPING = {"sapo": "soft-gate", "cispo": "weight-clipping", "vespo": "weight-reshaping"}


def _trainer_values(recipe_file: RecipeFile) -> dict[str, Any]:
    """The reference preset's trainer config: the recipe's fields over the config class's defaults."""
    from .trainers import config_class

    cls = config_class(recipe_file.recipe.trainer)
    defaults = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            defaults[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            defaults[f.name] = f.default_factory()
    return {**defaults, **recipe_file.recipe.trainer_config()}


def implied_choices(recipe_file: RecipeFile) -> dict[str, tuple[Any, str]]:
    """The choices a preset's trainer config decides: dimension -> (value, why), for the dimensions it settles."""
    recipe = recipe_file.recipe
    trainer = recipe.trainer
    out: dict[str, tuple[Any, str]] = {"critic": (trainer == "ppo", f"trainer '{trainer}'")}
    if trainer not in GRPO_FAMILY:
        if trainer in ("rloo", "ppo", "reinforce-pp"):
            beta = recipe.trainer_config().get("beta")
            if beta is not None:
                out["kl"] = ("in-reward" if beta else "none", f"trainer '{trainer}' with beta {beta}")
        return out
    values = _trainer_values(recipe_file)
    loss, beta = values.get("loss_type"), values.get("beta", 0.0)
    gmpo = trainer == "gmpo"
    if gmpo or loss in _AGGREGATION:
        out["loss_aggregation"] = ("sequence" if gmpo else _AGGREGATION[loss], "GMPOTrainer" if gmpo else f"{loss=}")
    ratio = "sequence" if gmpo or loss == "vespo" else values.get("importance_sampling_level")
    out["ratio_level"] = (ratio, "GMPOTrainer" if gmpo else f"{loss=}, importance_sampling_level={ratio!r}")
    eps, eps_high = values.get("epsilon"), values.get("epsilon_high")
    if gmpo:
        out["clipping"] = ("token-log-space", "GMPOTrainer")
    else:
        clip = _CLIPPING.get(loss) or ("clip-higher" if eps_high is not None and eps_high > eps else "symmetric")
        out["clipping"] = (clip, f"{loss=}, epsilon={eps}, epsilon_high={eps_high}")
    out["kl"] = ("in-loss" if beta else "none", f"beta={beta}")
    estimator = "none" if not beta else "k3-is-corrected" if values.get("use_bias_correction_kl") else "k3"
    out["kl_estimator"] = (estimator, f"beta={beta}, use_bias_correction_kl={values.get('use_bias_correction_kl')}")
    several = len(recipe.rewards) > 1
    if several and values.get("multi_objective_aggregation") == "normalize_then_sum":
        out["reward_normalisation"] = (
            "per-reward-group-then-batch",
            "multi_objective_aggregation='normalize_then_sum'",
        )
        out["advantage_estimator"] = ("group-relative-per-reward", "multi_objective_aggregation='normalize_then_sum'")
    else:
        scale = {True: "group", False: "none"}.get(values.get("scale_rewards"), values.get("scale_rewards"))
        out["reward_normalisation"] = (scale, f"scale_rewards={scale!r}")
        out["advantage_estimator"] = ("group-relative", f"trainer '{trainer}'")
    out["baseline"] = ("group-mean", f"trainer '{trainer}'")
    out["sampling_filter"] = (
        "dynamic-sampling" if trainer == "dapo-dynamic" else "none",
        f"trainer '{trainer}'",
    )
    masked = bool(values.get("mask_truncated_completions"))
    soft = any(r.name == "soft_overlong" for r in recipe.rewards)
    if masked or soft:
        length = (
            "overlong-filtering+soft-punishment"
            if masked and soft
            else "overlong-filtering"
            if masked
            else ("soft-overlong-punishment")
        )
    else:
        length = "length-unbiased" if loss in ("luspo", "dr_grpo") and not gmpo else "none"
    out["length_handling"] = (length, f"mask_truncated_completions={masked}, soft_overlong reward={soft}, {loss=}")
    return out


def recipe_mismatches(design: DesignFile, recipe_file: RecipeFile) -> list[Problem]:
    """Where the design says one thing and the reference preset's trainer config runs another."""
    out = []
    for dimension, (value, why) in implied_choices(recipe_file).items():
        stated = getattr(design.design, dimension).value
        if stated != value:
            out.append(
                design.problem(
                    (dimension, "value"),
                    "design-recipe-mismatch",
                    f"says {json.dumps(stated)} but {recipe_file.name} runs {json.dumps(value)}",
                    f"from its trainer config: {why}",
                )
            )
    return out


def design_problems(folders: list[Path], root: Path, cross_check: bool = True) -> list[Problem]:
    """Every problem of the design files of the given algorithm folders (and, cross_check, against their recipes)."""
    problems: list[Problem] = []
    for folder in folders:
        try:
            design = load_design(folder, root)
            if cross_check:
                recipe = load_recipe(folder / f"{REFERENCE_PRESET}.yaml", root=root)
                problems.extend(recipe_mismatches(design, recipe))
        except DataError as exc:
            problems.extend(exc.problems)
    return problems


# --------------------------------------------------------------------------------------------------------------------
# The comparison table
# --------------------------------------------------------------------------------------------------------------------
def _updates(folder: Path, root: Path) -> tuple[int | None, str]:
    """Optimizer updates per rollout of the reference preset, and that preset's path."""
    file = load_recipe(folder / f"{REFERENCE_PRESET}.yaml", root=root)
    return file.recipe.batches().optimizer_steps_per_rollout, file.name


def comparison(recipes: Path, root: Path) -> list[dict[str, Any]]:
    """One row per algorithm folder: every dimension's value and source (updates per rollout from the recipe)."""
    rows, problems = [], []
    for folder in sorted(p for p in recipes.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            design = load_design(folder, root).design
            updates, preset = _updates(folder, root)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        dimensions: dict[str, dict[str, Any]] = {}
        for dimension in DIMENSIONS:
            choice = getattr(design, dimension)
            dimensions[dimension] = {"value": choice.value, "source": choice.source}
        dimensions["off_policy_updates"].update(value=updates, recipe=preset)
        rows.append({"algorithm": design.algorithm, "design": f"{relative(folder, root)}/{DESIGN_FILE}", **dimensions})
    if problems:
        raise DataError(problems)
    return rows


def _show(dimension: str, value: Any) -> str:
    if dimension == "critic":
        return "yes" if value else "no"
    if dimension == "off_policy_updates":
        return "– (offline)" if value is None else str(value)
    return str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(rows: list[dict[str, Any]]) -> str:
    """The page: one table of algorithms × dimensions, what each dimension means, and the source of every cell."""
    titles = [Design.model_fields[d].title or d for d in DIMENSIONS]
    lines = [
        "# Algorithms compared",
        "",
        "The choices that define each baseline algorithm, one row per algorithm, read from "
        f"`baselines/recipes/<algorithm>/{DESIGN_FILE}` (updates per rollout: from the algorithm's "
        f"{REFERENCE_PRESET} preset). Generated by `rl4lrm baseline pages` (also `rl4lrm baseline compare`); edit the "
        "design files, not this page. The paper source of every cell is listed below the table.",
        "",
        "| Algorithm | " + " | ".join(titles) + " |",
        "|---|" + "---|" * len(titles),
    ]
    for row in rows:
        cells = [_cell(_show(d, row[d]["value"])) for d in DIMENSIONS]
        lines.append(f"| {row['algorithm']} | " + " | ".join(cells) + " |")
    lines += ["", "## Dimensions", ""]
    for dimension, title in zip(DIMENSIONS, titles, strict=True):
        lines.append(f"- **{title}** (`{dimension}`): {Design.model_fields[dimension].description}.")
    lines += ["", "## Sources", ""]
    for row in rows:
        lines += [f"### {row['algorithm']}", ""]
        for dimension, title in zip(DIMENSIONS, titles, strict=True):
            cell = row[dimension]
            shown = _show(dimension, cell["value"])
            extra = f" (from {cell['recipe']})" if dimension == "off_policy_updates" else ""
            lines.append(f"- {title}: `{shown}`{extra}: {cell['source']}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def render_compared_page(recipes: Path, root: Path) -> tuple[str, str]:
    """(current text, generated text) of baselines/results/algorithms_compared.md (current: '' when missing)."""
    page = recipes.parent / "results" / COMPARED_PAGE
    old = page.read_text(encoding="utf-8") if page.is_file() else ""
    return old, render_markdown(comparison(recipes, root))
