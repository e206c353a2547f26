"""rl4lrm add against recorded arXiv answers, in a temporary project."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import requests
import responses
from responses import matchers

from rl4lrm.cli import main
from rl4lrm.contrib.tagging import tagger_for
from rl4lrm.kb.project import Project
from rl4lrm.kb.records import read_record
from rl4lrm.kb.validate import validate

from .generated import write_generated_base
from .recorded import API, cassette, put_record


def papers(project: Path) -> dict[str, str]:
    """Every file under papers/ (hidden temporary files included) with its text."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((project / "papers").iterdir())}


class Terminal(io.StringIO):
    """Typed answers on a stdin that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@responses.activate
def test_adds_a_normal_paper(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    responses.get(
        API,
        body=cassette("dapo.xml"),
        match=[matchers.query_param_matcher({"id_list": "2503.14476", "max_results": "1"})],
    )
    code = main(
        [
            "add",
            "2503.14476",
            "--tag",
            "optimizer/critic-free",
            "--tag",
            "sampler/dynamic",
            "--code",
            "https://github.com/BytedTsinghua-SIA/DAPO",
            "--name",
            "DAPO",
        ]
    )
    assert code == 0
    assert "wrote papers/dapo-2025.yaml" in capsys.readouterr().err
    file, problems = read_record(project / "papers" / "dapo-2025.yaml", project)
    assert problems == []
    rec = file.record
    assert rec.title == "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"
    assert rec.authors == ["Qiying Yu", "Zheng Zhang", "Ruofei Zhu", "Mingxuan Wang"]
    assert (rec.date, rec.venue, rec.kind, rec.name) == ("2025-03-18", "arXiv", "paper", "DAPO")
    assert rec.links.arxiv == "2503.14476"
    assert rec.links.code == "https://github.com/BytedTsinghua-SIA/DAPO"
    assert rec.taxonomy == ["optimizer/critic-free", "sampler/dynamic"]
    assert rec.abstract.startswith("Test abstract for the recorded answer.")
    assert rec.summary is None  # the contributor's words are never invented
    assert rec.bibtex_key == "yu2025dapo"
    assert validate(Project(project)).problems == []


@responses.activate
def test_versioned_url_is_stored_without_version(project: Path) -> None:
    responses.get(
        API,
        body=cassette("dapo.xml"),
        match=[matchers.query_param_matcher({"id_list": "2503.14476", "max_results": "1"})],
    )
    assert main(["add", "https://arxiv.org/pdf/2503.14476v1.pdf", "--tag", "sampler/dynamic"]) == 0
    (name,) = papers(project)
    assert "arxiv: '2503.14476'" in papers(project)[name]


@responses.activate
def test_old_style_id_takes_venue_from_journal_ref(project: Path) -> None:
    responses.get(
        API,
        body=cassette("old_style.xml"),
        match=[matchers.query_param_matcher({"id_list": "hep-th/9711200", "max_results": "1"})],
    )
    assert main(["add", "arXiv:hep-th/9711200v2", "--tag", "problems/model-prior"]) == 0
    (path,) = (project / "papers").iterdir()
    rec = read_record(path, project)[0].record
    assert rec.links.arxiv == "hep-th/9711200"
    assert rec.venue == "Adv.Theor.Math.Phys. 2 (1998) 231-252"
    assert (rec.id, rec.date) == ("large-n-limit-superconformal-field-1997", "1997-11-27")
    assert validate(Project(project)).problems == []


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (cassette("empty.xml"), 200, "arXiv has no paper 2599.99999"),
        (cassette("empty_entry.xml"), 200, "arXiv has no paper 2599.99999"),
        (cassette("withdrawn.xml"), 200, "withdrawn by its authors"),
        (cassette("malformed.xml"), 200, "not well-formed XML"),
        ("Bad Request", 400, "arXiv answered HTTP 400"),
    ],
)
@responses.activate
def test_failures_write_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], body: str, status: int, message: str
) -> None:
    responses.get(API, body=body, status=status)
    arxiv_id = "2401.00001" if "withdrawn" in message else "2599.99999"
    assert main(["add", arxiv_id, "--tag", "reward/shaping"]) != 0
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert papers(project) == {}


@responses.activate
def test_503_then_success(project: Path, no_sleep: list[float]) -> None:
    responses.get(API, status=503, headers={"Retry-After": "5"})
    responses.get(API, body=cassette("dapo.xml"))
    assert main(["add", "2503.14476", "--tag", "sampler/dynamic"]) == 0
    assert 5.0 in no_sleep
    assert list(papers(project)) == ["dapo-2025.yaml"]


@responses.activate
def test_network_failure_is_one_line_and_nonzero(
    project: Path, no_sleep: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    responses.get(API, body=requests.exceptions.ConnectTimeout("connect timed out"))
    assert main(["add", "2503.14476", "--tag", "sampler/dynamic"]) == 2
    err = capsys.readouterr().err
    assert err == "rl4lrm add: arXiv did not answer within 30 s; try again later\n"
    assert len(responses.calls) == 5
    assert papers(project) == {}


@responses.activate
def test_duplicate_arxiv_id_is_refused_before_any_call(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = put_record(project)
    assert main(["add", "https://arxiv.org/abs/2503.14476v3", "--tag", "sampler/dynamic"]) == 1
    assert "arXiv 2503.14476 is already in the base: papers/dapo-2025.yaml" in capsys.readouterr().err
    assert len(responses.calls) == 0
    assert papers(project) == {before.name: before.read_text(encoding="utf-8")}


@responses.activate
def test_near_same_title_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put_record(
        project, id="dapo-preprint", links={}, title="DAPO: An open-source LLM reinforcement learning system at scale."
    )
    responses.get(API, body=cassette("dapo.xml"))
    assert main(["add", "2503.14476", "--tag", "sampler/dynamic"]) == 1
    assert "same title is already in the base: papers/dapo-preprint.yaml" in capsys.readouterr().err
    assert list(papers(project)) == ["dapo-preprint.yaml"]


def test_unknown_tag_is_refused_with_a_hint(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", "2503.14476", "--tag", "optimizer/critic_free"]) == 2
    assert (
        "unknown taxonomy node 'optimizer/critic_free' (did you mean 'optimizer/critic-free'?)"
        in capsys.readouterr().err
    )


@pytest.mark.parametrize("source", ["not-an-id", "https://example.com/paper", "$(touch pwned)"])
def test_bad_source_is_refused(project: Path, capsys: pytest.CaptureFixture[str], source: str) -> None:
    assert main(["add", source, "--tag", "sampler/dynamic"]) == 2
    assert "is not an arXiv id or URL" in capsys.readouterr().err


def test_bad_code_url_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", "2503.14476", "--tag", "sampler/dynamic", "--code", "javascript:alert(1)"]) == 2
    assert "--code must be an http(s) URL" in capsys.readouterr().err


DAPO_TITLE = "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"
DAPO_ABSTRACT = (
    "Test abstract for the recorded answer. It describes decoupled clipping and dynamic sampling of prompts for "
    "critic-free policy optimization, with a token-level policy gradient loss and a penalty on overlong answers."
)


def expected_suggestion(project: Path):
    """What the tagger fitted on the project's records suggests for the recorded DAPO answer."""
    return tagger_for(Project(project)).suggest(DAPO_TITLE, DAPO_ABSTRACT)


