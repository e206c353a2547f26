"""The import command end to end: idempotence, dry runs and clear errors for bad input files."""

from __future__ import annotations

from pathlib import Path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.yaml"))}


def test_reimporting_changes_nothing(project, sources, cli):
    cli("import", "awesome", str(sources["readme"]))
    cli("import", "bibtex", str(sources["bib"]))
    before = _snapshot(project / "papers")
    assert len(before) == 5
    _, out_list, _ = cli("import", "awesome", str(sources["readme"]))
    _, out_bib, _ = cli("import", "bibtex", str(sources["bib"]))
    assert "created 0, merged 0, unchanged 4" in out_list
    assert "created 0, merged 0, unchanged 3" in out_bib
    assert _snapshot(project / "papers") == before
    code, _, _ = cli("validate")
    assert code == 0


def test_dry_run_writes_nothing_but_reports_the_same(project, sources, cli):
    _, dry, _ = cli("import", "awesome", str(sources["readme"]), "--dry-run")
    assert not list((project / "papers").iterdir())
    assert "would be created 3, would be merged 1" in dry
    _, real, _ = cli("import", "awesome", str(sources["readme"]))
    assert "created 3, merged 1" in real


def test_missing_file_is_a_clean_error(project, cli, tmp_path):
    code, out, err = cli("import", "bibtex", str(tmp_path / "nope.bib"))
    assert code == 1
    assert "nope.bib: file not found" in err
    assert "Traceback" not in err + out


def test_readme_without_tables_names_the_file(project, cli, tmp_path):
    readme = tmp_path / "empty.md"
    readme.write_text("# Title\n\nNo tables here.\n")
    code, _, err = cli("import", "awesome", str(readme))
    assert code == 1 and "empty.md:1: no markdown table with a Title column found" in err


def test_invalid_utf8_names_the_line(project, cli, tmp_path):
    bib = tmp_path / "latin1.bib"
    bib.write_bytes(b"@article{a,\n  title = {Caf\xe9},\n  year = {2020}\n}\n")
    code, _, err = cli("import", "bibtex", str(bib))
    assert code == 1 and "latin1.bib:2: not valid UTF-8" in err


def test_malformed_bib_reports_each_broken_block(project, cli, tmp_path):
    bib = tmp_path / "broken.bib"
    bib.write_text(
        "@article{ok2020,\n  title = {A Fine Entry},\n  journal = {arXiv preprint arXiv:2001.00001},\n"
        "  year = {2020}\n}\n\n@article{bad,\n  title = {Unclosed,\n  year = 2020\n\n"
        "@misc{notitle,\n  year = {2021}\n}\n"
    )
    code, out, err = cli("import", "bibtex", str(bib))
    assert code == 0, err
    assert "broken.bib:7: cannot parse this block: Unexpected block start: `@misc`" in out
    assert "broken.bib:11: entry 'notitle' has no title" in out
    assert "skipped 2, could not place 1" in out
    assert "Traceback" not in out + err
    empty = tmp_path / "nothing.bib"
    empty.write_text("% only a comment\n")
    code, _, err = cli("import", "bibtex", str(empty))
    assert code == 1 and "nothing.bib:1: no BibTeX entries found" in err


def test_a_key_used_twice_is_reported_and_never_a_second_record(project, cli, tmp_path):
    bib = tmp_path / "dup.bib"
    bib.write_text(
        "@article{dup,\n title={One Title},\n journal={arXiv preprint arXiv:2001.00001},\n year={2020}}\n"
        "@article{dup,\n title={{One} title},\n author={Doe, Jane},\n year={2020}}\n"
    )
    place = tmp_path / "place.yaml"
    place.write_text("placements:\n  dup: [frontier]\n")
    code, out, _ = cli("import", "bibtex", str(bib), "--place", str(place))
    assert code == 0 and "2 items: created 1, merged 0, unchanged 0, skipped 1" in out
    assert "dup.bib:5: citation key 'dup' is used again (first at dup.bib:1)" in out
    assert [p.name for p in (project / "papers").iterdir()] == ["one-title-2020.yaml"]
    assert "2001.00001" in (project / "papers" / "one-title-2020.yaml").read_text()


