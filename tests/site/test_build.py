"""The built fixture site: data files, schema page, navigation, escaping, size and offline constraints."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markupsafe import escape

from rl4lrm.kb.project import Project
from rl4lrm.kb.schema import Links, Record
from rl4lrm.site.build import BuildError, build_site

XSS_TITLE = "<img src=x onerror=alert(1)>"


EXTERNAL_LOAD = re.compile(r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\ssrc=["']?(?:https?:)?//""", re.I)
EXTERNAL_CSS = re.compile(
    r"""<link\b(?=[^>]*rel=["']?(?:stylesheet|preload|preconnect|icon|modulepreload))"""
    r"""[^>]*href=["']?(?:https?:)?//""",
    re.I,
)


def test_data_files_hold_every_record(built) -> None:
    site = built.site
    ids = {r.id for r in built.records}
    assert {r["id"] for r in json.loads((site / "papers.json").read_text())} == ids
    bib = (site / "papers.bib").read_text()
    assert "xue2025dancegrpo" in bib and bib.count("\n@") + bib.startswith("@") == len(ids)
    feed = ET.fromstring((site / "feed.xml").read_text())
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert entries and entries[0].find("{http://www.w3.org/2005/Atom}title").text == XSS_TITLE
    schema = json.loads((site / "record.schema.json").read_text())
    assert set(schema["properties"]) == set(Record.model_fields)
    assert "<loc>https://" in (site / "sitemap.xml").read_text()


def test_schema_page_documents_every_field(built) -> None:
    html = (built.site / "schema.html").read_text()
    for name, info in Record.model_fields.items():
        assert f"<code>{name}</code>" in html
        if info.description:
            assert str(escape(info.description))[:40] in html
    for name in Links.model_fields:
        assert f"<code>links.{name}</code>" in html
    assert 'href="record.schema.json"' in html
    assert "<code>paper</code>" in html and "<code>benchmark</code>" in html


def test_navigation_keeps_paper_pages_out(built) -> None:
    html = (built.site / "index.html").read_text()
    nav = html[html.index('<nav class="md-nav md-nav--primary"') :]
    nav = nav[: nav.index("</nav>")]
    assert "Explorer" in nav and "Baselines" in nav
    assert "papers/" not in nav and "taxonomy/optimizer" not in nav


def test_paper_page_content_and_size(built) -> None:
    page = built.site / "papers" / "dancegrpo-2025.html"
    html = page.read_text()
    assert page.stat().st_size <= 40 * 1024
    assert 'href="../taxonomy/optimizer/critic-free.html"' in html
    assert "rl4lrm baseline run grpo --preset cpu-smoke" in html
    assert "@misc{xue2025dancegrpo," in html and 'data-copy-target="bibtex-dancegrpo-2025"' in html
    assert 'href="https://arxiv.org/abs/2505.07818"' in html
    assert max(p.stat().st_size for p in (built.site / "papers").glob("*.html")) <= 40 * 1024


def test_record_strings_are_escaped_everywhere(built) -> None:
    for path in built.site.rglob("*.html"):
        html = path.read_text()
        assert "<img src=x" not in html and "<script>alert" not in html and "<svg onload" not in html, path
        assert "<b>Mallory" not in html, path
    html = (built.site / "papers" / "xss-2025.html").read_text()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<title>&lt;img src=x onerror=alert(1)&gt; - rl4lrm</title>" in html
    data = (built.site / "data" / "explorer.js").read_text()
    assert "<img" not in data and "\\u003cimg src=x" in data


def test_no_page_loads_anything_from_outside(built) -> None:
    for path in built.site.rglob("*.html"):
        html = path.read_text()
        assert not EXTERNAL_LOAD.search(html), path
        assert not EXTERNAL_CSS.search(html), path
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, path