@responses.activate
def test_without_tags_non_interactive_lists_suggestions(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_generated_base(project)
    before = papers(project)
    responses.get(API, body=cassette("dapo.xml"))
    assert main(["add", "2503.14476"]) == 2
    err = capsys.readouterr().err
    nodes = [node for node, _ in expected_suggestion(project).nodes]
    assert nodes[0] == "optimizer/critic-free"
    assert f"give at least one --tag NODE (suggested: {', '.join(nodes)})" in err
    assert papers(project) == before


@responses.activate
def test_yes_without_tags_uses_suggestions_and_kind(project: Path) -> None:
    write_generated_base(project)
    suggestion = expected_suggestion(project)
    responses.get(API, body=cassette("dapo.xml"))
    assert main(["add", "2503.14476", "--yes"]) == 0
    rec = read_record(project / "papers" / "dapo-2025.yaml", project)[0].record
    assert rec.taxonomy == suggestion.confident() and rec.taxonomy[0] == "optimizer/critic-free"
    assert rec.kind == suggestion.kind == "paper"


@responses.activate
def test_the_suggested_kind_is_used_without_kind(project: Path) -> None:
    write_generated_base(project)
    body = re.sub(
        r"<title>DAPO.*?</title>",
        "<title>Technical report of an open-weight model</title>",
        cassette("dapo.xml"),
        flags=re.S,
    )
    body = re.sub(
        r"<summary>.*?</summary>", "<summary>Model card and release of a reasoning model.</summary>", body, flags=re.S
    )
    responses.get(API, body=body)
    assert main(["add", "2503.14476", "--tag", "frontier"]) == 0
    (path,) = (project / "papers").glob("technical-report*.yaml")
    assert read_record(path, project)[0].record.kind == "model"


def test_an_empty_base_adds_papers(project: Path) -> None:
    with responses.RequestsMock() as mock:
        mock.get(API, body=cassette("dapo.xml"))
        assert main(["add", "2503.14476", "--yes"]) == 0
    rec = read_record(project / "papers" / "dapo-2025.yaml", project)[0].record
    assert rec.kind == "paper" and rec.taxonomy  # nodes from the taxonomy's own words, kind by default


@responses.activate
def test_terminal_asks_for_nodes_and_confirmation(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_generated_base(project)
    nodes = [node for node, _ in expected_suggestion(project).nodes]
    responses.get(API, body=cassette("dapo.xml"))
    monkeypatch.setattr("sys.stdin", Terminal("3, sampler/dynamic\ny\n"))
    assert main(["add", "2503.14476"]) == 0
    out = capsys.readouterr()
    assert "Suggested taxonomy nodes:" in out.err and f"1. {nodes[0]}" in out.err
    assert "Kind: paper (suggested; give --kind to choose another)" in out.err
    assert "title: 'DAPO: An Open-Source LLM Reinforcement Learning System at Scale'" in out.out
    rec = read_record(project / "papers" / "dapo-2025.yaml", project)[0].record
    assert rec.taxonomy == [nodes[2], "sampler/dynamic"]


@responses.activate
def test_terminal_decline_writes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    responses.get(API, body=cassette("dapo.xml"))
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert main(["add", "2503.14476", "--tag", "sampler/dynamic"]) == 1
    assert "nothing written" in capsys.readouterr().err
    assert papers(project) == {}


@responses.activate
def test_dry_run_prints_and_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    responses.get(API, body=cassette("dapo.xml"))
    assert main(["add", "2503.14476", "--tag", "sampler/dynamic", "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith("id: dapo-2025\nkind: paper\n")
    assert papers(project) == {}


@responses.activate
def test_failed_write_leaves_no_partial_file(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    responses.get(API, body=cassette("dapo.xml"))

    def disk_full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device", dst)

    monkeypatch.setattr("os.replace", disk_full)
    assert main(["add", "2503.14476", "--tag", "sampler/dynamic"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("rl4lrm add: No space left on device (") and err.endswith(
        "dapo-2025.yaml); nothing written\n"
    )
    assert papers(project) == {}  # the temporary file is gone too
