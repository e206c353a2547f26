"""The pre-commit hooks do what pre-commit would run: fmt on the staged records, validate on the whole base."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from .recorded import put_record

CONFIG = Path(__file__).resolve().parents[2] / ".pre-commit-config.yaml"


def run_hooks(project: Path, staged: list[str]) -> dict[str, int]:
    """Run every local hook as pre-commit does: entry + matching staged files (unless pass_filenames is false)."""
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    status = {}
    for repo in config["repos"]:
        assert repo["repo"] == "local"
        for hook in repo["hooks"]:
            assert hook["language"] == "system"
            files = [f for f in staged if re.search(hook.get("files", ""), f)]
            if not files:
                continue
            argv = shlex.split(hook["entry"]) + (files if hook.get("pass_filenames", True) else [])
            status[hook["id"]] = subprocess.run(argv, cwd=project, env=env, capture_output=True, check=False).returncode
    return status


def test_fmt_hook_rewrites_staged_records(project: Path) -> None:
    path = put_record(project)
    canonical = path.read_text(encoding="utf-8")
    path.write_text(canonical.replace("kind: paper", 'kind: "paper"'), encoding="utf-8")
    # fmt exits 0 but changes the file, which is how pre-commit makes the commit fail and shows the fix
    assert run_hooks(project, ["papers/dapo-2025.yaml"]) == {"rl4lrm-fmt": 0, "rl4lrm-validate": 0}
    assert path.read_text(encoding="utf-8") == canonical


def test_validate_hook_blocks_a_bad_record(project: Path) -> None:
    path = put_record(project)
    path.write_text(
        path.read_text(encoding="utf-8").replace("optimizer/critic-free", "optimizer/critic-fre"), encoding="utf-8"
    )
    assert run_hooks(project, ["papers/dapo-2025.yaml"]) == {"rl4lrm-fmt": 0, "rl4lrm-validate": 1}


def test_hooks_ignore_files_outside_the_base(project: Path) -> None:
    assert run_hooks(project, ["README.md", "tools/rl4lrm/cli.py"]) == {}
