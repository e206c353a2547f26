"""rl4lrm add against recorded arXiv answers, in a temporary project."""

from __future__ import annotations

import io
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


@responses.activate
def test_without_tags_non_interactive_lists_suggestions(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    responses.get(API, body=cassette("dapo.xml"))
    assert main(["add", "2503.14476"]) == 2
    err = capsys.readouterr().err
    assert (
        "give at least one --tag NODE (suggested: optimizer/objective, optimizer/off-policy, optimizer/critic-free)"
        in err
    )
    assert papers(project) == {}


@responses.activate
def test_yes_without_tags_uses_suggestions(project: Path) -> None:
    responses.get(API, body=cassette("dapo.xml"))
    assert main(["add", "2503.14476", "--yes"]) == 0
    (path,) = (project / "papers").iterdir()
    rec = read_record(path, project)[0].record
    assert rec.taxonomy == ["optimizer/objective", "optimizer/off-policy", "optimizer/critic-free"]


@responses.activate
def test_terminal_asks_for_nodes_and_confirmation(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    responses.get(API, body=cassette("dapo.xml"))
    monkeypatch.setattr("sys.stdin", Terminal("3, sampler/dynamic\ny\n"))
    assert main(["add", "2503.14476"]) == 0
    out = capsys.readouterr()
    assert "Suggested taxonomy nodes:" in out.err and "1. optimizer/objective" in out.err
    assert "title: 'DAPO: An Open-Source LLM Reinforcement Learning System at Scale'" in out.out
    (path,) = (project / "papers").iterdir()
    assert read_record(path, project)[0].record.taxonomy == ["optimizer/critic-free", "sampler/dynamic"]


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
