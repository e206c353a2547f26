"""Regenerate the terminal sessions of CONTRIBUTING.md by running them.

Every fenced block between ``<!-- capture: NAME -->`` and ``<!-- /capture -->`` is the transcript of a session
below: its shell lines run one by one with bash in a temporary project (taxonomy/ copied from the repo, papers/
holding only what earlier sessions of the same project wrote). ``rl4lrm`` and ``python`` on the PATH run this
interpreter on this checkout's package. arXiv is a local server on 127.0.0.1 that answers every query with the
recorded answer the tests use (tests/contrib/cassettes/dapo.xml, through RL4LRM_ARXIV_API), so nothing reaches the
network. A line with answers runs in a pseudo-terminal, so `rl4lrm add` asks its questions and the typed answers
are echoed as in a real terminal; the others run on pipes.

A transcript is stdout and stderr together, as a terminal shows them (PYTHONUNBUFFERED keeps their order). Two
things differ from run to run and are normalised by the regexes in ``normalise``: the time `rl4lrm validate`
prints ("in 0.24s" becomes "in 0.01s") and the date `rl4lrm add` writes into ``added:`` (today becomes
FIXED_DATE).

Usage: python scripts/contributing_captures.py            print every session
       python scripts/contributing_captures.py --write    rewrite the sessions in CONTRIBUTING.md
       python scripts/contributing_captures.py --check    exit 1, showing a diff, if CONTRIBUTING.md differs
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONTRIBUTING = REPO / "CONTRIBUTING.md"
CASSETTE = REPO / "tests" / "contrib" / "cassettes" / "dapo.xml"
FIXED_DATE = "2026-11-21"
TIMEOUT = 120.0
REWRITE = "python scripts/contributing_captures.py --write"

ISSUE = """\
### arXiv id or URL

https://arxiv.org/abs/2503.14476

### Taxonomy nodes

optimizer/critic-free
sampler/dynamic

### Code repository

https://github.com/BytedTsinghua-SIA/DAPO

### Anything else?

Known as DAPO.
"""

BAD_ISSUE = ISSUE.replace("https://arxiv.org/abs/2503.14476\n", "2503.14476 $(touch pwned)\n")

HAND_WRITTEN = f"""\
id: deepseekmath-2024
kind: paper
title: "DeepSeekMath: Pushing the Limits of Mathematical Reasoning in Open Language Models"
name: DeepSeekMath
authors: [Zhihong Shao, Peiyi Wang, Qihao Zhu]
authors_truncated: true
date: 2024-02
links:
  arxiv: 2402.03300
taxonomy:
  - optimizer/critic-free
  - optimizer/critc-based
added: {FIXED_DATE}
"""


@dataclass(frozen=True)
class Step:
    """One shell line; ``answers`` are (prompt, typed answer) pairs for a line that asks questions."""

    line: str
    answers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Session:
    """A transcript in CONTRIBUTING.md: ``files`` are written into the project first, then ``steps`` run there."""

    name: str
    project: str
    steps: tuple[Step, ...]
    files: dict[str, str] = field(default_factory=dict)


ADD = "rl4lrm add 2503.14476 --name DAPO --code https://github.com/BytedTsinghua-SIA/DAPO"
SESSIONS = (
    Session(
        "suggest",
        "suggest",
        (
            Step("cat issue.md"),
            Step("python -m rl4lrm.contrib.suggest --body-file issue.md --issue 42 --out suggestion"),
            Step("cat suggestion/pr-title.txt suggestion/pr-body.md"),
        ),
        {"issue.md": ISSUE},
    ),
    Session(
        "suggest-refused",
        "suggest",
        (
            Step("python -m rl4lrm.contrib.suggest --body-file bad.md --issue 43 --out bad"),
            Step("cat bad/comment.md"),
            Step("ls pwned"),
        ),
        {"bad.md": BAD_ISSUE},
    ),
    Session(
        "add",
        "add",
        (Step(ADD, (("comma-separated) [1]: ", "optimizer/critic-free, sampler/dynamic"), ("? [Y/n] ", "y"))),),
    ),
    Session("add-again", "add", (Step("rl4lrm add https://arxiv.org/abs/2503.14476v2 --tag sampler/dynamic"),)),
    Session(
        "hand-written",
        "add",
        (
            Step("cat papers/deepseekmath-2024.yaml"),
            Step("rl4lrm validate"),
            Step("sed -i 's|optimizer/critc-based|reward/verifiable|' papers/deepseekmath-2024.yaml  # the node meant"),
            Step("rl4lrm fmt"),
            Step("rl4lrm validate"),
            Step("cat papers/deepseekmath-2024.yaml"),
        ),
        {"papers/deepseekmath-2024.yaml": HAND_WRITTEN},
    ),
)

BLOCK = re.compile(r"(<!-- capture: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /capture -->)", re.S)
TIMING = re.compile(r"(validated \d+ records and \d+ taxonomy nodes) in \d+(?:\.\d+)?s")


class _Arxiv(BaseHTTPRequestHandler):
    """Answers every GET with the recorded arXiv answer."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        data = CASSETTE.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/atom+xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def arxiv_stand_in() -> Iterator[str]:
    """The URL of a local stand-in for the arXiv API while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Arxiv)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/query"
    finally:
        server.shutdown()
        server.server_close()


def _make_project(folder: Path) -> Path:
    shutil.copytree(REPO / "taxonomy", folder / "taxonomy")
    (folder / "papers").mkdir()
    return folder


def _bin(folder: Path) -> Path:
    """`rl4lrm` and `python` for the sessions: this interpreter (wrappers, not symlinks, so a venv stays a venv)."""
    folder.mkdir()
    for name, module in (("rl4lrm", "-m rl4lrm.cli "), ("python", "")):
        path = folder / name
        path.write_text(f'#!/bin/sh\nexec "{sys.executable}" {module}"$@"\n', encoding="utf-8")
        path.chmod(0o755)
    return folder


def _env(bin_dir: Path, project: Path, arxiv: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy") and not k.startswith("RL4LRM_")}
    tools = str(REPO / "tools")
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
        PYTHONPATH=os.pathsep.join(filter(None, [tools, env.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
        RL4LRM_ROOT=str(project),
        RL4LRM_ARXIV_API=arxiv,
        LC_ALL="C",
        TERM="dumb",
        NO_PROXY="127.0.0.1,localhost",
    )
    return env


def _run_piped(step: Step, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["bash", "-c", step.line],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=TIMEOUT,
        check=False,
    )
    return done.stdout.decode("utf-8", errors="replace")


def _run_in_terminal(step: Step, cwd: Path, env: dict[str, str]) -> str:
    """Run the line on a pseudo-terminal, typing each answer once its prompt is the last thing printed."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        ["bash", "-c", step.line], cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True
    )
    os.close(slave)
    out, since, pending = b"", 0, list(step.answers)
    deadline = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: every process holding the terminal has exited
                break
            if not chunk:
                break
            out += chunk
            if pending and out[since:].endswith(pending[0][0].encode()):
                os.write(master, pending.pop(0)[1].encode() + b"\n")
                since = len(out)
        else:
            proc.kill()
            raise RuntimeError(f"'{step.line}' did not finish within {TIMEOUT:g} s")
    finally:
        os.close(master)
        proc.wait()
    if pending:
        raise RuntimeError(f"'{step.line}' never asked {pending[0][0]!r}; output:\n{out.decode(errors='replace')}")
    return out.decode("utf-8", errors="replace").replace("\r\n", "\n")


