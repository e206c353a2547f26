"""Page pieces as plain functions: sub-tokens for search, links, plots."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

from rl4lrm.site.pages import link, repo_links, sub_tokens
from rl4lrm.site.plots import quarter, quarters_between, trend_svg


def test_sub_tokens_make_inner_names_findable() -> None:
    assert "GRPO" in sub_tokens("DanceGRPO")
    assert {"Skywork", "OR1"} <= set(sub_tokens("Skywork-OR1"))
    assert "RL" in sub_tokens("ProRL")
    assert "DanceGRPO" not in sub_tokens("DanceGRPO")
    assert sub_tokens("") == []


def test_links_are_relative_html() -> None:
    assert link("papers/a.md", "taxonomy/optimizer/critic-free.md") == "../taxonomy/optimizer/critic-free.html"
    assert link("index.md", "papers/a.md") == "papers/a.html"
    assert link("taxonomy/optimizer/critic-free.md", "papers.json") == "../../papers.json"


def test_quarters() -> None:
    assert quarter("2025-05") == "2025Q2" and quarter("2025") == "2025Q1" and quarter("2024-12-31") == "2024Q4"
    assert quarters_between("2024Q3", "2025Q2") == ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]


def test_trend_svg_is_well_formed_and_escaped() -> None:
    svg = trend_svg({"<b>x</b>": Counter({"2024Q1": 2, "2025Q1": 5}), "B & C": Counter({"2024Q3": 1})}, "t<")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(root.findall("{http://www.w3.org/2000/svg}polyline")) == 2
    assert "<b>" not in svg and "&lt;b&gt;x" in svg
    assert trend_svg({"empty": Counter()}, "none") == ""
    old_and_new = trend_svg({"a": Counter({"1991Q1": 1, "2025Q2": 3})}, "t", years=2)
    assert ">2024Q1<" in old_and_new and "1991" not in old_and_new


def test_repo_links_leave_the_folder_for_the_repository() -> None:
    text = (
        "[a](a.yaml) [b](../../../tools/b.py#L3) ![c](results/c.png) [d](https://x.org/d) [e](#top) [f](../../../../f)"
    )
    out = repo_links(text, "baselines/recipes/grpo", "https://github.com/o/r")
    assert out == (
        "[a](a.yaml) [b](https://github.com/o/r/blob/main/tools/b.py#L3) ![c](results/c.png) [d](https://x.org/d) "
        "[e](#top) f"
    )
    assert repo_links("[b](../x.py) ![i](../i.png)", "baselines/recipes/grpo", "") == "b i"


def test_repo_links_to_a_published_folder_stay_on_the_site() -> None:
    text = "[t](../../results/toy_table.md#arithmetic) [u](../../README.md)"
    out = repo_links(text, "baselines/recipes/grpo", "https://github.com/o/r", {"baselines/results/": "../results/"})
    assert out == "[t](../results/toy_table.md#arithmetic) [u](https://github.com/o/r/blob/main/baselines/README.md)"
