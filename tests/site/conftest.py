"""A small fixture project (synthetic records plus hand-written edge cases), built once per session, and a
headless Debian chromium driving it over a local HTTP server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from rl4lrm.kb.formatting import save_record
from rl4lrm.kb.project import Project
from rl4lrm.kb.records import read_record
from rl4lrm.kb.schema import Links, Record
from rl4lrm.kb.taxonomy import load_taxonomy
from rl4lrm.site.build import BuildResult, build_site
from rl4lrm.site.serve import serve_in_thread
from rl4lrm.site.synthetic import synthetic_records

REPO = Path(__file__).resolve().parents[2]
XSS_TITLE = "<img src=x onerror=alert(1)>"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class BuiltSite:
    root: Path
    result: BuildResult
    records: list[Record]

    @property
    def site(self) -> Path:
        return self.result.site


def special_records() -> list[Record]:
    """Edge cases: a name hiding 'GRPO' inside a word, a record with a baseline, a hostile record."""
    return [
        Record(
            id="dancegrpo-2025",
            kind="paper",
            title="DanceGRPO: Unleashing Group Policy Optimisation on Visual Generation",
            name="DanceGRPO",
            authors=["Zeyue Xue", "Jie Wu"],
            date="2025-05",
            venue="arXiv",
            links=Links(arxiv="2505.07818", code="https://github.com/example/dancegrpo"),
            taxonomy=["optimizer/critic-free", "applications/multimodal"],
            baselines=["grpo"],
            bibtex_key="xue2025dancegrpo",
            summary="Group-relative policy optimisation applied to diffusion and flow models.",
            added="2026-03-01",
        ),
        Record(
            id="xss-2025",
            kind="paper",
            title=XSS_TITLE,
            name="<script>alert(2)</script>",
            authors=["Eve <b>Mallory</b>"],
            date="2025-01",
            taxonomy=["reward/verifiable"],
            summary='</textarea><svg onload=alert(3)> & "quotes"',
            added="2026-03-02",
        ),
    ]


KNOWN_ITEMS = (
    "ppo-2017",
    "math-shepherd-2023",
    "r1-zero-vsi-2025",
    "cognisql-r1-zero-2025",
    "deepseek-r1-2025",
    "grpo-2024",
    "mu-grpo-2026",
)


def known_records() -> list[Record]:
    """Real records people search for (their baselines dropped: the fixture's recipes do not list them), and
    decoys that mention the same words in their text, newer, so that ranking, not recency, has to find them."""
    update = {"baselines": [], "added": "2026-01-01"}
    out = [read_record(REPO / "papers" / f"{rid}.yaml")[0].record.model_copy(update=update) for rid in KNOWN_ITEMS]
    out += [
        Record(
            id="ppo-decoy-2026",
            kind="paper",
            title="Revisiting Clipping in Proximal Policy Optimization for Long Chains of Thought at Scale",
            authors=["José Müller", "Ana Ñúñez"],
            date="2026-05",
            taxonomy=["optimizer/critic-based"],
            summary="We study proximal policy optimization and compare with math shepherd style process rewards.",
            abstract="Proximal policy optimization (PPO) is the workhorse; we revisit its clipping for R1 Zero "
            "style training and compare with Math-Shepherd verifiers and policy optimization variants.",
            added="2026-01-02",
        ),
    ]
    return out


def write_fixture_project(root: Path, count: int = 60) -> list[Record]:
    """taxonomy/, papers/ (count synthetic + the special records), a grpo recipe, the site sources."""
    shutil.copytree(REPO / "taxonomy", root / "taxonomy")
    shutil.copytree(REPO / "site", root / "site")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    records = synthetic_records(count, load_taxonomy(root / "taxonomy"), seed=7) + special_records() + known_records()
    for record in records:
        save_record(root / "papers", record)
    recipe = root / "baselines" / "recipes" / "grpo"
    recipe.mkdir(parents=True)
    (recipe / "cpu-smoke.yaml").write_text("papers:\n- dancegrpo-2025\nsteps: 4\n", encoding="utf-8")
    (recipe / "README.md").write_text(
        "# GRPO — Group Relative Policy Optimization\n\n**Objective.** Group-relative advantages.\n\n"
        "| Preset | Command |\n|---|---|\n| cpu-smoke | `rl4lrm baseline run grpo --preset cpu-smoke` |\n\n"
        "Preset file: [cpu-smoke.yaml](cpu-smoke.yaml). Metrics: [metrics.csv](results/cpu-smoke/metrics.csv).\n"
        "Trainer: [grpo.py](../../../tools/rl4lrm/baselines/grpo.py).\n",
        encoding="utf-8",
    )
    (recipe / "results" / "cpu-smoke").mkdir(parents=True)
    (recipe / "results" / "cpu-smoke" / "metrics.csv").write_text("step,reward\n1,0.5\n", encoding="utf-8")
    bare = root / "baselines" / "recipes" / "ppo"
    bare.mkdir()
    (bare / "cpu-smoke.yaml").write_text("papers: []\nsteps: 2  # <b>not bold</b>\n", encoding="utf-8")
    (root / "baselines" / "recipes" / "empty").mkdir()
    results = root / "baselines" / "results"
    results.mkdir()
    (results / "toy_table.md").write_text(
        "# Toy benchmark\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n![curve](toy_table.png)\n"
    )
    (results / "toy_table.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return records


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The fixture project built once (strict) for the whole session."""
    root = tmp_path_factory.mktemp("site-project")
    records = write_fixture_project(root)
    result = build_site(Project(root), root / "build", strict=True)
    return BuiltSite(root, result, records)


@pytest.fixture(scope="session")
def base_url(built: BuiltSite) -> Iterator[str]:
    server, url = serve_in_thread(built.site)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url: str):
    """A fresh page; any request leaving 127.0.0.1 is aborted and recorded in page.outside."""
    context = browser.new_context(accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page = context.new_page()
    page.outside = []
    page.errors = []

    def route(route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:", "file://")):
            route.continue_()
        else:
            page.outside.append(url)
            route.abort()

    context.route("**/*", route)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("dialog", lambda dialog: (page.errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    yield page
    context.close()
