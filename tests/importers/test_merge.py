"""The merge rule: fill what is empty, prefer better values, never worsen a record, never touch summary."""

from __future__ import annotations

import datetime as dt

from rl4lrm.importers.candidate import Candidate
from rl4lrm.importers.mapping import Placement, Placements
from rl4lrm.importers.merge import Merger, RecordStore, merge_record
from rl4lrm.kb.schema import Record


def _record(**fields) -> Record:
    base = {
        "id": "work-2025",
        "kind": "paper",
        "title": "A Work: On Things",
        "date": "2025-03",
        "taxonomy": ["reward/dense"],
        "added": "2025-09-01",
    }
    return Record.model_validate({**base, **fields})


def _cand(**fields) -> Candidate:
    return Candidate(**{"where": "src:1", "title": "a work on things", **fields})


def test_worse_values_never_overwrite_better_ones():
    record = _record(
        authors=["Ada Lovelace", "Alan Turing"],
        date="2025-03-14",
        venue="NeurIPS 2025",
        summary="Our own words.",
        kind="benchmark",
        name="AW",
        bibtex_key="ada2025",
        links={"arxiv": "2503.00001", "code": "https://github.com/a/b"},
    )
    cand = _cand(
        authors=["Ada Lovelace"],
        authors_truncated=True,
        date="2025",
        venue="arXiv",
        kind="paper",
        name="Other",
        bibtex_key="other2025",
        links={"arxiv": "2503.00001", "code": "https://x.org/c"},
        title="A Different Title",
    )
    assert merge_record(record, cand) is record


def test_better_values_fill_and_upgrade():
    record = _record(
        authors=["Ada Lovelace"], authors_truncated=True, date="2025", venue="arXiv", summary="Kept as written."
    )
    cand = _cand(
        authors=["Ada Lovelace", "Alan Turing"],
        date="2025-03",
        venue="ICML 2025",
        kind="survey",
        name="AW",
        links={"code": "https://github.com/a/b"},
        nodes=["reward/shaping", "reward/dense"],
        bibtex_key="ada2025",
    )
    merged = merge_record(record, cand)
    assert merged.authors == ["Ada Lovelace", "Alan Turing"] and merged.authors_truncated is False
    assert merged.date == "2025-03" and merged.venue == "ICML 2025"
    assert merged.kind == "paper", "the kind stays what the first source said"
    assert merged.name == "AW" and merged.links.code == "https://github.com/a/b" and merged.bibtex_key == "ada2025"
    assert merged.taxonomy == ["reward/dense", "reward/shaping"]
    assert merged.summary == "Kept as written." and merged.title == "A Work: On Things"
    assert merged.added == "2025-09-01" and merged.id == "work-2025"


def test_a_longer_truncated_list_beats_a_shorter_truncated_one_but_not_a_complete_one():
    cut = _record(authors=["A B"], authors_truncated=True)
    longer = merge_record(cut, _cand(authors=["A B", "C D"], authors_truncated=True))
    assert longer.authors == ["A B", "C D"] and longer.authors_truncated
    complete = _record(authors=["A B"])
    assert merge_record(complete, _cand(authors=["A B", "C D"], authors_truncated=True)) is complete


def test_nodes_are_never_removed_and_merging_twice_changes_nothing():
    record = _record(taxonomy=["reward/dense", "frontier"])
    cand = _cand(nodes=["frontier", "sampler/dynamic"])
    once = merge_record(record, cand)
    assert once.taxonomy == ["reward/dense", "frontier", "sampler/dynamic"]
    assert merge_record(once, cand) is once


def test_matching_by_arxiv_id_then_title_then_name_and_title(tmp_path):
    trl = _record(
        id="trl-2020", title="TRL: Transformer Reinforcement Learning", date="2020", links={"arxiv": "2001.00001"}
    )
    other = _record(id="other-2024", title="Something Else Entirely", date="2024")
    store = RecordStore(tmp_path, [trl, other])
    assert store.find(_cand(title="Unrelated", links={"arxiv": "2001.00001"})) is trl
    assert store.find(_cand(title="something else, entirely!")) is other
    assert store.find(_cand(title="Transformer Reinforcement Learning", name="TRL")) is trl
    assert store.find(_cand(title="Transformer Reinforcement Learning")) is None


