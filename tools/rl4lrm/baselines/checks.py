"""`rl4lrm baseline check`: every recipe parsed into its trainer config and launch set-up, no model built."""

from __future__ import annotations

from pathlib import Path

from ..kb.problems import DataError, Problem


def check_recipes(paths: list[Path], baselines: Path) -> list[Problem]:
    """Every problem of the given recipes (fields, trainer config, launch) and of the shared accelerate configs."""
    from .launch import check_accelerate_config, check_launch
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
        problems.extend(check_launch(file, baselines / "accelerate"))
    return problems
