"""A problem found in the data: where it is, which rule it breaks, and how to fix it."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

FieldPath = tuple[str | int, ...]


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


FORMATS = ("text", "github", "json")  # how problems can be printed


def render(problems: list[Problem], fmt: str) -> str:
    """Render problems as text lines, GitHub annotations or a JSON list."""
    if fmt == "json":
        return json.dumps([asdict(p) for p in problems], indent=2)
    if fmt == "github":
        return "\n".join(p.github() for p in problems)
    return "\n".join(p.text() for p in problems)


def dotted(path: FieldPath) -> str:
    """A field path as written in messages: links.arxiv, taxonomy[1]."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class LineMap(Protocol):
    """Anything that knows the line of a field path (a loaded YAML file)."""

    def line_of(self, path: FieldPath) -> int: ...


_FRIENDLY = {
    "missing": "is required but missing",
    "list_type": "must be a list (one '- item' per line)",
    "string_type": "must be a string (quote it if it looks like a number or date)",
    "bool_type": "must be true or false",
    "dict_type": "must be a mapping of 'key: value' lines",
    "model_type": "must be a mapping of 'key: value' lines",
    "too_short": "must not be empty",
}


def known_fields(model: type[BaseModel], parents: list[str | int]) -> list[str]:
    """Field names of the model nested at a path (list indexes and mapping keys skipped)."""
    keyed = False  # the previous part was a dict[str, Model] field: this part is a key
    for part in parents:
        if keyed or isinstance(part, int):
            keyed = False
            continue
        field_info = model.model_fields.get(part)
        annotation = field_info.annotation if field_info else None
        args = getattr(annotation, "__args__", (annotation,))
        nested = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if not nested:
            return list(model.model_fields)
        keyed = getattr(annotation, "__origin__", None) is dict
        model = nested[0]
    return list(model.model_fields)


def _message(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    if kind.startswith("value_error"):
        message = err["msg"].removeprefix("Value error, ")
        return message if message.startswith(("must", "is ")) else f"is invalid: {message}"
    message = _FRIENDLY.get(kind, err["msg"])
    if err.get("input") is not None and kind.endswith("_type"):
        message += f", got {type(err['input']).__name__}"
    return message


def pydantic_problems(
    exc: ValidationError,
    name: str,
    lines: LineMap | None,
    model: type[BaseModel],
    prefix: FieldPath = (),
    pattern_hints: Mapping[str, str] | None = None,
) -> list[Problem]:
    """The one translation of pydantic errors into problems: file, line, field path, a friendly message, a hint.

    Unknown fields get "did you mean" from the model's own field names at that depth; pattern errors get the
    hint pattern_hints gives for the field.
    """
    out = []
    for err in exc.errors(include_url=False):
        loc = (*prefix, *err["loc"])
        kind = err["type"]
        message, hint = _message(err), ""
        if kind == "extra_forbidden":
            known = known_fields(model, list(err["loc"][:-1]))
            message = f"unknown field '{loc[-1]}'"
            close = difflib.get_close_matches(str(loc[-1]), known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(known)
        elif kind == "string_pattern_mismatch":
            field_name = next((part for part in loc if isinstance(part, str)), "")
            message = f"'{err.get('input')}' has the wrong form"
            hint = (pattern_hints or {}).get(field_name, "")
        line = lines.line_of(loc) if lines else 0
        out.append(Problem(name, line, dotted(loc), f"schema-{kind.replace('_', '-')}", message, hint))
    return out


def error_summary(exc: ValidationError) -> str:
    """Every pydantic error on one line, 'field: message; ...' (for messages that are not tied to a file)."""
    return "; ".join(f"{dotted(err['loc']) or 'value'}: {_message(err)}" for err in exc.errors(include_url=False))
