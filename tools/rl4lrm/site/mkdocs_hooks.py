"""mkdocs hooks (loaded by path from mkdocs.yml): generated pages that are already HTML skip Markdown.

A page whose source starts with RAW_MARK is HTML written (and escaped) by pages.py. Markdown would pass it through
unchanged but parses every tag on the way, which dominates the build at 20,000 pages; these hooks hand the HTML
straight to the theme instead. Without them the output is the same, only slower.
"""

from __future__ import annotations

from typing import Any

RAW_MARK = "<!-- rl4lrm:html -->\n"
_raw: dict[str, str] = {}


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    if markdown.startswith(RAW_MARK):
        _raw[page.file.src_uri] = markdown[len(RAW_MARK) :]
        return ""
    return markdown


def on_page_content(html: str, page: Any, **_: Any) -> str:
    return _raw.pop(page.file.src_uri, html)
