"""Shared fixtures: a temporary project with the repo's taxonomy and an empty papers/ folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder in tmp_path (taxonomy copied, empty papers/); RL4LRM_ROOT points at it."""
    shutil.copytree(REPO / "taxonomy", tmp_path / "taxonomy")
    (tmp_path / "papers").mkdir()
    monkeypatch.setenv("RL4LRM_ROOT", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path
