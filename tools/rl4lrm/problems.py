"""A problem found in the data: where it is, which rule it breaks, and how to fix it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One error, named by file, line and field path, with the rule it breaks."""

    file: str
    line: int
    field: str
    rule: str
    message: str
    hint: str = ""

    def text(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}:{field} {self.message}{hint} [{self.rule}]"

    def github(self) -> str:
        """A GitHub Actions workflow command that annotates the PR diff."""

        def esc(value: str) -> str:
            return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

        def esc_prop(value: str) -> str:
            return esc(value).replace(":", "%3A").replace(",", "%2C")

        body = f"{self.field}: {self.message}" if self.field else self.message
        if self.hint:
            body += f" ({self.hint})"
        return f"::error file={esc_prop(self.file)},line={max(self.line, 1)},title={esc_prop(self.rule)}::{esc(body)}"


class DataError(Exception):
    """Raised when data cannot be used at all; carries the problems that say why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(p.text() for p in problems))
        self.problems = problems


def relative(path: Path, root: Path | None = None) -> str:
    """A path as shown in messages: relative to root (or the working directory) when possible."""
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def render(problems: list[Problem], fmt: str) -> str:
    """Render problems as text lines, GitHub annotations or a JSON list."""
    if fmt == "json":
        return json.dumps([asdict(p) for p in problems], indent=2)
    if fmt == "github":
        return "\n".join(p.github() for p in problems)
    return "\n".join(p.text() for p in problems)
