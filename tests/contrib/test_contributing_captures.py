"""CONTRIBUTING.md's terminal sessions are what the commands print (scripts/contributing_captures.py)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "contributing_captures.py"

pytestmark = pytest.mark.skipif(
    shutil.which("bash") is None or sys.platform == "win32", reason="the sessions run in bash on a pseudo-terminal"
)


@pytest.fixture(scope="module")
def script() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("contributing_captures", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.fixture(scope="module")
def captures(script: ModuleType) -> dict[str, str]:
    return script.capture_all()


def test_committed_sessions_are_what_the_commands_print(
    script: ModuleType, captures: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status = script.main(["--check"], captures=captures)
    assert status == 0, f"{capsys.readouterr().out}\nrun: {script.REWRITE}"


def test_an_edited_session_fails_the_check(
    script: ModuleType, captures: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    line = next(line for line in captures["hand-written"].splitlines() if line.startswith("validated "))
    edited = tmp_path / "CONTRIBUTING.md"
    assert line in text
    edited.write_text(text.replace(line, line + " (edited)", 1), encoding="utf-8")
    assert script.main(["--check", "--file", str(edited)], captures=captures) == 1
    assert f"-{line} (edited)" in capsys.readouterr().out
    assert script.main(["--write", "--file", str(edited)], captures=captures) == 0
    assert edited.read_text(encoding="utf-8") == text


def test_every_session_has_one_block(script: ModuleType, captures: dict[str, str]) -> None:
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="missing \\['add'\\]"):
        script.splice(text.replace("<!-- capture: add -->", "<!-- capture -->"), captures)


def test_timings_and_dates_are_normalised(script: ModuleType, tmp_path: Path) -> None:
    import datetime as dt

    today = dt.date.today().isoformat()
    raw = f"validated 3 records and 9 taxonomy nodes in 1.37s: ok\nadded: '{today}'\n{tmp_path}/x"
    want = f"validated 3 records and 9 taxonomy nodes in 0.01s: ok\nadded: '{script.FIXED_DATE}'\n./x"
    assert script.normalise(raw, tmp_path) == want
