"""Fixtures for the contributor tools: recorded arXiv answers and a project that never reaches arXiv."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def project(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared temporary project (taxonomy copied, empty papers/), with the default arXiv URL."""
    monkeypatch.delenv("RL4LRM_ARXIV_API", raising=False)
    return project


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the waits the arXiv client asks for instead of sleeping."""
    waits: list[float] = []
    monkeypatch.setattr("rl4lrm.contrib.arxiv.time.sleep", waits.append)
    return waits