def test_bad_mapping_file_names_file_line_and_node(project, sources, cli, tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("sections:\n  Frontier Models: [frontier]\n  Dense Rewards: [reward/dens]\n")
    code, _, err = cli("import", "awesome", str(sources["readme"]), "--map", str(mapping))
    assert code == 1
    assert "map.yaml:3: sections.Dense Rewards: unknown taxonomy node 'reward/dens'" in err
    assert "did you mean 'reward/dense'?" in err
    assert not list((project / "papers").iterdir())


def test_invalid_existing_records_stop_the_import(project, sources, cli):
    (project / "papers" / "broken.yaml").write_text("id: broken\nkind: paper\n")
    code, _, err = cli("import", "awesome", str(sources["readme"]))
    assert code == 1 and "papers/broken.yaml" in err and "fix the records" in err


def test_undated_entries_merge_into_a_dated_one_later_in_the_file(project, cli, tmp_path):
    bib = tmp_path / "order.bib"
    bib.write_text(
        "@misc{undated,\n title={A Work},\n author={Doe, Jane and others}}\n"
        "@misc{dated,\n title={A work},\n year={2024},\n month=jul}\n"
    )
    place = tmp_path / "place.yaml"
    place.write_text("placements:\n  dated: [frontier]\n")
    code, out, _ = cli("import", "bibtex", str(bib), "--place", str(place))
    assert code == 0 and "2 items: created 1, merged 1, unchanged 0, skipped 0" in out
    text = (project / "papers" / "work-2024.yaml").read_text()
    assert "date: 2024-07" in text and "Jane Doe" in text and "authors_truncated: true" in text


# --- the import is one checked change, written all or nothing ---

EXISTING = (
    "id: dapo-2025\nkind: paper\ntitle: 'DAPO: An Open-Source LLM Reinforcement Learning System at Scale'\n"
    "date: 2025-03\nlinks:\n  arxiv: '2503.14476'\ntaxonomy:\n- optimizer/critic-free\nbibtex_key: yu2025dapo\n"
    "added: '2025-04-01'\n"
)
UNPLACED = (
    "@article{fine2024,\n title={A Fine New Work},\n author={Doe, Jane},\n"
    " journal={arXiv preprint arXiv:2401.00011},\n year={2024}\n}\n"
)


def _line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def test_an_import_creating_a_duplicate_key_writes_nothing_and_names_file_and_line(project, cli, tmp_path):
    (project / "papers" / "dapo-2025.yaml").write_text(EXISTING)
    bib = tmp_path / "dup-key.bib"
    bib.write_text(
        UNPLACED + "@article{yu2025dapo,\n title={Another Work Entirely},\n author={Roe, Richard},\n"
        " journal={arXiv preprint arXiv:2502.00022},\n year={2025}\n}\n"
    )
    before = _snapshot(project / "papers")
    code, out, err = cli("import", "bibtex", str(bib), "--node", "reward/dense")
    assert code == 1
    assert _snapshot(project / "papers") == before and not list((project / "papers").glob(".*"))
    assert "would be created 2" in out
    new = "papers/another-work-entirely-2025.yaml"
    assert f"{new}:" in err and "bibtex_key: same bibtex_key as papers/dapo-2025.yaml:9 ('yu2025dapo')" in err
    assert "[duplicate-bibtex-key]" in err
    assert "nothing written: the import would leave 1 problem(s) in the base" in err


def test_an_import_creating_an_invalid_record_writes_nothing(project, cli, tmp_path):
    bib = tmp_path / "future.bib"
    bib.write_text(UNPLACED + "@misc{later,\n title={A Work From The Future},\n year={2999}\n}\n")
    code, _, err = cli("import", "bibtex", str(bib), "--node", "frontier")
    assert code == 1 and not list((project / "papers").iterdir())
    assert "papers/work-future-2999.yaml:" in err and "date: '2999' is in the future [future-date]" in err
    line = err.split("papers/work-future-2999.yaml:")[1].split(":")[0]
    assert line.isdigit() and int(line) > 1  # the line of `date:` in the file that would have been written


def test_node_places_what_nothing_else_places_and_lists_it_for_review(project, cli, tmp_path):
    bib = tmp_path / "one.bib"
    bib.write_text(UNPLACED)
    code, out, _ = cli("import", "bibtex", str(bib), "--node", "reward/dense")
    assert code == 0, out
    assert "created 1" in out and "new records placed by: section 0, hint 0, hand 0, default 1" in out
    assert "placed by --node or --suggest (review these):" in out
    assert "one.bib:1: papers/fine-new-work-2024.yaml -> reward/dense (--node)" in out
    assert "reward/dense" in (project / "papers" / "fine-new-work-2024.yaml").read_text()
    assert cli("validate")[0] == 0


def test_suggest_places_with_the_taggers_first_choice(project, cli, tmp_path):
    from rl4lrm.contrib.tagging import tagger_for
    from rl4lrm.kb.project import Project

    bib = tmp_path / "one.bib"
    bib.write_text(UNPLACED.replace("A Fine New Work", "Resolving Issues in Real Software Repositories"))
    node, score = tagger_for(Project(project)).suggest("Resolving Issues in Real Software Repositories").nodes[0]
    code, out, _ = cli("import", "bibtex", str(bib), "--suggest")
    assert code == 0, out
    assert f"-> {node} (tagger, score {score:.2f})" in out and "suggested 1" in out
    (path,) = (project / "papers").iterdir()
    assert f"- {node}\n" in path.read_text()


def test_node_must_be_a_placeable_node(project, cli, tmp_path):
    bib = tmp_path / "one.bib"
    bib.write_text(UNPLACED)
    code, _, err = cli("import", "bibtex", str(bib), "--node", "reward/dens")
    assert code == 2 and "--node: unknown taxonomy node 'reward/dens' (did you mean 'reward/dense'?)" in err
    code, _, err = cli("import", "bibtex", str(bib), "--node", "reward")
    assert code == 2 and "'reward' is a whole facet" in err
    assert not list((project / "papers").iterdir())


def test_a_failed_write_rolls_back_every_file(project, sources, cli, monkeypatch):
    (project / "papers" / "dapo-2025.yaml").write_text(EXISTING)
    cli("import", "awesome", str(sources["readme"]))
    before = _snapshot(project / "papers")
    import os

    real, calls = os.replace, []

    def fail_on_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", dst)
        real(src, dst)

    monkeypatch.setattr("os.replace", fail_on_second)
    code, _, err = cli("import", "bibtex", str(sources["bib"]))
    assert code == 1 and "No space left on device" in err and "nothing written" in err
    assert len(calls) == 2
    assert _snapshot(project / "papers") == before
    assert sorted(p.name for p in (project / "papers").iterdir()) == sorted(before)  # no temporary file left
