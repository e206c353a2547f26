"""rl4lrm refresh: one batched arXiv query, a unified diff, and --write that never touches people's fields."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import responses
from responses import matchers

from rl4lrm.cli import main
from rl4lrm.kb.project import Project
from rl4lrm.kb.records import read_record
from rl4lrm.kb.validate import validate

from .recorded import API, cassette, put_record

BATCH = matchers.query_param_matcher({"id_list": "2503.14476,2599.99999,hep-th/9711200", "max_results": "3"})


def three_records(project: Path) -> dict[str, Path]:
    return {
        "dapo": put_record(
            project,
            title="DAPO: an open source LLM RL system at scale",
            name="DAPO",
            summary="Our words: four tricks that make GRPO train stably on long answers.",
            taxonomy=["optimizer/critic-free", "sampler/dynamic"],
        ),
        "old": put_record(
            project,
            id="maldacena-1997",
            title="The large N limit of superconformal field theories and supergravity",
            authors=[],
            authors_truncated=False,
            date="1997-11",
            links={"arxiv": "hep-th/9711200", "code": "https://example.org/code"},
            taxonomy=["problems/model-prior"],
        ),
        "missing": put_record(project, id="ghost-2025", title="A Paper arXiv Never Had", links={"arxiv": "2599.99999"}),
        "no-arxiv": put_record(
            project, id="blog-2025", title="A Blog Post", links={"blog": "https://example.org/post"}
        ),
    }


@responses.activate
def test_shows_diff_and_changes_nothing(
    project: Path, no_sleep: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    responses.get(API, body=cassette("batch.xml"), match=[BATCH])
    paths = three_records(project)
    before = {name: path.read_text(encoding="utf-8") for name, path in paths.items()}
    assert main(["refresh"]) == 0
    out, err = capsys.readouterr()
    assert len(responses.calls) == 1  # one batched id_list query
    assert "# papers/dapo-2025.yaml: arXiv 2503.14476v2, updated 2025-05-20" in out
    assert "--- a/papers/dapo-2025.yaml\n+++ b/papers/dapo-2025.yaml\n" in out
    assert "-title: 'DAPO: an open source LLM RL system at scale'\n" in out
    assert "+title: 'DAPO: An Open-Source LLM Reinforcement Learning System at Scale'\n" in out
    assert "-date: 1997-11\n-venue: arXiv\n" in out
    assert "+- Juan M. Maldacena\n+date: '1997-11-27'\n+venue: Adv.Theor.Math.Phys. 2 (1998) 231-252\n" in out
    assert "papers/ghost-2025.yaml: arXiv has no paper 2599.99999; check links.arxiv" in err
    assert "3 record(s) checked against arXiv: 2 would change (run with --write to apply)" in err
    assert {name: path.read_text(encoding="utf-8") for name, path in paths.items()} == before


@responses.activate
def test_write_applies_and_keeps_human_fields(
    project: Path, no_sleep: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    responses.get(API, body=cassette("batch.xml"), match=[BATCH])
    paths = three_records(project)
    assert main(["refresh", "--write"]) == 0
    dapo = read_record(paths["dapo"], project)[0].record
    assert dapo.title == "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"
    assert dapo.summary == "Our words: four tricks that make GRPO train stably on long answers."
    assert dapo.taxonomy == ["optimizer/critic-free", "sampler/dynamic"] and dapo.name == "DAPO"
    assert dapo.authors == ["Qiying Yu", "Zheng Zhang", "Ruofei Zhu", "Mingxuan Wang"] and not dapo.authors_truncated
    assert dapo.date == "2025-03-18" and dapo.abstract.startswith("Test abstract")
    old = read_record(paths["old"], project)[0].record
    assert old.links.code == "https://example.org/code"
    assert old.venue == "Adv.Theor.Math.Phys. 2 (1998) 231-252"
    assert validate(Project(project)).problems == []
    assert "2 updated" in capsys.readouterr().err

    # a second refresh finds nothing more to change
    responses.get(API, body=cassette("batch.xml"), match=[BATCH])
    assert main(["refresh"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "0 would change" in err


@responses.activate
def test_never_replaces_a_real_venue_or_an_inconsistent_date(project: Path, no_sleep: list[float]) -> None:
    path = put_record(
        project,
        id="maldacena-1997",
        title="The Large N Limit of Superconformal Field Theories and Supergravity",
        authors=["Juan M. Maldacena"],
        authors_truncated=False,
        date="1998",
        venue="ATMP 1998",
        abstract="Test abstract for the recorded answer: a limit of a field theory described by a gravity theory "
        "on a product space.",
        links={"arxiv": "hep-th/9711200"},
        taxonomy=["problems/model-prior"],
    )
    before = path.read_text(encoding="utf-8")
    responses.get(API, body=cassette("old_style.xml"))
    assert main(["refresh", "maldacena-1997", "--write"]) == 0
    assert path.read_text(encoding="utf-8") == before


@responses.activate
def test_selects_by_id_file_or_arxiv_id(project: Path, no_sleep: list[float]) -> None:
    three_records(project)
    responses.get(
        API,
        body=cassette("dapo.xml"),
        match=[matchers.query_param_matcher({"id_list": "2503.14476,hep-th/9711200", "max_results": "2"})],
    )
    assert main(["refresh", "papers/dapo-2025.yaml", "hep-th/9711200", "dapo-2025"]) == 0


def test_unknown_selection_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    three_records(project)
    assert main(["refresh", "blog-2025", "nope"]) == 2
    assert "no record with an arXiv id matches: blog-2025, nope" in capsys.readouterr().err


@responses.activate
def test_network_failure_is_one_line(project: Path, no_sleep: list[float], capsys: pytest.CaptureFixture[str]) -> None:
    paths = three_records(project)
    before = {name: path.read_text(encoding="utf-8") for name, path in paths.items()}
    responses.get(API, body=requests.exceptions.ConnectionError("boom"))
    assert main(["refresh", "--write"]) == 2
    assert capsys.readouterr().err == "rl4lrm refresh: cannot reach arXiv (ConnectionError); check your connection\n"
    assert {name: path.read_text(encoding="utf-8") for name, path in paths.items()} == before
