"""Safe YAML reading that keeps line numbers, refuses aliases and never guesses floats or dates.

Scalars that YAML would turn into floats (``2503.14476``) or timestamps (``2025-03-14``)
stay strings, so an arXiv id keeps its trailing zeros and a date keeps its precision.
Anchors and aliases are refused outright: records never need them, and refusing them
defuses "billion laughs" alias bombs before anything is expanded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import DataError, Problem, dotted

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DROPPED = {"tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}


class _Loader(_BASE):  # type: ignore[misc,valid-type]
    """SafeLoader (libyaml when present) without implicit floats and timestamps: arXiv ids keep their zeros."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED]
    for first, resolvers in _BASE.yaml_implicit_resolvers.items()
}


class _NumberLoader(_BASE):  # type: ignore[misc,valid-type]
    """The same without timestamps, but with floats, also written 1e-4 (YAML 1.1 wants 1.0e-4): for settings."""


_NumberLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BASE.yaml_implicit_resolvers.items()
}
_NumberLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+$"), list("-+0123456789")
)

Path_ = tuple[str | int, ...]


@dataclass
class Loaded:
    """A YAML document's data plus the line of every key and item, by field path."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int:
        """The line of the deepest known prefix of path (1 when nothing is known)."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line:
                return line
        return 1


class YamlProblem(Exception):
    """A file that is not safe, well-formed UTF-8 YAML; carries the problem."""

    def __init__(self, problem: Problem):
        super().__init__(problem.text())
        self.problem = problem


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


def _build(node: yaml.Node, path: Path_, lines: dict[Path_, int], seen: set[int], name: str, loader: Any) -> Any:
    """Construct the node's value while recording lines and refusing aliases.

    Plain strings, mappings and lists are built here (the common, fast case); any other tag goes through the
    safe constructor, which refuses unsafe tags such as !!python/object.
    """
    if id(node) in seen:
        used_at = next((lines[path[:cut]] for cut in range(len(path), -1, -1) if path[:cut] in lines), 1)
        raise YamlProblem(
            Problem(
                name,
                used_at,
                dotted(path),
                "yaml-alias",
                "YAML anchors and aliases are not allowed",
                "write the value out in full",
            )
        )
    seen.add(id(node))
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR else loader.construct_object(node)
    if node.tag not in (_MAP, _SEQ):
        return loader.construct_object(node)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise YamlProblem(
                    Problem(
                        name, key.start_mark.line + 1, dotted(path), "yaml-key", "mapping keys must be plain strings"
                    )
                )
            if key.value in out:
                raise YamlProblem(
                    Problem(
                        name,
                        key.start_mark.line + 1,
                        dotted((*path, key.value)),
                        "yaml-duplicate-key",
                        f"key '{key.value}' appears twice",
                        "keep one of them",
                    )
                )
            child = (*path, key.value)
            lines[child] = key.start_mark.line + 1
            out[key.value] = _build(value, child, lines, seen, name, loader)
        return out
    return [_build(item, (*path, index), lines, seen, name, loader) for index, item in enumerate(node.value)]


def load_text(text: str, name: str, floats: bool = False) -> Loaded:
    """Parse one YAML document from text (numbers with a dot stay strings unless floats); YamlProblem on error."""
    try:
        loader = (_NumberLoader if floats else _Loader)(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return Loaded(None, {})
            lines: dict[Path_, int] = {}
            data = _build(node, (), lines, set(), name, loader)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        rule = "yaml-unsafe-tag" if isinstance(exc, yaml.constructor.ConstructorError) else "yaml-syntax"
        hint = "only plain YAML is accepted: remove the !! tag" if rule == "yaml-unsafe-tag" else ""
        raise YamlProblem(Problem(name, line, "", rule, message.strip() or "invalid YAML", hint)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Problem(name, 1, "", "yaml-syntax", str(exc).strip())) from None
    return Loaded(data, lines)


def load_mapping(text: str, name: str, rule: str, what: str, floats: bool = False) -> Loaded:
    """load_text for a document that must be a mapping; DataError naming the file otherwise."""
    try:
        loaded = load_text(text, name, floats)
    except YamlProblem as exc:
        raise DataError([exc.problem]) from None
    if not isinstance(loaded.data, dict):
        got = "an empty file" if loaded.data is None else type(loaded.data).__name__
        raise DataError([Problem(name, 1, "", rule, f"{what} must be a mapping of fields, got {got}")])
    return loaded


def decode(raw: bytes, name: str) -> str:
    """Decode UTF-8 bytes; raise YamlProblem naming the line of the first bad byte."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise YamlProblem(
            Problem(
                name,
                line,
                "",
                "encoding",
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                "save the file as UTF-8",
            )
        ) from None


def read_input(path: Path, name: str, rule: str = "file-missing", message: str = "file not found") -> str:
    """The text of a UTF-8 input file; DataError naming the file when it is missing or not UTF-8."""
    if not path.is_file():
        raise DataError([Problem(name, 0, "", rule, message)])
    try:
        return decode(path.read_bytes(), name)
    except YamlProblem as exc:
        raise DataError([exc.problem]) from None


def load_file(path: Path, name: str | None = None) -> Loaded:
    """Read and parse a YAML file safely."""
    label = name or path.as_posix()
    return load_text(decode(path.read_bytes(), label), label)
