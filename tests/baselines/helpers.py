"""Helpers for the baseline tests."""

from __future__ import annotations

from pathlib import Path


def write_recipe(folder: Path, algorithm: str, preset: str, text: str) -> Path:
    """A recipe file at <folder>/recipes/<algorithm>/<preset>.yaml."""
    path = folder / "recipes" / algorithm / f"{preset}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
