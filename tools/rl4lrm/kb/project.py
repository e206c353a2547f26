"""Where the data lives: the project root and its papers/, taxonomy/ and baselines/ folders."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def papers(self) -> Path:
        return self.root / "papers"

    @property
    def taxonomy(self) -> Path:
        return self.root / "taxonomy"

    @property
    def baselines(self) -> Path:
        return self.root / "baselines"

    @property
    def recipes(self) -> Path:
        return self.root / "baselines" / "recipes"

    @property
    def site(self) -> Path:
        return self.root / "site"


def find_project(start: Path | None = None) -> Project:
    """The nearest folder at or above start (default: cwd) holding taxonomy/; RL4LRM_ROOT wins if set."""
    if os.environ.get("RL4LRM_ROOT"):
        return Project(Path(os.environ["RL4LRM_ROOT"]).resolve())
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "taxonomy").is_dir() and (folder / "papers").is_dir():
            return Project(folder)
    return Project(here)
