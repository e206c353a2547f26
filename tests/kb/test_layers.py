"""The folders are the layers: each imports only from below it (see the package layout in README.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tools" / "rl4lrm"
# layer -> the layers it may import from (besides itself)
ALLOWED = {
    "kb": set(),
    "contrib": {"kb", "importers"},  # one merge rule (importers/merge.py) serves import, add and refresh
    "importers": {"kb"},
    "baselines": {"kb"},
    "site": {"kb", "baselines"},  # the site reads recipes through baselines.recipe only
    "commands": {"kb", "contrib", "importers", "baselines", "site"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every rl4lrm import in a module of the package."""
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.append((node.lineno, module))
        elif isinstance(node, ast.Import):
            out.extend((node.lineno, alias.name) for alias in node.names)
    return [(line, m) for line, m in out if m == "rl4lrm" or m.startswith("rl4lrm.")]


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_from_below(layer: str) -> None:
    wrong = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for line, module in _imports(path):
            parts = module.split(".")
            target = parts[1] if len(parts) > 1 else None
            if target in ALLOWED and target != layer and target not in ALLOWED[layer]:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
            if layer == "site" and target == "baselines" and module != "rl4lrm.baselines.recipe":
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {module} (only baselines.recipe)")
    assert wrong == []


def test_package_top_holds_only_the_entry_points() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "cli.py"] or top == ["__init__.py", "cli.py"]
