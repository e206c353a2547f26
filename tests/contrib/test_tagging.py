"""The learned tagger on a small generated base: suggestions, kinds, determinism, the `rl4lrm tag` command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from rl4lrm.cli import main
from rl4lrm.contrib.tagging import Suggestion, Tagger, TaggingError, stemmed_words, tagger_for, targets
from rl4lrm.kb.project import Project
from rl4lrm.kb.taxonomy import load_taxonomy

from .generated import generated_records, write_generated_base

TAXONOMY = load_taxonomy(Path(__file__).resolve().parents[2] / "taxonomy")


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.fit(TAXONOMY, generated_records())


@pytest.mark.parametrize(
    ("title", "best", "kind"),
    [
        ("Group relative advantages without a critic", "optimizer/critic-free", "paper"),
        ("Training web search agents for multi-hop retrieval", "applications/agentic/search", "paper"),
        ("Process reward models for step-level credit assignment", "reward/dense", "paper"),
        ("Length penalties against overthinking", "directions/efficient-reasoning", "paper"),
        ("A dataset of olympiad competition problems", "resources/static-corpus/math", "dataset"),
        ("Technical report of an open-weight reasoning model", "frontier", "model"),
    ],
)
def test_best_suggestion_and_kind(tagger: Tagger, title: str, best: str, kind: str) -> None:
    suggestion = tagger.suggest(title)
    assert suggestion.best in TAXONOMY.closure([best]), suggestion  # the node, or its parent when unsure
    assert suggestion.kind == kind, suggestion
    assert len(suggestion.nodes) == 3
    scores = [score for _, score in suggestion.nodes]
    assert scores == sorted(scores, reverse=True)


def test_a_list_holds_one_node_per_branch_and_never_a_facet_with_nodes(tagger: Tagger) -> None:
    allowed = targets(TAXONOMY)
    assert "frontier" in allowed and "related-surveys" in allowed
    assert not {"applications", "reward", "optimizer"} & allowed
    for title in ["GUI agents that search the web", "Smartphone screen control with retrieval", "Rewards"]:
        nodes = [node for node, _ in tagger.suggest(title, top=25).nodes]
        assert len(nodes) == len(set(nodes)) and set(nodes) <= allowed
        for node in nodes:
            assert not set(TAXONOMY.ancestors(node)) & set(nodes), (node, nodes)


def test_a_confident_child_replaces_its_parent(tagger: Tagger) -> None:
    nodes = [node for node, _ in tagger.suggest("GUI agents for smartphone screen control").nodes]
    assert nodes[0] == "applications/agentic/gui" and "applications/agentic" not in nodes


def test_the_text_helps(tagger: Tagger) -> None:
    vague = "Scaling it: study 99"
    assert tagger.suggest(vague, "process reward models give token-level rewards").best == "reward/dense"


def test_fitting_is_deterministic() -> None:
    titles = [("Scaling GRPO variants", ""), ("A corpus of proofs", "verified math answers"), ("Zebra", "")]
    first = Tagger.fit(TAXONOMY, generated_records()).suggest_many(titles)
    second = Tagger.fit(TAXONOMY, list(reversed(generated_records()))).suggest_many(titles)
    assert first == second


def test_an_empty_base_learns_from_the_taxonomy_alone() -> None:
    suggestion = Tagger.fit(TAXONOMY, []).suggest("Resolving issues in real repositories with patches")
    assert "applications/coding/software-engineering" in [node for node, _ in suggestion.nodes]
    assert suggestion.kind is None


def test_a_base_of_one_kind_suggests_that_kind() -> None:
    papers = [r for r in generated_records() if r.kind == "paper"]
    assert Tagger.fit(TAXONOMY, papers).suggest("A dataset of olympiad competition problems").kind == "paper"


def test_confident_keeps_the_first_and_positive_scores() -> None:
    suggestion = Suggestion([("a/b", -0.2), ("c/d", -0.5)], "paper")
    assert suggestion.confident() == ["a/b"]
    assert Suggestion([("a/b", 1.0), ("c/d", 0.1), ("e/f", -0.1)], None).confident() == ["a/b", "c/d"]
    assert Suggestion([], None).best is None


def test_stemmed_words() -> None:
    assert stemmed_words("The Rewards of Sampling-Based LLMs") == ["the", "reward", "of", "sampl", "based", "llms"]


def test_without_scikit_learn_the_error_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn.svm", None)
    with pytest.raises(TaggingError, match=r"install the tag extra"):
        Tagger.fit(TAXONOMY, [])


def test_a_broken_taxonomy_is_refused(project: Path) -> None:
    (project / "taxonomy" / "reward.yaml").write_text("id: [\n", encoding="utf-8")
    with pytest.raises(TaggingError, match="taxonomy has problems"):
        tagger_for(Project(project))


# --- rl4lrm tag ---


def test_cli_json_for_one_title(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_generated_base(project)
    assert main(["tag", "--title", "Web search agents", "--abstract", "multi-hop retrieval", "--format", "json"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    data = json.loads(line)
    assert data["title"] == "Web search agents" and data["kind"] == "paper"
    assert data["nodes"][0]["node"] == "applications/agentic/search"
    assert [set(n) for n in data["nodes"]] == [{"node", "score"}] * 3
    expected = tagger_for(Project(project)).suggest("Web search agents", "multi-hop retrieval")
    assert data["nodes"] == expected.as_json()["nodes"]


def test_cli_text_and_top(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_generated_base(project)
    assert main(["tag", "--title", "Length penalties against overthinking", "--top", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Length penalties against overthinking"
    assert lines[1].startswith("  1. directions/efficient-reasoning") and lines[1].endswith("Efficient reasoning")
    assert lines[2].startswith("  2. ") and lines[3] == "  kind: paper (" + lines[3].split("(")[1]
    assert len(lines) == 4


def test_cli_input_file_reports_bad_lines(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_generated_base(project)
    source = tmp_path / "titles.jsonl"
    source.write_text(
        '{"title": "GUI agents for smartphone screen control"}\n'
        "not json\n"
        "\n"
        '{"title": ""}\n'
        '["a list"]\n'
        '{"title": "Process reward models", "abstract": 3}\n'
        '{"title": "A corpus of proofs", "abstract": "verified math answers"}\n',
        encoding="utf-8",
    )
    assert main(["tag", "--input", str(source), "--format", "json"]) == 1
    out = capsys.readouterr()
    rows = [json.loads(line) for line in out.out.splitlines()]
    assert [(r["line"], r["nodes"][0]["node"], r["kind"]) for r in rows] == [
        (1, "applications/agentic/gui", "paper"),
        (7, "resources/static-corpus/math", "dataset"),
    ]
    assert out.err.splitlines() == [
        f"{source}:2: not JSON (Expecting value)",
        f"{source}:4: 'title' must be a non-empty string",
        f"{source}:5: expected an object with a title, got list",
        f"{source}:6: 'abstract' must be a string",
        "rl4lrm tag: 4 bad line(s) skipped",
    ]


def test_cli_refuses_missing_input_and_bad_top(project: Path, tmp_path: Path, capsys) -> None:
    assert main(["tag", "--input", str(tmp_path / "nope.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["tag", "--title", "x", "--top", "0"]) == 2
    assert "--top must be at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["tag"])  # --title or --input is required
