"""The built fixture site in Debian chromium: search, explorer, BibTeX, escaping, offline, links."""

from __future__ import annotations

import json
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urldefrag, urljoin, urlsplit

import pytest

pytestmark = pytest.mark.browser
XSS_TITLE = "<img src=x onerror=alert(1)>"


def search(page, base_url: str, query: str) -> list[str]:
    """Type query into the header search box; returns the hit URLs once results for it are shown."""
    page.goto(base_url + "index.html")
    box = page.locator("#rl4lrm-search-input")
    box.fill(query[:-1])
    box.press(query[-1])
    page.wait_for_selector(f"#rl4lrm-search-results[data-query='{query}']", timeout=10_000)
    return page.eval_on_selector_all("#rl4lrm-search-results a", "els => els.map(e => e.href)")


def test_search_finds_a_name_and_a_name_inside_a_word(page, base_url: str, built) -> None:
    other = next(r for r in built.records if r.name and "GRPO" not in r.name)
    assert base_url + f"papers/{other.id}.html" in search(page, base_url, other.name)
    hits = search(page, base_url, "GRPO")
    assert base_url + "papers/dancegrpo-2025.html" in hits
    page.click("#rl4lrm-search-results a[href$='dancegrpo-2025.html']")
    page.wait_for_url("**/papers/dancegrpo-2025.html")
    assert page.outside == [] and page.errors == []


def _under(record, node: str) -> bool:
    return any(n == node or n.startswith(node + "/") for n in record.taxonomy)


def _shown(page) -> list[str]:
    return [
        h.rsplit("/", 1)[-1][:-5]
        for h in page.eval_on_selector_all(
            ".rl4lrm-explorer__table tbody a[href*='/papers/']", "els => els.map(e => e.href)"
        )
    ]


def _url(page) -> str:
    """The address once the explorer has written its state into it (just after each change)."""
    page.wait_for_selector("#rl4lrm-explorer:not([data-saving])", state="attached")
    return page.url


def _tick(page, name: str, value: str) -> None:
    box = page.locator(f"input[name={name}][value='{value}']")
    box.evaluate("el => el.closest('details') && (el.closest('details').open = true)")
    box.click()


def test_explorer_facets_or_within_and_across_with_live_counts(page, base_url: str, built) -> None:
    page.goto(base_url + "explorer.html")
    page.wait_for_selector("#rl4lrm-explorer[data-ready]")
    assert page.get_attribute("#rl4lrm-explorer", "data-count") == str(len(built.records))
    records = built.records
    a, b, r = "optimizer/critic-free", "optimizer/critic-based", "applications/multimodal"
    count = page.locator(f"input[name=node][value='{a}'] ~ .rl4lrm-facet__count")
    assert count.text_content() == f"({sum(1 for x in records if _under(x, a))})"
    _tick(page, "node", a)
    _tick(page, "node", b)  # OR within the optimizer facet
    either = [x for x in records if _under(x, a) or _under(x, b)]
    assert page.get_attribute("#rl4lrm-explorer", "data-count") == str(len(either))
    # the count beside a box of another facet: the works ticking it would give (AND across facets)
    expected_r = sum(1 for x in either if _under(x, r))
    assert page.locator(f"input[name=node][value='{r}'] ~ .rl4lrm-facet__count").text_content() == f"({expected_r})"
    # the count beside a box of the same facet ignores that facet's own boxes
    assert count.text_content() == f"({sum(1 for x in records if _under(x, a))})"
    _tick(page, "node", r)
    page.check("input[name=code]")
    expected = sorted(x.id for x in either if _under(x, r) and x.links.code)
    assert expected and len(expected) < len(records)
    assert sorted(_shown(page)) == expected
    _tick(page, "kind", "paper")
    papers = sorted(x.id for x in either if _under(x, r) and x.links.code and x.kind == "paper")
    assert sorted(_shown(page)) == papers
    url = _url(page)
    params = parse_qs(urlsplit(url).query)
    assert set(params["node"][0].split(",")) == {a, b, r} and "%2F" in url
    assert params["code"] == ["1"] and params["kind"] == ["paper"]
    page.goto(base_url + "index.html")
    page.goto(url)
    page.wait_for_selector("#rl4lrm-explorer[data-ready]")
    assert page.is_checked(f"input[name=node][value='{a}']") and page.is_checked(f"input[name=node][value='{r}']")
    assert page.is_checked("input[name=code]") and page.is_checked("input[name=kind][value=paper]")
    assert page.get_attribute("#rl4lrm-explorer", "data-count") == str(len(papers))
    assert page.url == url and page.errors == []


