"""Taxonomy suggestions from the words of a title and abstract."""

from __future__ import annotations

from pathlib import Path

import pytest

from rl4lrm.contrib.tagging import suggest_nodes, words
from rl4lrm.kb.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy(Path(__file__).resolve().parents[2] / "taxonomy")


@pytest.mark.parametrize(
    ("title", "abstract", "best"),
    [
        (
            "Training agents to resolve issues in real repositories",
            "software engineering patches",
            "applications/coding/software-engineering",
        ),
        (
            "Learning to call a search engine while reasoning",
            "multi-turn retrieval with a search tool",
            "applications/agentic/search",
        ),
        (
            "Group baselines without a value model",
            "a critic-free estimate of advantages from groups",
            "optimizer/critic-free",
        ),
    ],
)
def test_best_suggestion(title: str, abstract: str, best: str) -> None:
    suggested = suggest_nodes(TAXONOMY, title, abstract)
    assert suggested and suggested[0][0] == best, suggested


def test_no_overlap_no_suggestion_and_never_a_facet() -> None:
    assert suggest_nodes(TAXONOMY, "Zebra", "quokka") == []
    for node, _ in suggest_nodes(TAXONOMY, "Policy optimization reward sampling", "applications directions", limit=20):
        assert TAXONOMY.nodes[node].parent is not None


def test_words_drop_stopwords_and_stem() -> None:
    assert words("The Rewards of Sampling-Based LLMs") == ["reward", "sampl"]
