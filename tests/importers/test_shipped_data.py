"""The mapping, placement and supplement files shipped with rl4lrm load cleanly against the repo's taxonomy."""

from __future__ import annotations

from pathlib import Path

from rl4lrm.importers.bibtex import read_bibtex
from rl4lrm.importers.mapping import DATA, DEFAULT_AWESOME_MAP, DEFAULT_BIB_MAP, load_placements, load_section_map
from rl4lrm.kb.taxonomy import load_taxonomy

REPO = Path(__file__).resolve().parents[2]


def test_shipped_maps_placements_and_supplement_are_valid():
    tax = load_taxonomy(REPO / "taxonomy")
    assert not tax.problems
    awesome = load_section_map(DEFAULT_AWESOME_MAP, tax)
    assert awesome.lookup(["Paper List", "Frontier Models"]).kind == "model"
    assert load_section_map(DEFAULT_BIB_MAP, tax).lookup(["RL Applications", "Medical Reasoning"]).nodes == (
        "applications/medical",
    )
    placements = load_placements(DATA / "survey-placements.yaml", tax)
    assert placements.lookup("2402.03300", None, None, "").id == "grpo-2024"
    candidates, problems = read_bibtex(DATA / "survey-supplement.bib", load_section_map(DEFAULT_BIB_MAP, tax))
    assert not problems
    assert all(c.date and placements.lookup(c.arxiv, c.bibtex_key, None, c.title) for c in candidates)
