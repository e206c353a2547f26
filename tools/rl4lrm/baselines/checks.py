"""`rl4lrm baseline check`: every recipe parsed into its trainer config and launch set-up, no model built.

The design file of every algorithm folder checked (baselines/recipes/<algorithm>/design.yaml, rl4lrm.baselines.design)
is read and compared with its 8xgpu preset.

GPU presets (every preset but cpu-smoke) must also fit their GPUs by the memory plan (rl4lrm.baselines.plan): a preset
that does not is a `plan-does-not-fit` problem naming the recipe field to change.
"""

from __future__ import annotations

from pathlib import Path

from ..kb.problems import DataError, Problem


def check_recipes(paths: list[Path], baselines: Path) -> list[Problem]:
    """Every problem of the given recipes (fields, trainer config, launch) and of the shared accelerate configs."""
    from .design import design_problems
    from .launch import check_accelerate_config, check_launch
    from .plan import plan_problems
    from .recipe import load_recipe
    from .trainers import build_config

    root = baselines.parent
    problems: list[Problem] = []
    for config in sorted((baselines / "accelerate").glob("*.yaml")):
        problems.extend(check_accelerate_config(config, root))
    for path in paths:
        try:
            file = load_recipe(path, root=root)
            build_config(file, "runs/check", check_only=True)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        launch = check_launch(file, baselines / "accelerate")
        problems.extend(launch)
        if not launch:
            try:
                problems.extend(plan_problems(file, baselines=baselines))
            except DataError as exc:
                problems.extend(exc.problems)
    recipes = (baselines / "recipes").resolve()
    folders = sorted({p.resolve().parent for p in paths if p.resolve().parent.parent == recipes})
    problems.extend(design_problems(folders, root))
    return problems
