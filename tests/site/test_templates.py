"""The site package renders HTML only through its Jinja2 templates (autoescape on); no HTML in Python strings."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

from markupsafe import Markup

from rl4lrm.site.plots import LABEL_HALF_WIDTH, trend_svg
from rl4lrm.site.render import environment, render

SITE = Path(__file__).resolve().parents[2] / "tools" / "rl4lrm" / "site"
TAG = re.compile(
    r"</?(?:a|p|div|span|table|thead|tbody|tr|td|th|ul|ol|li|h[1-6]|pre|code|svg|text|line|rect|polyline|title|"
    r"entry|feed|link|button|script|img|br|strong|em|section|nav|input|label|select|option|form|summary|details)\b"
)


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string literal and f-string piece of a module, docstrings left out."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_html_is_assembled_in_python() -> None:
    found = []
    for path in sorted(SITE.glob("*.py")):
        for line, text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            if TAG.search(text):
                found.append(f"{path.name}:{line}: {text[:60]!r}")
    assert found == []


def test_every_template_autoescapes() -> None:
    env = environment()
    names = env.list_templates()
    assert {"paper.html", "node.html", "home.html", "feed.xml", "trend.svg", "bars.svg"} <= set(names)
    for name in names:
        assert env.select_autoescape(name) if callable(env.autoescape) else env.autoescape, name
    assert render("markdown.html", title="<b>", text="").startswith('---\ntitle: "&lt;b&gt;"\n---\n')
    assert "&lt;i&gt;" in render("markdown.html", title="t", text="<i>")
    assert "<i>" in render("markdown.html", title="t", text=Markup("<i>"))


def test_trend_labels_fit_inside_the_plot() -> None:
    svg = trend_svg({"a": Counter({"2022Q1": 1, "2026Q1": 3})}, "t", width=640)  # the last label is 2026Q1
    xs = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle"', svg)]
    assert ">2026Q1<" in svg and max(xs) + LABEL_HALF_WIDTH <= 640
