"""rl4lrm import bibtex: clean titles and names, arXiv ids, venues, group hints, merging into list records."""

from __future__ import annotations

from rl4lrm.kb.records import load_records


def _records(project):
    return {r.id: r for r in load_records(project / "papers").records}


def test_bib_entries_are_cleaned_and_placed_by_group_hint(project, sources, cli):
    code, out, _ = cli("import", "bibtex", str(sources["bib"]))
    assert code == 0
    assert "created 2, merged 0, unchanged 0, skipped 0, could not place 2" in out
    assert "refs.bib:28: no taxonomy node for 'An Entry In A Group Without A Hint'" in out
    records = _records(project)
    back = records["back-basics-2024"]
    assert (
        back.title == "Back to Basics: Revisiting REINFORCE Style Optimization for Learning from Human Feedback in LLMs"
    )
    assert back.authors == ["Arash Ahmadian", "Matthias Gallé", "Ahmet Üstün", "Sara Hooker"]
    assert back.authors_truncated is False
    assert back.links.arxiv == "2402.14740"
    assert back.date == "2024-02"
    assert back.venue == "Proceedings of the 62nd Annual Meeting of the ACL"
    assert back.taxonomy == ["reward/verifiable"]
    assert back.bibtex_key == "ahmadian2024back"
    toy = records["scaling-toys-games-2023"]
    assert toy.title == "Scaling Toys & Games: A Blog Post"
    assert toy.authors == ["Toy Team"]
    assert toy.kind == "blog" and toy.links.blog == "https://toy.example.org/blog/scaling"
    assert toy.date == "2023" and toy.venue is None


def test_bib_merges_into_list_records_without_overwriting_titles(project, sources, cli):
    cli("import", "awesome", str(sources["readme"]))
    _, out, _ = cli("import", "bibtex", str(sources["bib"]))
    assert "created 2, merged 1" in out
    r1 = _records(project)["deepseek-r1-2025"]
    assert r1.title == "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning"
    assert r1.authors == ["Daya Guo", "Dejian Yang", "Haowei Zhang"]
    assert r1.authors_truncated is True
    assert r1.bibtex_key == "guo2025deepseek"
    assert r1.venue == "arXiv"
    assert r1.taxonomy == ["frontier", "reward/generative"], "a merged entry's group hint adds no node"


def test_hand_placements_place_what_hints_cannot(project, sources, cli, tmp_path):
    place = tmp_path / "place.yaml"
    place.write_text(
        "placements:\n  nohint2022: {nodes: [directions/continual], kind: survey}\n"
        "  '2501.12948': [reward/verifiable]\n"
    )
    cli("import", "awesome", str(sources["readme"]))
    _, out, _ = cli("import", "bibtex", str(sources["bib"]), "--place", str(place))
    assert "placed by: section 0, hint 2, hand 1" in out
    records = _records(project)
    entry = records["entry-group-without-hint-2022"]
    assert entry.taxonomy == ["directions/continual"] and entry.kind == "survey"
    assert records["deepseek-r1-2025"].taxonomy == ["frontier", "reward/generative", "reward/verifiable"]


def test_url_like_journal_fields_are_not_venues(project, cli, tmp_path):
    bib = tmp_path / "urls.bib"
    bib.write_text(
        "@article{openr1,\n title={Open R1},\n journal={URL https://github. com/huggingface/open-r1},\n year={2025}}\n"
    )
    place = tmp_path / "place.yaml"
    place.write_text("placements:\n  openr1: [problems/training-recipes]\n")
    cli("import", "bibtex", str(bib), "--place", str(place))
    assert "venue" not in (project / "papers" / "open-r1-2025.yaml").read_text()


AUDIT_BIB = """## Medical Reasoning
@article{same2025key,
  title={First Work With This Key},
  author={Ann Bee and Cee Dee},
  year={2025}
}

@article{same2025key,
  title={Second Work With This Key},
  author={Eff Gee},
  year={2025}
}

@article{merged2025names,
  title={Two People In One Name},
  author={Yooseok Lim, ByoungJun Jeon},
  year={2025}
}

@article{lost2025braces,
  title={Sft memorizes, rl generalizes with pytorch fsdp},
  author={Lim, Yooseok and Jeon, ByoungJun},
  year={2025}
}
"""


def test_bib_rules_keep_the_base_valid(project, cli, tmp_path):
    from rl4lrm.kb.project import Project
    from rl4lrm.kb.validate import validate

    bib = tmp_path / "audit.bib"
    bib.write_text(AUDIT_BIB, encoding="utf-8")
    code, out, _ = cli("import", "bibtex", str(bib))
    assert code == 0
    # a key used twice is reported with both lines, and the second entry never becomes a record
    assert "audit.bib:8: citation key 'same2025key' is used again (first at audit.bib:2)" in out
    # commas without 'and' would merge two people into one 'Last, First' name
    assert "audit.bib:14: entry 'merged2025names': author field 'Yooseok Lim, ByoungJun Jeon'" in out
    titles = {r.title: r for r in _records(project).values()}
    assert set(titles) == {"First Work With This Key", "SFT memorizes, RL generalizes with PyTorch FSDP"}
    assert titles["SFT memorizes, RL generalizes with PyTorch FSDP"].authors == ["Yooseok Lim", "ByoungJun Jeon"]
    assert validate(Project(project)).ok