def normalise(text: str, project: Path) -> str:
    """What differs from run to run: validate's timing, the date add writes, the temporary folder's path."""
    text = TIMING.sub(r"\1 in 0.01s", text)
    text = text.replace(f"added: '{dt.date.today().isoformat()}'", f"added: '{FIXED_DATE}'")
    return text.replace(str(project), ".")


def capture_all() -> dict[str, str]:
    """Every session's transcript, by name."""
    if shutil.which("bash") is None:
        raise RuntimeError("the sessions run with bash, which is not on the PATH")
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="rl4lrm-captures-") as tmp, arxiv_stand_in() as arxiv:
        root = Path(tmp)
        bin_dir = _bin(root / "bin")
        projects: dict[str, Path] = {}
        for session in SESSIONS:
            if session.project not in projects:
                projects[session.project] = _make_project(root / session.project)
            project = projects[session.project]
            env = _env(bin_dir, project, arxiv)
            for relpath, text in session.files.items():
                (project / relpath).write_text(text, encoding="utf-8")
            lines = []
            for step in session.steps:
                output = (_run_in_terminal if step.answers else _run_piped)(step, project, env)
                if output and not output.endswith("\n"):
                    output += "\n"
                lines.append(f"$ {step.line}\n{normalise(output, project)}")
            out[session.name] = "".join(lines)
    return out


def fenced(transcript: str) -> str:
    """A console block whose fence is longer than any run of backticks inside it."""
    longest = max((len(run) for run in re.findall(r"`+", transcript)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}console\n{transcript}{fence}\n"


def splice(text: str, captures: dict[str, str]) -> str:
    """The text with every capture block replaced by its session; every session must have exactly one block."""
    names = [m.group("name") for m in BLOCK.finditer(text)]
    unknown = sorted(set(names) - set(captures))
    missing = sorted(set(captures) - set(names))
    repeated = sorted({n for n in names if names.count(n) > 1})
    if unknown or missing or repeated:
        raise ValueError(f"capture blocks: unknown {unknown}, missing {missing}, repeated {repeated}")
    return BLOCK.sub(lambda m: m.group(1) + fenced(captures[m.group("name")]) + m.group(4), text)


def main(argv: list[str] | None = None, captures: dict[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite the sessions in the file")
    mode.add_argument("--check", action="store_true", help="exit 1, showing a diff, if the file differs")
    parser.add_argument("--file", type=Path, default=CONTRIBUTING, help="default: CONTRIBUTING.md")
    args = parser.parse_args(argv)
    captures = captures if captures is not None else capture_all()
    if not (args.write or args.check):
        for name, transcript in captures.items():
            print(f"<!-- capture: {name} -->\n{fenced(transcript)}<!-- /capture -->\n")
        return 0
    text = args.file.read_text(encoding="utf-8")
    new = splice(text, captures)
    if args.write:
        if new != text:
            args.file.write_text(new, encoding="utf-8")
            print(f"rewrote the sessions in {args.file.name}")
        return 0
    if new != text:
        diff = difflib.unified_diff(
            text.splitlines(True), new.splitlines(True), f"{args.file.name} (committed)", f"{args.file.name} (run)"
        )
        sys.stdout.writelines(diff)
        print(f"{args.file.name}: the sessions differ from what the commands print; run {REWRITE}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
