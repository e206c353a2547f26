"""Reading links, kinds and dates the way both importers do."""

from __future__ import annotations

import pytest

from rl4lrm.importers.candidate import clean_date, infer_kind, sort_link


@pytest.mark.parametrize(
    ("url", "label", "expected"),
    [
        ("https://arxiv.org/abs/2503.14476v2", "Paper", ("arxiv", "2503.14476")),
        ("https://arxiv.org/pdf/1707.06347", "", ("arxiv", "1707.06347")),
        ("https://huggingface.co/papers/2509.08827", "", ("arxiv", "2509.08827")),
        ("https://huggingface.co/datasets/x/y", "", ("huggingface", "https://huggingface.co/datasets/x/y")),
        ("https://github.com/volcengine/verl", "GitHub", ("code", "https://github.com/volcengine/verl")),
        ("https://qwenlm.github.io/blog/qwq-32b/", "Blog", ("blog", "https://qwenlm.github.io/blog/qwq-32b/")),
        ("https://github.com/a/b", "Blog", ("blog", "https://github.com/a/b")),
        ("https://x.notion.site/post", "Paper", ("blog", "https://x.notion.site/post")),
        ("https://openreview.net/pdf?id=abc", "", ("openreview", "https://openreview.net/pdf?id=abc")),
        ("https://proceedings.mlr.press/v37/a.pdf", "", ("pdf", "https://proceedings.mlr.press/v37/a.pdf")),
        ("https://rlinf.readthedocs.io/en/latest/", "", ("project", "https://rlinf.readthedocs.io/en/latest/")),
    ],
)
def test_links_are_sorted_by_where_they_point(url, label, expected):
    assert sort_link(url, label) == expected


@pytest.mark.parametrize(
    ("title", "section", "links", "kind"),
    [
        ("A Survey of RL for Reasoning", "model", {}, "survey"),
        ("SWE-bench: Can LMs Resolve Issues?", None, {"arxiv": "2310.06770"}, "benchmark"),
        ("LiveCodeBench: Holistic Evaluation", "dataset", {}, "benchmark"),
        ("Kimi K2: Open Agentic Intelligence", "model", {}, "model"),
        ("MathBench-like Framework", "framework", {}, "framework"),
        ("A Post", None, {"blog": "https://b.org"}, "blog"),
        ("A Post With A Paper", None, {"blog": "https://b.org", "arxiv": "2501.00001"}, "paper"),
        ("Benchmarking nothing", None, {}, "paper"),
    ],
)
def test_kind_from_title_section_and_links(title, section, links, kind):
    assert infer_kind(title, section, links) == kind


def test_dates():
    assert clean_date("2025-08") == "2025-08"
    assert clean_date("2025/08") == "2025-08"
    assert clean_date("-") is None and clean_date("") is None and clean_date("2025-13") is None
