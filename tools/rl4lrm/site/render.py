"""The one Jinja2 environment every page, the Atom feed and the plots are rendered with.

One escaping rule: autoescape is on for every template, so each value from a record, a recipe or the taxonomy is
HTML/XML-escaped (markupsafe) where it is printed. Only text the project writes by hand (site/home.md, recipe
READMEs) is passed through unescaped, and only as ``Markup`` made in ``pages.py``. Templates live in
``tools/rl4lrm/site/templates/``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from .mkdocs_hooks import RAW_MARK

TEMPLATES = Path(__file__).with_name("templates")


def link(src: str, dest: str) -> str:
    """Relative URL from page src to page or file dest (docs paths); .md becomes .html."""
    target = (dest[:-3] + ".html" if dest.endswith(".md") else dest).split("/")
    here = src.split("/")[:-1]
    common = 0
    while common < min(len(here), len(target) - 1) and here[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + target[common:])


def paper_path(record_id: str) -> str:
    return "papers/" + record_id + ".md"


def node_path(node_id: str) -> str:
    return "taxonomy/" + node_id + ".md"


def recipe_path(recipe_id: str) -> str:
    """A recipe's page sits in its own folder, next to copies of its preset files and results."""
    return "baselines/" + recipe_id + "/index.md"


def _front_title(value: Any) -> Markup:
    """A front-matter title: HTML-escaped (themes print it raw), then a JSON (so YAML) string."""
    return Markup(json.dumps(str(escape(value))))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
        auto_reload=False,  # templates do not change during a build; no stat() per page
    )
    env.filters["front_title"] = _front_title
    env.globals.update(
        link=link, paper_path=paper_path, node_path=node_path, recipe_path=recipe_path, raw_mark=Markup(RAW_MARK)
    )
    return env


def render(template: str, **context: Any) -> str:
    """Render one template of templates/ with context."""
    return environment().get_template(template).render(**context)
