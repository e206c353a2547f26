"""rl4lrm import awesome on a small README with the quirks of the survey's list."""

from __future__ import annotations

from rl4lrm.kb.records import load_records


def _records(project):
    return {r.id: r for r in load_records(project / "papers").records}


def test_rows_become_records_once_with_all_their_sections(project, sources, cli):
    code, out, _ = cli("import", "awesome", str(sources["readme"]))
    assert code == 0
    assert "9 items: created 3, merged 1, unchanged 0, skipped 3, could not place 2" in out
    records = _records(project)
    r1 = records["deepseek-r1-2025"]
    assert r1.taxonomy == ["frontier", "reward/generative"]
    assert r1.kind == "model"
    assert r1.links.arxiv == "2501.12948"
    assert r1.links.code == "https://github.com/deepseek-ai/DeepSeek-R1"
    assert r1.date == "2025-01"
    assert r1.name == "DeepSeek-R1"


def test_missing_date_comes_from_the_arxiv_id_and_badge_links_are_sorted(project, sources, cli):
    cli("import", "awesome", str(sources["readme"]))
    records = _records(project)
    grpo = records["grpo-2024"]
    assert grpo.date == "2024-02"
    assert grpo.links.arxiv == "2402.03300", "a pdf URL with a version still gives the bare arXiv id"
    names = {r.name for r in records.values()}
    assert not names & {"QwQ", "DeepScaleR", "Nameless"}, "rows with neither date nor arXiv id cannot be dated"


def test_blog_in_code_column_and_kinds_from_section_and_title(project, sources, cli, tmp_path):
    readme = sources["readme"]
    text = readme.read_text().replace("| - | `DeepScaleR` |", "| 2025-02 | `DeepScaleR` |")
    text = text.replace("| - | `QwQ` |", "| 2025-03 | `QwQ` |")
    readme.write_text(text)
    cli("import", "awesome", str(readme))
    records = _records(project)
    scaler = records["deepscaler-2025"]
    assert scaler.links.blog == "https://example.notion.site/deepscaler"
    assert scaler.links.code is None
    assert scaler.kind == "dataset", "the section's kind wins over 'blog'"
    assert scaler.taxonomy == ["resources/static-corpus/math"]
    qwq = records["qwq-2025"]
    assert qwq.kind == "model" and qwq.links.blog == "https://qwenlm.github.io/blog/qwq-32b/"
    assert records["toybench-2025"].kind == "benchmark"
    assert records["toybench-2025"].title == "ToyBench: A Benchmark for Toy Reasoning"


def test_skipped_and_unplaced_rows_are_reported_with_file_and_line(project, sources, cli):
    _, out, _ = cli("import", "awesome", str(sources["readme"]))
    lines = sources["readme"].read_text().splitlines()
    nameless = next(i for i, line in enumerate(lines, 1) if "Nameless" in line)
    lost = next(i for i, line in enumerate(lines, 1) if "`Lost`" in line)
    assert f"README.md:{nameless}: no date" in out
    assert f"README.md:{lost}: no taxonomy node for 'A Work In A Section Nobody Mapped'" in out
    records = _records(project)
    assert not any(r.name in ("Nameless", "Lost") for r in records.values())


def test_a_section_map_file_places_more(project, sources, cli, tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("sections:\n  Unmapped Section: {nodes: [problems/training-recipes]}\n")
    _, out, _ = cli("import", "awesome", str(sources["readme"]), "--map", str(mapping))
    assert "created 2" in out and "could not place 4" in out, "a map given replaces the default one"
    records = _records(project)
    assert records["lost-2024"].taxonomy == ["problems/training-recipes"]
    assert records["survey-2024"].kind == "survey"
