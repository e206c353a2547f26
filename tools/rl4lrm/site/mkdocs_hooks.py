"""mkdocs hooks (loaded by path from mkdocs.yml) that keep the build fast at 20,000 pages; the output is the same
without them, only slower.

- A page whose source starts with RAW_MARK is HTML written (and escaped) by pages.py. Markdown would pass it through
  unchanged but parses every tag on the way; the hooks hand the HTML straight to the theme instead.
- Such a page has no table of contents and is not in the navigation, so its sidebars are the same for every page in
  its folder: site/overrides/main.html asks for them through `rl4lrm_shared_sidebar`, rendered once per folder.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import BlockReference

RAW_MARK = "<!-- rl4lrm:html -->\n"
_raw: dict[str, str] = {}
_sidebars: dict[str, str] = {}
_in_nav: set[str] = set()


def on_nav(nav: Any, **_: Any) -> Any:
    _in_nav.clear()
    _in_nav.update(page.file.src_uri for page in nav.pages)
    return nav


def on_env(env: Any, **_: Any) -> Any:
    _sidebars.clear()
    env.globals["rl4lrm_shared_sidebar"] = _shared_sidebar
    return env


@pass_context
def _shared_sidebar(context: Any) -> str:
    """The theme's site_nav block (the block main.html overrides), rendered once per folder of pages."""
    key = context["page"].url.rpartition("/")[0]
    if key not in _sidebars:
        _sidebars[key] = BlockReference("site_nav", context, context.blocks["site_nav"], 1)()
    return _sidebars[key]


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    if markdown.startswith(RAW_MARK):
        _raw[page.file.src_uri] = markdown[len(RAW_MARK) :]
        if page.file.src_uri not in _in_nav and not page.meta.get("hide"):
            page.meta["rl4lrm_shared_sidebar"] = True
        return ""
    return markdown


def on_page_content(html: str, page: Any, **_: Any) -> str:
    return _raw.pop(page.file.src_uri, html)