def test_explorer_years_sort_and_pages(page, base_url: str, built) -> None:
    page.goto(base_url + "explorer.html?from=2024&to=2025")
    page.wait_for_selector("#rl4lrm-explorer[data-ready]")
    in_range = [x for x in built.records if 2024 <= x.year <= 2025]
    assert page.get_attribute("#rl4lrm-explorer", "data-count") == str(len(in_range))
    page.select_option("select[name=from]", "2025")
    assert page.get_attribute("#rl4lrm-explorer", "data-count") == str(sum(1 for x in in_range if x.year == 2025))
    page.goto(base_url + "explorer.html")
    page.wait_for_selector("#rl4lrm-explorer[data-ready]")
    newest = sorted(built.records, key=lambda x: (x.date, x.id), reverse=True)
    assert _shown(page) == [x.id for x in newest[:50]]
    assert page.inner_text(".rl4lrm-explorer__where") == "Page 1 of 2"
    page.click("button[data-page=next]")
    assert _shown(page) == [x.id for x in newest[50:100]] and "page=2" in _url(page)
    page.click("button.rl4lrm-sort[data-sort=title]")
    by_title = sorted(built.records, key=lambda x: x.title.lower())
    assert _shown(page)[:5] == [x.id for x in by_title[:5]]
    assert page.get_attribute("th[data-sort=title]", "aria-sort") == "ascending" and "sort=title" in _url(page)
    page.click("button.rl4lrm-sort[data-sort=title]")
    assert page.get_attribute("th[data-sort=title]", "aria-sort") == "descending"
    assert _shown(page)[0] == by_title[-1].id
    url = _url(page)
    page.goto(base_url + "index.html")
    page.goto(url)
    page.wait_for_selector("#rl4lrm-explorer[data-ready]")
    assert _shown(page)[0] == by_title[-1].id and page.url == url
    assert float(page.get_attribute("#rl4lrm-explorer", "data-ms")) < 200
    assert page.errors == []


def test_bibtex_copy_and_download_hold_the_selected_keys(page, base_url: str, built) -> None:
    page.goto(base_url + "explorer.html?q=dancegrpo")
    page.wait_for_selector("#rl4lrm-explorer[data-ready]")
    assert page.get_attribute("#rl4lrm-explorer", "data-count") == "1"
    page.click("button[data-action=copy]")
    page.wait_for_selector("button[data-action=copy]:has-text('Copied 1')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@misc{xue2025dancegrpo,") and copied.count("@") == 1
    with page.expect_download() as info:
        page.click("button[data-action=bib]")
    assert "@misc{xue2025dancegrpo," in Path(info.value.path()).read_text(encoding="utf-8")
    with page.expect_download() as info:
        page.click("button[data-action=json]")
    assert [r["id"] for r in json.loads(Path(info.value.path()).read_text(encoding="utf-8"))] == ["dancegrpo-2025"]
    page.goto(base_url + "papers/dancegrpo-2025.html")
    page.click("button[data-copy-target]")
    page.wait_for_selector("button[data-copy-target]:has-text('Copied')")
    assert "xue2025dancegrpo" in page.evaluate("navigator.clipboard.readText()")
    assert page.errors == []


def test_hostile_record_renders_as_text(page, base_url: str) -> None:
    page.goto(base_url + "papers/xss-2025.html")
    assert page.inner_text("article h1") == XSS_TITLE
    assert page.locator("article img, article svg[onload], article script").count() == 0
    assert "<script>alert(2)</script>" in page.inner_text("article")
    page.goto(base_url + "explorer.html?q=alert")
    page.wait_for_selector("#rl4lrm-explorer[data-ready]")
    assert XSS_TITLE in page.inner_text("#rl4lrm-explorer")
    assert page.locator("#rl4lrm-explorer img").count() == 0
    assert base_url + "papers/xss-2025.html" in search(page, base_url, "Mallory")
    assert page.locator("#rl4lrm-search-results img, #rl4lrm-search-results b").count() == 0
    assert page.errors == []


def test_explorer_and_search_work_opened_from_disk(page, built) -> None:
    page.goto((built.site / "explorer.html").as_uri() + "?kind=paper")
    page.wait_for_selector("#rl4lrm-explorer[data-ready]")
    expected = sum(1 for r in built.records if r.kind == "paper")
    assert page.get_attribute("#rl4lrm-explorer", "data-count") == str(expected)
    page.click(".rl4lrm-explorer__table tbody a[href$='.html']")
    assert page.url.startswith("file://") and "/papers/" in page.url
    page.fill("#rl4lrm-search-input", "GRP")
    page.press("#rl4lrm-search-input", "O")
    page.wait_for_selector("#rl4lrm-search-results[data-query='GRPO']")
    assert page.locator("#rl4lrm-search-results a[href$='/papers/dancegrpo-2025.html']").count() == 1
    assert page.errors == []


def test_no_request_leaves_localhost(page, base_url: str) -> None:
    for path in (
        "index.html",
        "taxonomy/index.html",
        "taxonomy/optimizer/critic-free.html",
        "explorer.html",
        "papers/dancegrpo-2025.html",
        "baselines/grpo/index.html",
        "schema.html",
        "data.html",
        "404.html",
    ):
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
    search(page, base_url, "GRPO")
    page.wait_for_load_state("networkidle")
    assert page.outside == []


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "src") and tag in ("a", "link", "script", "img"):
                self.urls.append(value)


def test_every_internal_link_resolves(base_url: str) -> None:
    """Crawl from the home page over HTTP; every internal href/src must answer 200."""
    seen: set[str] = set()
    queue = [base_url + "index.html"]
    broken = []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url) as response:
                body = response.read()
                kind = response.headers.get_content_type()
        except OSError as exc:
            broken.append(f"{url}: {exc}")
            continue
        if kind != "text/html":
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        for ref in parser.urls:
            target = urldefrag(urljoin(url, ref)).url
            if target.startswith(base_url) and target not in seen:
                queue.append(target)
    assert broken == []
    assert (
        base_url + "papers/xss-2025.html" in seen and base_url + "baselines/grpo/results/cpu-smoke/metrics.csv" in seen
    )
    assert len(seen) > 60
