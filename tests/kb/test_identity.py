"""The one definition of an arXiv id: forms, versions, the five-digit rule from 2015, the month of an id."""

from __future__ import annotations

import pytest

from rl4lrm.kb.identity import arxiv_month, parse_arxiv_id, split_arxiv_version


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2503.14476", "2503.14476"),
        ("arXiv:2503.14476v2", "2503.14476"),
        ("https://arxiv.org/abs/2505.12284v1", "2505.12284"),
        ("https://arxiv.org/pdf/1707.06347.pdf", "1707.06347"),
        ("math/0601001", "math/0601001"),
        ("1412.6980", "1412.6980"),
        ("2505.1228", None),  # cut short: five digits after the dot since 2015
        ("1707.0634", None),
        ("0703.12345", None),  # new-style ids start in 2007-04 with four digits
    ],
)
def test_parse_arxiv_id(text: str, expected: str | None) -> None:
    assert parse_arxiv_id(text) == expected


def test_split_version() -> None:
    assert split_arxiv_version("2503.14476v3") == ("2503.14476", 3)
    assert split_arxiv_version("2503.14476") == ("2503.14476", None)
    assert split_arxiv_version("2503.1447") is None


def test_arxiv_month() -> None:
    assert arxiv_month("2503.14476") == "2025-03"
    assert arxiv_month("0704.0001") == "2007-04"
    assert arxiv_month("math/0601001") is None and arxiv_month(None) is None
