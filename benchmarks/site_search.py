"""Search and explorer speed in Debian chromium: the site's own index vs Pagefind vs mkdocs-material's lunr.

For each size, synthetic records are written once and the site is built with each engine; then, for a set of
queries, the query minus its last character is typed, the results are let to settle, and the time from the last
keydown to the results being rendered is measured (MutationObserver on the results). The explorer is timed from
a filter change to the next frame after the table is redrawn.

Usage: python benchmarks/site_search.py [--sizes 556,5000,20000] [--engines index,pagefind] [--site BUILT_SITE]
       python benchmarks/site_search.py --sizes 556,5000,20000 --engines lunr   (mkdocs-material's search)
Also: the bytes a fresh page fetches from focusing the box to the first results (cold), and the search data a page
that never searches fetches. Targets at 20,000 records with 150-word abstracts: keystroke -> results <= 30 ms
median, <= 3 MB before the first results, <= 500 KB of search data on a page that never searches; explorer change
<= 50 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

from rl4lrm.kb.taxonomy import load_taxonomy  # noqa: E402
from rl4lrm.site.serve import serve_in_thread  # noqa: E402
from rl4lrm.site.synthetic import synthetic_records, write_synthetic_project  # noqa: E402

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "true", "DISABLE_MKDOCS_2_WARNING": "true"}

OBSERVE = """([target, engine]) => {
  const box = document.querySelector(target);
  window.__t0 = null; window.__t1 = null;
  document.addEventListener('keydown', () => { window.__t0 = performance.now(); window.__t1 = null; }, true);
  const input = document.querySelector(engine === 'lunr' ? '.md-search__input' : '#rl4lrm-search-input');
  // lunr: mkdocs-material re-renders its result list for every query; Pagefind box: tagged with its query.
  const done = (records) => engine === 'lunr'
    ? records.some(r => r.target.classList && r.target.classList.contains('md-search-result__list')
                        && r.addedNodes.length > 0)
    : box.getAttribute('data-query') === input.value.trim();
  new MutationObserver((records) => {
    if (window.__t0 !== null && window.__t1 === null && done(records)) window.__t1 = performance.now();
  }).observe(box, {childList: true, subtree: true, attributes: true, characterData: true});
}"""

FILTER = """async ([selector, value]) => {
  const control = document.querySelector(selector);
  const t0 = performance.now();
  if (control.type === 'checkbox') control.checked = !control.checked; else control.value = value;
  control.dispatchEvent(new Event(control.tagName === 'SELECT' || control.type === 'checkbox' ? 'change' : 'input',
                                 {bubbles: true}));
  await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
  return performance.now() - t0;
}"""


def build(project: Path, engine: str) -> tuple[Path, float]:
    out = project / f"build-{engine}"
    start = time.perf_counter()
    cmd = [str(Path(sys.executable).parent / "rl4lrm"), "site", "build", "--out", str(out), "--search", engine]
    done = subprocess.run(cmd, cwd=project, env=ENV, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"build failed:\n{done.stdout}\n{done.stderr}")
    return out / "site", time.perf_counter() - start


def queries(project: Path, count: int) -> list[str]:
    """Names of real (synthetic) records, a name inside a word, and plain words."""
    records = synthetic_records(count, load_taxonomy(project / "taxonomy"))
    picked = [records[i].name for i in (0, count // 3, count // 2, count - 1)]
    arxiv = next(r.links.arxiv for r in records[count // 4 :] if r.links.arxiv)
    return [*picked, "GRPO", "Skywork", "entropy", "curriculum", "Chen", "verifier", "policy gradient", arxiv, "ka"]


def measure_search(browser, url: str, engine: str, words: list[str]) -> list[float]:
    page = browser.new_page()
    page.goto(url + "index.html")
    if engine == "lunr":
        page.click(".md-search__input")
        page.wait_for_function(
            "!document.querySelector('.md-search-result__meta').textContent.includes('Initializing')", timeout=600_000
        )
        box, target = page.locator(".md-search__input"), ".md-search-result"
    else:
        box, target = page.locator("#rl4lrm-search-input"), "#rl4lrm-search-results"
        box.focus()
    page.evaluate(OBSERVE, [target, engine])
    times = []
    for word in words:
        box.fill("")
        box.press_sequentially(word[:-1])
        page.wait_for_timeout(3000 if engine == "lunr" else 1500)
        page.evaluate("window.__t0 = null; window.__t1 = null")
        box.press(word[-1])
        page.wait_for_function("window.__t1 !== null", timeout=600_000)
        times.append(page.evaluate("window.__t1 - window.__t0"))
    page.close()
    return times


SEARCH_BYTES = """(part) => performance.getEntriesByType('resource')
  .filter(e => e.name.includes(part)).reduce((n, e) => n + (e.transferSize || e.encodedBodySize), 0)"""


def measure_cold(browser, url: str, word: str) -> tuple[float, int]:
    """A fresh page: from focusing the box (nothing loaded yet) to the results of a query typed straight away;
    returns the milliseconds and the bytes of search data fetched by then."""
    page = browser.new_page()
    page.goto(url + "index.html")
    page.evaluate(OBSERVE, ["#rl4lrm-search-results", "index"])
    start = page.evaluate("performance.now()")
    box = page.locator("#rl4lrm-search-input")
    box.focus()
    box.press_sequentially(word)
    page.wait_for_selector(f"#rl4lrm-search-results[data-query='{word}']", timeout=600_000)
    seconds = page.evaluate("window.__t1") - start
    fetched = page.evaluate(SEARCH_BYTES, "/data/search/")
    page.close()
    return seconds, fetched


def measure_idle(browser, url: str) -> int:
    """Bytes of search data a paper page fetches when nobody searches."""
    page = browser.new_page()
    page.goto(url + "papers/" + sorted(p.name for p in Path(url_site[url], "papers").glob("*.html"))[0])
    page.wait_for_load_state("networkidle")
    fetched = page.evaluate(SEARCH_BYTES, "/data/search/")
    page.close()
    return fetched


url_site: dict[str, Path] = {}


def index_size(site: Path) -> str:
    files = list((site / "data" / "search").glob("*.js"))
    biggest = max((f.stat().st_size for f in files), default=0)
    total = sum(f.stat().st_size for f in files)
    return f"index {len(files)} files, {total / 1e6:.1f} MB in all, largest {biggest / 1e3:.0f} KB"


def minisearch_figures(project: Path, count: int) -> str:
    """MiniSearch over the same fields, in node: its serialised index is what a page would fetch before the first
    result (MiniSearch answers from one in-memory index)."""
    import json

    from rl4lrm.kb.taxonomy import load_taxonomy

    script = REPO / "benchmarks" / "minisearch_size.mjs"
    if not (REPO / "tools" / "rl4lrm" / "site" / "npm" / "node_modules" / "minisearch").is_dir():
        return "MiniSearch: not installed (make npm)"
    taxonomy = load_taxonomy(project / "taxonomy")
    docs = [
        {
            "id": r.id,
            "name": r.name or "",
            "title": r.title,
            "authors": " ".join(r.authors),
            "taxonomy": " ".join(taxonomy.nodes[n].title for n in r.taxonomy if n in taxonomy.nodes),
            "summary": r.summary or "",
            "abstract": r.abstract or "",
            "venue": r.venue or "",
        }
        for r in synthetic_records(count, taxonomy)
    ]
    path = project / "minisearch-docs.json"
    path.write_text(json.dumps(docs), encoding="utf-8")
    done = subprocess.run(["node", str(script), str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return f"MiniSearch: failed ({done.stderr.strip()[-300:]})"
    f = json.loads(done.stdout)
    return (
        f"MiniSearch 7.2.0 on the same {f['docs']} documents: indexed in {f['seconds']:.1f} s (node), serialised "
        f"index {f['index_bytes'] / 1e6:.1f} MB, all fetched before the first result (the text itself is "
        f"{f['text_bytes'] / 1e6:.1f} MB); 'policy optimization' {f['query_ms']:.0f} ms in node"
    )


def report_index(
    browser, url: str, site: Path, words: list[str], label: str, project: Path | None = None, count: int = 0
) -> None:
    """The cold figures for a few queries and the idle figure, printed."""
    url_site[url] = site
    for word in (words[4], words[6], "policy optimization", words[0]):
        ms, fetched = measure_cold(browser, url, word)
        print(f"  cold '{word}': first results {ms:.0f} ms after focus, {fetched / 1e6:.2f} MB fetched (<= 3 MB)")
    print(
        f"  {label}: a page that never searches fetches {measure_idle(browser, url)} bytes of search data (<= 500 KB)"
    )
    print(f"  {index_size(site)}")
    if project is not None:
        print(f"  {minisearch_figures(project, count)}", flush=True)


CLICK = """async (selector) => {
  const t0 = performance.now();
  document.querySelector(selector).click();
  await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
  return performance.now() - t0;
}"""


def measure_explorer(browser, url: str) -> list[float]:
    """Ticking and unticking facet boxes (counts recomputed every time), kind, code, years, text, sorting, paging:
    milliseconds from the change to the frame after the table and the counts are redrawn."""
    page = browser.new_page()
    page.goto(url + "explorer.html")
    page.wait_for_selector("#rl4lrm-explorer[data-ready]", timeout=120_000)
    steps = [
        ("input[name=node][value='optimizer/critic-free']", ""),
        ("input[name=node][value='optimizer/critic-based']", ""),
        ("input[name=kind][value=paper]", ""),
        ("input[name=code]", ""),
        ("select[name=from]", "2024"),
        ("input[name=node][value='reward/dense']", ""),
        ("input[name=q]", "chen"),
        ("input[name=q]", ""),
        ("click", "button.rl4lrm-sort[data-sort=title]"),
        ("click", "button[data-page=next]"),
        ("click", "button.rl4lrm-sort[data-sort=title]"),
        ("input[name=node][value='optimizer/critic-free']", ""),
        ("input[name=code]", ""),
        ("input[name=kind][value=paper]", ""),
        ("click", "button.rl4lrm-sort[data-sort=date]"),
        ("input[name=node][value='optimizer/critic-based']", ""),
    ]
    times = [
        page.evaluate(CLICK, value) if sel == "click" else page.evaluate(FILTER, [sel, value]) for sel, value in steps
    ]
    page.close()
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    return (
        f"median {statistics.median(times):.0f} ms, p90 {ordered[int(0.9 * (len(times) - 1))]:.0f} ms, "
        f"max {max(times):.0f} ms (first {times[0]:.0f} ms)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="556,5000,20000")
    parser.add_argument("--engines", default="index,pagefind", help="also: lunr (slow: minutes per query set at 20k)")
    parser.add_argument(
        "--site", type=Path, help="measure this already built site (its own search box) instead, then stop"
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="rl4lrm-search-bench-") as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        if args.site:
            count = len(list((args.site / "papers").glob("*.html")))
            server, url = serve_in_thread(args.site)
            words = queries(args.site.parents[1], count)
            times = measure_search(browser, url, "index", words)
            print(f"{args.site}: keystroke -> results {summary(times)}")
            print("  per query: " + ", ".join(f"{w} {t:.0f}" for w, t in zip(words, times, strict=True)))
            report_index(browser, url, args.site, words, str(args.site), args.site.parents[1], count)
            print(f"  explorer filter change: {summary(measure_explorer(browser, url))}")
            server.shutdown()
            return 0
        for size in (int(s) for s in args.sizes.split(",")):
            project = Path(tmp) / str(size)
            project.mkdir()
            shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
            shutil.copytree(REPO / "site", project / "site")
            write_synthetic_project(project, REPO / "taxonomy", size)
            words = queries(project, size)
            for engine in args.engines.split(","):
                site, seconds = build(project, engine)
                server, url = serve_in_thread(site)
                try:
                    times = measure_search(browser, url, engine, words)
                    print(
                        f"{size} records, {engine}: build {seconds:.0f} s; keystroke -> results {summary(times)}",
                        flush=True,
                    )
                    print("  per query: " + ", ".join(f"{w} {t:.0f}" for w, t in zip(words, times, strict=True)))
                    if engine == "index":
                        report_index(browser, url, site, words, f"{size} records", project, size)
                    if engine == "index":
                        print(
                            f"{size} records, explorer filter change: {summary(measure_explorer(browser, url))}",
                            flush=True,
                        )
                finally:
                    server.shutdown()
                    server.server_close()
                shutil.rmtree(site.parent)
            shutil.rmtree(project)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