def test_node_and_recipe_pages(built) -> None:
    node = (built.site / "taxonomy" / "optimizer" / "critic-free.html").read_text()
    assert "§3.2.3" in node and "dancegrpo-2025.html" in node and "<svg" in node
    recipe = (built.site / "baselines" / "grpo" / "index.html").read_text()
    assert "rl4lrm baseline run grpo --preset cpu-smoke" in recipe and "<table>" in recipe
    assert 'href="../../papers/dancegrpo-2025.html"' in recipe and 'href="results/cpu-smoke/metrics.csv"' in recipe
    assert (built.site / "baselines" / "grpo" / "results" / "cpu-smoke" / "metrics.csv").is_file()
    assert 'href="https://github.com/rl4lrm/rl4lrm/blob/main/tools/rl4lrm/baselines/grpo.py"' in recipe
    bare = (built.site / "baselines" / "ppo" / "index.html").read_text()
    assert "&lt;b&gt;not bold&lt;/b&gt;" in bare and "Preset cpu-smoke" in bare
    assert "No presets yet" in (built.site / "baselines" / "empty" / "index.html").read_text()
    index = (built.site / "baselines" / "index.html").read_text()
    assert all(f'href="{name}/index.html"' in index for name in ("grpo", "ppo", "empty"))
    assert 'href="results/toy_table.html"' in index
    table = (built.site / "baselines" / "results" / "toy_table.html").read_text()
    assert "<table>" in table and 'src="toy_table.png"' in table
    assert (built.site / "baselines" / "results" / "toy_table.png").is_file()
    home = (built.site / "index.html").read_text()
    assert "§3.2.3" in home and 'class="rl4lrm-plot"' in home and "xss-2025.html" in home


def test_strict_build_stops_on_a_validation_problem(built, tmp_path: Path, monkeypatch) -> None:
    import shutil

    for name in ("taxonomy", "site", "papers", "baselines"):
        shutil.copytree(built.root / name, tmp_path / name)
    shutil.copy(built.root / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "papers" / "broken-2025.yaml").write_text("id: broken-2025\nkind: paper\n")
    monkeypatch.setenv("RL4LRM_ROOT", str(tmp_path))
    with pytest.raises(BuildError, match=r"papers/broken-2025.yaml:\d+"):
        build_site(Project(tmp_path), tmp_path / "build", strict=True)
    assert not (tmp_path / "build" / "site").exists()


def test_cli_reports_a_missing_config_without_traceback(built, tmp_path: Path, monkeypatch, capsys):
    import shutil

    from rl4lrm.cli import main

    shutil.copytree(built.root / "taxonomy", tmp_path / "taxonomy")
    (tmp_path / "papers").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RL4LRM_ROOT", raising=False)
    assert main(["site", "build", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "mkdocs.yml: not found" in err and "Traceback" not in err


def test_serve_builds_serves_and_rebuilds_on_change(built, tmp_path: Path) -> None:
    import os
    import shutil
    import subprocess
    import sys
    import urllib.request

    for name in ("taxonomy", "site", "papers", "baselines"):
        shutil.copytree(built.root / name, tmp_path / name)
    shutil.copy(built.root / "mkdocs.yml", tmp_path / "mkdocs.yml")
    env = {**os.environ, "RL4LRM_ROOT": str(tmp_path)}
    cmd = [sys.executable, "-m", "rl4lrm.cli", "site", "serve", "--port", "0"]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [server.stdout.readline(), server.stdout.readline()]
        assert lines[0].startswith("built ") and "serving" in lines[1], lines
        page = lines[1].split(" at ", 1)[1].split()[0] + "papers/dancegrpo-2025.html"
        with urllib.request.urlopen(page) as response:
            assert b"DanceGRPO" in response.read()
        record = tmp_path / "papers" / "dancegrpo-2025.yaml"
        record.write_text(record.read_text().replace("name: DanceGRPO", "name: DanceGRPO-2"))
        assert server.stdout.readline().startswith("sources changed")
        assert server.stdout.readline().startswith("built ")
        with urllib.request.urlopen(page) as response:
            assert b"DanceGRPO-2" in response.read()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_strict_build_names_a_broken_link(built, tmp_path: Path) -> None:
    import shutil

    for name in ("taxonomy", "site", "papers", "baselines"):
        shutil.copytree(built.root / name, tmp_path / name)
    shutil.copy(built.root / "mkdocs.yml", tmp_path / "mkdocs.yml")
    readme = tmp_path / "baselines" / "recipes" / "grpo" / "README.md"
    readme.write_text(readme.read_text() + "\nSee [the 8-GPU preset](8xgpu.yaml).\n")
    with pytest.raises(BuildError, match=r"baselines/grpo/index.md.*8xgpu.yaml"):
        build_site(Project(tmp_path), tmp_path / "build", strict=True)
