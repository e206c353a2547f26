"""Turn a "Suggest a paper" issue into a new record, for the workflow that opens the pull request.

The issue body is untrusted. It is read from a file or an environment variable (never from a shell line),
every field is checked against a strict pattern, and ``rl4lrm add`` runs as a subprocess with an argument
list, so nothing in the body is ever interpreted by a shell. Outputs go to a folder:

- success: ``record.txt`` (path of the new record), ``papers/<id>.yaml``, ``pr-title.txt``, ``pr-body.md``
- failure: ``comment.md`` explaining what to fix, and exit status 1

Usage: ``python -m rl4lrm.contrib.suggest --body-env ISSUE_BODY --issue 12 --out suggestion``
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..kb.formatting import write_atomic
from ..kb.identity import ARXIV_URL, ARXIV_VERSIONED
from ..kb.project import find_project
from ..kb.records import read_record
from ..kb.schema import NODE_ID

# Labels of .github/ISSUE_TEMPLATE/suggest-paper.yml, as GitHub renders them into "### <label>" headings.
LABELS = {"arxiv": "arXiv id or URL", "nodes": "Taxonomy nodes", "code": "Code repository"}
NO_RESPONSE = "_No response_"
_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*)?(?:\?[^\s#`\"<>]*)?$")
_NODE = re.compile(NODE_ID)
MAX_FIELD = 500


class BadIssue(Exception):
    """The issue cannot become a record; str() says what the author should fix."""


@dataclass
class Suggestion:
    """The checked fields of a suggestion issue."""

    arxiv: str
    nodes: list[str] = field(default_factory=list)
    code: str | None = None

    def add_argv(self) -> list[str]:
        """Arguments for `rl4lrm add`: options first, then '--' so the id can never read as an option."""
        argv = ["add", "--yes"]
        for node in self.nodes:
            argv += ["--tag", node]
        if self.code:
            argv += ["--code", self.code]
        return [*argv, "--", self.arxiv]


def sections(body: str) -> dict[str, str]:
    """The '### heading' sections of a rendered issue form, by heading; '_No response_' becomes ''."""
    out: dict[str, str] = {}
    heading = None
    lines: list[str] = []
    for line in body.replace("\r\n", "\n").split("\n"):
        if line.startswith("### "):
            if heading is not None:
                out[heading] = "\n".join(lines).strip()
            heading, lines = line[4:].strip(), []
        elif heading is not None:
            lines.append(line)
    if heading is not None:
        out[heading] = "\n".join(lines).strip()
    return {key: "" if value == NO_RESPONSE else value for key, value in out.items()}


def parse_issue(body: str) -> Suggestion:
    """Check every field strictly; raise BadIssue naming the field and what is accepted."""
    found = sections(body)
    values = {key: found.get(label, "") for key, label in LABELS.items()}
    for key, value in values.items():
        if len(value) > MAX_FIELD:
            raise BadIssue(f"'{LABELS[key]}' is longer than {MAX_FIELD} characters")
    arxiv = values["arxiv"].strip()
    if not arxiv:
        raise BadIssue(
            f"'{LABELS['arxiv']}' is empty: give an id such as 2503.14476 or https://arxiv.org/abs/2503.14476"
        )
    if not (ARXIV_VERSIONED.match(arxiv.removeprefix("arXiv:")) or ARXIV_URL.match(arxiv)):
        raise BadIssue(f"'{LABELS['arxiv']}' must be one arXiv id or abs/pdf URL, e.g. 2503.14476, nothing else")
    nodes = []
    for item in re.split(r"[\s,]+", values["nodes"]):
        item = item.strip().strip("`").removeprefix("-").strip()
        if not item:
            continue
        if not _NODE.match(item):
            raise BadIssue(f"'{LABELS['nodes']}' must list node ids such as optimizer/critic-free, one per line")
        nodes.append(item)
    code = values["code"].strip() or None
    if code and not _URL.match(code):
        raise BadIssue(f"'{LABELS['code']}' must be one http(s) URL, e.g. https://github.com/owner/repo")
    return Suggestion(arxiv, list(dict.fromkeys(nodes)), code)


def _fence(text: str) -> str:
    return "```text\n" + text.replace("`", "'").strip() + "\n```"


def prepare(body: str, issue: int, out: Path, timeout: float = 300.0) -> int:
    """Parse the issue, run `rl4lrm add` and write the outputs; 0 when a record was written."""
    out.mkdir(parents=True, exist_ok=True)
    try:
        suggestion = parse_issue(body)
    except BadIssue as exc:
        write_atomic(
            out / "comment.md",
            f"Thanks for the suggestion! It could not be turned into a record:\n\n"
            f"{_fence(str(exc))}\n\nEdit the issue, then ask a maintainer to re-run it.\n",
        )
        print(f"suggest: {exc}", file=sys.stderr)
        return 1
    project = find_project()
    before = {p.name for p in project.papers.glob("*.yaml")}
    argv = [sys.executable, "-m", "rl4lrm.cli", *suggestion.add_argv()]
    env = {**os.environ, "RL4LRM_ROOT": str(project.root)}
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, env=env, timeout=timeout, stdin=subprocess.DEVNULL, check=False
        )
        errors, code = done.stderr.strip(), done.returncode
    except subprocess.TimeoutExpired:
        errors, code = f"rl4lrm add did not finish within {timeout:g} s", 1
    new = sorted({p.name for p in project.papers.glob("*.yaml")} - before)
    if code != 0 or len(new) != 1:
        message = errors.splitlines()[-1] if errors else f"rl4lrm add exited with status {code}"
        write_atomic(
            out / "comment.md", f"Thanks for the suggestion! `rl4lrm add` could not add it:\n\n{_fence(message)}\n"
        )
        print(f"suggest: {message}", file=sys.stderr)
        return 1
    record = f"papers/{new[0]}"
    (out / "papers").mkdir(exist_ok=True)
    shutil.copyfile(project.root / record, out / record)
    rec = read_record(project.root / record, project.root)[0].record
    title = rec.title if rec else new[0]
    write_atomic(out / "record.txt", record + "\n")
    write_atomic(out / "pr-title.txt", f"Add {title[:200]}\n")
    nodes = ", ".join(f"`{n}`" for n in (rec.taxonomy if rec else []))
    write_atomic(
        out / "pr-body.md",
        f"Adds `{record}` from arXiv {suggestion.arxiv.replace('`', '')}, as suggested in #{issue}.\n\n"
        f"Taxonomy nodes: {nodes}{' (suggested by rl4lrm add; please check)' if not suggestion.nodes else ''}\n\n"
        f"Kind: `{rec.kind if rec else 'paper'}` (chosen by rl4lrm add; please check)\n\n"
        f"Closes #{issue}\n\n"
        "Reviewer: check the nodes, add a short `summary` in your own words if you like, and merge.\n",
    )
    print(f"suggest: wrote {record}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rl4lrm.contrib.suggest", description=__doc__.split("\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--body-file", type=Path, help="file holding the issue body")
    source.add_argument("--body-env", metavar="NAME", help="environment variable holding the issue body")
    parser.add_argument("--issue", type=int, required=True, help="issue number")
    parser.add_argument("--out", type=Path, required=True, help="folder for the outputs")
    args = parser.parse_args(argv)
    if args.body_file:
        body = args.body_file.read_text(encoding="utf-8", errors="replace")
    else:
        body = os.environ.get(args.body_env, "")
    return prepare(body, args.issue, args.out)


if __name__ == "__main__":
    sys.exit(main())
