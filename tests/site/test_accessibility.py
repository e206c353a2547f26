"""axe-core (installed by `make install` from tools/rl4lrm/site/npm) in Debian chromium: no serious or critical
violation on the home page, a node page, a paper page and the explorer, in light and dark mode; the palette
toggle switches the scheme."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
AXE = (
    Path(__file__).resolve().parents[2]
    / "tools"
    / "rl4lrm"
    / "site"
    / "npm"
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)
PAGES = ["index.html", "taxonomy/optimizer/critic-free.html", "papers/dancegrpo-2025.html", "explorer.html"]


@pytest.fixture(scope="module")
def axe() -> str:
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} missing: make install runs npm ci in tools/rl4lrm/site/npm")
        pytest.skip("axe-core not installed (make npm)")
    return AXE.read_text(encoding="utf-8")


def violations(page, axe: str) -> list[str]:
    page.add_script_tag(content=axe)  # inline: nothing is fetched
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"
    )
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_violations(browser, base_url: str, axe: str, scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    outside = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("http://127.0.0.1:", "data:", "blob:"))
            else (outside.append(route.request.url), route.abort())
        ),
    )
    found = {}
    for path in PAGES:
        page.goto(base_url + path)
        if path == "explorer.html":
            page.wait_for_selector("#rl4lrm-explorer[data-ready]")
            page.locator("details.rl4lrm-facet").first.evaluate("d => d.open = true")
        if path == "index.html":  # the open search results too
            page.fill("#rl4lrm-search-input", "grp")
            page.press("#rl4lrm-search-input", "o")
            page.wait_for_selector("#rl4lrm-search-results[data-query='grpo']")
        problems = violations(page, axe)
        if problems:
            found[path] = problems
    context.close()
    assert found == {} and outside == []


def test_palette_toggle_switches_to_dark_and_back(page, base_url: str) -> None:
    page.goto(base_url + "index.html")
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    first = page.evaluate(scheme)
    page.click("form[data-md-component=palette] label:visible")
    page.wait_for_function(f"{scheme} !== {first!r}")
    assert {first, page.evaluate(scheme)} == {"default", "slate"}
    page.reload()
    assert page.evaluate(scheme) != first  # the choice is kept
    assert page.outside == [] and page.errors == []
