"""How text becomes a record: read papers/*.yaml, keep line numbers, turn every failure into a Problem."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from .problems import Problem, pydantic_problems, relative
from .safeyaml import Loaded, YamlProblem, decode, load_text
from .schema import Record

_PATTERN_HINTS = {
    "id": "lowercase letters, digits and '-', e.g. 'dapo' or 'understanding-r1-zero'",
    "taxonomy": "a node id such as 'optimizer/critic-free' (see taxonomy/)",
    "baselines": "a recipe id such as 'grpo' (see baselines/recipes/)",
    "bibtex_key": "letters, digits and _:.+- only, e.g. 'yu2025dapo'",
}


@dataclass
class RecordFile:
    """A record file as read: its display name, parsed record (when valid) and line map."""

    path: Path
    name: str
    record: Record | None
    loaded: Loaded | None
    text: str = ""

    def line(self, *path: str | int) -> int:
        return self.loaded.line_of(tuple(path)) if self.loaded else 1


@dataclass
class RecordSet:
    """Every record file of a folder and the problems found while reading them."""

    files: list[RecordFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def records(self) -> list[Record]:
        return [f.record for f in self.files if f.record is not None]


def parse_record(text: str, name: str, stem: str | None = None) -> tuple[RecordFile, list[Problem]]:
    """Parse one record from YAML text; stem is the file name it must match (without .yaml)."""
    try:
        loaded = load_text(text, name)
    except YamlProblem as exc:
        return RecordFile(Path(name), name, None, None), [exc.problem]
    file = RecordFile(Path(name), name, None, loaded, text)
    if not isinstance(loaded.data, dict):
        got = "an empty file" if loaded.data is None else type(loaded.data).__name__
        return file, [Problem(name, 1, "", "record-shape", f"a record must be a mapping of fields, got {got}")]
    try:
        record = Record.model_validate(loaded.data)
    except ValidationError as exc:
        return file, pydantic_problems(exc, name, loaded, Record, pattern_hints=_PATTERN_HINTS)
    file.record = record
    problems = []
    if stem is not None and record.id != stem:
        problems.append(
            Problem(
                name,
                file.line("id"),
                "id",
                "id-filename",
                f"id '{record.id}' does not match the file name '{stem}.yaml'",
                f"rename the file to {record.id}.yaml or set id: {stem}",
            )
        )
    return file, problems


def read_record(path: Path, root: Path | None = None, name: str | None = None) -> tuple[RecordFile, list[Problem]]:
    """Read papers/<id>.yaml from disk; name is how messages show it (default: relative to root)."""
    name = name or relative(path, root)
    try:
        text = decode(path.read_bytes(), name)
    except YamlProblem as exc:
        return RecordFile(path, name, None, None), [exc.problem]
    file, problems = parse_record(text, name, path.stem)
    file.path = path
    return file, problems


def record_paths(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))


def load_records(folder: Path, root: Path | None = None, progress: bool = False) -> RecordSet:
    """Read every record in folder (papers/), collecting problems instead of raising."""
    out = RecordSet()
    paths: Iterable[Path] = record_paths(folder)
    if progress:
        from tqdm import tqdm

        paths = tqdm(list(paths), desc="reading records", unit="file", leave=False)
    prefix = relative(folder, root)
    for path in paths:
        name = f"{prefix}/{path.name}"
        if path.suffix == ".yml":
            out.problems.append(
                Problem(
                    name,
                    1,
                    "",
                    "file-extension",
                    "record files end in .yaml",
                    f"rename to {path.stem}.yaml",
                )
            )
        file, problems = read_record(path, root, name)
        out.files.append(file)
        out.problems.extend(problems)
    return out
