"""Each class of bad record gets a message naming file, line, field and rule; never a traceback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rl4lrm.cli import main
from rl4lrm.kb.formatting import dump_record
from rl4lrm.kb.project import Project
from rl4lrm.kb.validate import validate

from .records import record, write, write_text

TODAY = dt.date(2026, 1, 1)


def problems_of(project: Path):
    return validate(Project(project), today=TODAY).problems


def only(project: Path, rule: str):
    found = [p for p in problems_of(project) if p.rule == rule]
    assert found, f"no {rule} problem in {problems_of(project)}"
    return found[0]


def test_valid_record_passes(project: Path) -> None:
    write(project, record())
    assert problems_of(project) == []


def test_yaml_syntax_error_names_line(project: Path) -> None:
    text = dump_record(record()).replace("name: DAPO\n", "name: [DAPO\n")
    write_text(project, "dapo-2025.yaml", text)
    problem = only(project, "yaml-syntax")
    assert problem.file == "papers/dapo-2025.yaml"
    assert problem.line >= 4


def test_unknown_taxonomy_node_suggests(project: Path) -> None:
    write(project, record(taxonomy=["optimizer/critic-fre"]))
    problem = only(project, "unknown-node")
    assert (problem.file, problem.field) == ("papers/dapo-2025.yaml", "taxonomy[0]")
    lines = (project / "papers/dapo-2025.yaml").read_text().splitlines()
    assert "optimizer/critic-fre" in lines[problem.line - 1]
    assert "optimizer/critic-free" in problem.hint


def test_duplicate_arxiv_id_points_at_first(project: Path) -> None:
    write(project, record())
    write(project, record(id="dapo-copy-2025", title="Another title", bibtex_key="other"))
    problem = only(project, "duplicate-arxiv")
    assert problem.file == "papers/dapo-copy-2025.yaml"
    assert "papers/dapo-2025.yaml:" in problem.message
    lines = (project / problem.file).read_text().splitlines()
    assert "arxiv" in lines[problem.line - 1]


def test_near_duplicate_title(project: Path) -> None:
    write(project, record())
    write(
        project,
        record(
            id="b-2025",
            title="DAPO: an open source LLM reinforcement-learning system at scale!",
            links={},
            bibtex_key="b",
        ),
    )
    problem = only(project, "duplicate-title")
    assert problem.file == "papers/dapo-2025.yaml"
    assert "papers/b-2025.yaml:3" in problem.message


@pytest.mark.parametrize("bad", ["2025-13", "2025-02-30", "March 2025", "25-03"])
def test_bad_date(project: Path, bad: str) -> None:
    text = dump_record(record()).replace("date: 2025-03", f"date: '{bad}'")
    write_text(project, "dapo-2025.yaml", text)
    problem = only(project, "schema-value-error")
    assert problem.field == "date"
    assert problem.line == text.splitlines().index(f"date: '{bad}'") + 1


def test_future_date(project: Path) -> None:
    write(project, record(date="2027-01"))
    problem = only(project, "future-date")
    assert problem.field == "date"


def test_id_must_equal_file_name(project: Path) -> None:
    write_text(project, "wrong-name.yaml", dump_record(record()))
    problem = only(project, "id-filename")
    assert (problem.file, problem.line, problem.field) == ("papers/wrong-name.yaml", 1, "id")
    assert "wrong-name.yaml" in problem.message


def test_wrong_type(project: Path) -> None:
    text = dump_record(record()).replace("authors:\n- Qiying Yu\n- Zheng Zhang\n", "authors: Qiying Yu\n")
    write_text(project, "dapo-2025.yaml", text)
    problem = only(project, "schema-list-type")
    assert problem.field == "authors"
    assert problem.line == 5


def test_python_tag_is_refused(project: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = dump_record(record()) + f"summary: !!python/object/apply:os.system ['touch {marker}']\n"
    write_text(project, "dapo-2025.yaml", text)
    problem = only(project, "yaml-unsafe-tag")
    assert problem.line == len(text.splitlines())
    assert not marker.exists()


def test_alias_bomb_is_refused_quickly(project: Path) -> None:
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        bomb.append(f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]")
    write_text(project, "bomb-2025.yaml", "\n".join(bomb) + "\n")
    problem = only(project, "yaml-alias")
    assert problem.file == "papers/bomb-2025.yaml"
    assert problem.line == 2


def test_non_utf8_bytes(project: Path) -> None:
    raw = dump_record(record()).encode().replace(b"Zheng Zhang", b"Zh\xe9ng Zhang")
    write_text(project, "dapo-2025.yaml", raw)
    problem = only(project, "encoding")
    assert problem.line == 7


def test_javascript_url(project: Path) -> None:
    text = dump_record(record()).replace("https://github.com/BytedTsinghua-SIA/DAPO", "javascript:alert(1)")
    write_text(project, "dapo-2025.yaml", text)
    problem = only(project, "schema-value-error")
    assert problem.field == "links.code"
    assert "http" in problem.message
    assert "javascript" in text.splitlines()[problem.line - 1]


def test_unknown_field_suggests(project: Path) -> None:
    text = dump_record(record()).replace("venue: arXiv", "venu: arXiv")
    write_text(project, "dapo-2025.yaml", text)
    problem = only(project, "schema-extra-forbidden")
    assert problem.field == "venu"
    assert "venue" in problem.hint


def test_versioned_arxiv_id(project: Path) -> None:
    text = dump_record(record()).replace("'2503.14476'", "2503.14476v2")
    write_text(project, "dapo-2025.yaml", text)
    problem = only(project, "schema-value-error")
    assert problem.field == "links.arxiv"
    assert "2503.14476" in problem.message


def test_unknown_baseline(project: Path) -> None:
    write(project, record(baselines=["dapoo"]))
    assert only(project, "unknown-baseline").field == "baselines[0]"


def test_baseline_links_checked_both_ways(project: Path) -> None:
    recipe = project / "baselines/recipes/dapo"
    recipe.mkdir(parents=True)
    (recipe / "cpu-smoke.yaml").write_text("papers: [dapo-2025, missing-2024]\n")
    write(project, record())
    rules = {p.rule for p in problems_of(project)}
    assert {"recipe-backlink", "recipe-unknown-paper"} <= rules
    write(project, record(baselines=["dapo"]))
    assert {p.rule for p in problems_of(project)} == {"recipe-unknown-paper"}


def test_taxonomy_node_without_parent(project: Path) -> None:
    path = project / "taxonomy/sampler.yaml"
    path.write_text(
        path.read_text() + "  - id: sampler/orphan/child\n    title: Child\n    section: '3.3'\n"
        "    parent: sampler/orphan\n    description: A node whose parent is missing.\n"
    )
    problem = only(project, "taxonomy-parent")
    assert problem.file == "taxonomy/sampler.yaml"
    assert problem.line > 1


def test_cli_exit_codes_and_github_annotations(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, record())
    assert main(["validate"]) == 0
    write(project, record(taxonomy=["nope/node"]))
    assert main(["validate", "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("::error file=papers/dapo-2025.yaml,line=")
    assert "title=unknown-node::" in out
    assert "Traceback" not in out