def test_merger_counts_and_placements(tmp_path):
    merger = Merger(
        RecordStore(tmp_path, []),
        Placements({"2502.00002": Placement(("problems/rl-vs-sft",))}),
        today=dt.date(2025, 9, 1),
    )
    first = merger.apply(_cand(title="SFT or RL", date="2025-02", links={"arxiv": "2502.00002"}))
    again = merger.apply(_cand(title="SFT or RL", date="2025-02", links={"arxiv": "2502.00002"}))
    hinted = merger.apply(_cand(title="Hinted", date="2024", hint_nodes=["reward/verifiable"]))
    nowhere = merger.apply(_cand(title="Nowhere", date="2024"))
    undated = merger.apply(_cand(title="Undated", nodes=["frontier"]))
    assert (first.status, first.placed_by, first.record_id) == ("created", "hand", "sft-or-rl-2025")
    assert again.status == "unchanged"
    assert (hinted.status, hinted.placed_by) == ("created", "hint")
    assert nowhere.status == "unplaced" and undated.status == "skipped" and "no date" in undated.reason
    assert merger.store.texts()["sft-or-rl-2025.yaml"].count("problems/rl-vs-sft") == 1
    assert list(tmp_path.iterdir()) == [], "the merger writes nothing: the caller checks the change, then writes"
    assert merger.counts() == {"created": 2, "unchanged": 1, "unplaced": 1, "skipped": 1}


def test_hand_placements_name_kinds_ids_and_same_work_under_another_title(tmp_path):
    known = _record(id="vineppo-2024", title="VinePPO: Refining Credit Assignment", date="2024-10")
    placements = Placements(
        {
            "VINEPPO: UNLOCKING RL POTENTIAL": Placement((), same_as="vineppo-2024"),
            "2501.03262": Placement(("optimizer/critic-free",), kind="survey", id="reinforce-pp-2025"),
            "ghost2020": Placement((), same_as="no-such-record"),
            "taken2021": Placement(("frontier",), id="vineppo-2024"),
        }
    )
    merger = Merger(RecordStore(tmp_path, [known]), placements, today=dt.date(2025, 9, 1))
    same = merger.apply(_cand(title="Vineppo: unlocking RL potential", name="VinePPO", nodes=["reward/dense"]))
    new = merger.apply(_cand(title="REINFORCE++", date="2025-01", links={"arxiv": "2501.03262"}))
    ghost = merger.apply(_cand(title="Ghost", date="2020", bibtex_key="ghost2020"))
    taken = merger.apply(_cand(title="Taken", date="2021", bibtex_key="taken2021"))
    assert (same.status, same.record_id) == ("merged", "vineppo-2024")
    assert merger.store.by_id["vineppo-2024"].taxonomy == ["reward/dense"] and merger.store.by_id["vineppo-2024"].name
    assert (new.status, new.record_id, new.placed_by) == ("created", "reinforce-pp-2025", "hand")
    assert merger.store.by_id["reinforce-pp-2025"].kind == "survey"
    assert ghost.status == "skipped" and "no-such-record" in ghost.reason
    assert taken.status == "skipped" and "is taken" in taken.reason
    kinded = Merger(merger.store, Placements({"2501.03262": Placement((), kind="paper")}))
    assert kinded.apply(_cand(title="REINFORCE++", links={"arxiv": "2501.03262"})).status == "merged"
    assert merger.store.by_id["reinforce-pp-2025"].kind == "paper", "a hand kind overrides the record's kind"


def test_entries_naming_the_same_work_by_different_keys_combine():
    placements = Placements(
        {
            "2402.04792": Placement(("optimizer/objective",), id="online-dpo-2024"),
            "guo2024direct": Placement(("reward/generative",), kind="paper"),
            "Direct Language Model Alignment": Placement(("frontier",)),
        }
    )
    found = placements.lookup("2402.04792", "guo2024direct", None, "Direct language model alignment")
    assert found == Placement(
        ("optimizer/objective", "reward/generative", "frontier"), "paper", None, "online-dpo-2024"
    )
    assert placements.lookup(None, "guo2024direct", None, "x") == Placement(("reward/generative",), "paper")
    assert placements.lookup(None, None, None, "nothing") is None


def test_the_better_cased_copy_of_a_title_wins_and_nothing_else_changes_it():
    record = _record(title="Sft memorizes, rl generalizes")
    assert merge_record(record, _cand(title="SFT Memorizes, RL Generalizes")).title == "SFT Memorizes, RL Generalizes"
    cased = _record(title="SFT Memorizes, RL Generalizes")
    assert merge_record(cased, _cand(title="Sft memorizes, rl generalizes")) is cased
    assert merge_record(record, _cand(title="Another Title Entirely")).title == "Sft memorizes, rl generalizes"


def test_reviewed_spellings_restore_acronyms_and_names():
    from rl4lrm.importers.casing import restore_casing, spellings

    assert restore_casing("Deepseek-r1: reasoning in llms via rl") == "DeepSeek-R1: reasoning in LLMs via RL"
    assert restore_casing("Pytorch fsdp") == "PyTorch FSDP"
    assert restore_casing("Math for apps") == "Math for apps"  # ordinary words are not in the reviewed list
    assert all(key == key.lower() for key in spellings())
