"""fmt, export, stats and schema work as a contributor would use them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from rl4lrm.cli import main
from rl4lrm.kb.formatting import dump_record

from .records import record, write, write_text


def test_fmt_check_then_rewrite(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messy = dump_record(record()).replace("kind: paper", 'kind: "paper"').replace("- Qiying Yu", "-   Qiying Yu")
    path = write_text(project, "dapo-2025.yaml", messy)
    assert main(["fmt", "--check"]) == 1
    assert path.read_text() == messy
    assert "would reformat papers/dapo-2025.yaml" in capsys.readouterr().out
    assert main(["fmt"]) == 0
    assert path.read_text() == dump_record(record())
    assert main(["fmt", "--check"]) == 0
    assert main(["validate"]) == 0


def test_fmt_leaves_broken_files_alone(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_text(project, "bad-2025.yaml", "id: [unclosed\n")
    assert main(["fmt"]) == 1
    assert path.read_text() == "id: [unclosed\n"
    assert "papers/bad-2025.yaml:" in capsys.readouterr().err


def test_canonical_form_round_trips(project: Path) -> None:
    rec = record(summary="Two lines\nof summary.", authors=["Ünïcode Nâme", "O'Brien: Jr"], title="A #1 title: yes")
    path = write(project, rec)
    assert main(["validate"]) == 0
    from rl4lrm.kb.records import read_record

    again, problems = read_record(path, project)
    assert problems == [] and again.record == rec


def _two_records(project: Path) -> None:
    write(project, record())
    write(
        project,
        record(
            id="ppo-2017",
            title="Proximal Policy Optimization Algorithms",
            name="PPO",
            date="2017-07",
            links={"arxiv": "1707.06347"},
            taxonomy=["optimizer/critic-based"],
            bibtex_key="schulman2017ppo",
            authors=["John Schulman"],
            authors_truncated=False,
        ),
    )


def test_export_filters(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _two_records(project)
    assert main(["export", "--format", "json", "--node", "optimizer"]) == 0
    assert {r["id"] for r in json.loads(capsys.readouterr().out)} == {"dapo-2025", "ppo-2017"}
    assert main(["export", "--format", "json", "--node", "optimizer", "--node", "sampler"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == ["dapo-2025"]
    assert main(["export", "--format", "csv", "--since", "2020", "--has-code"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["id"] for r in rows] == ["dapo-2025"]
    assert rows[0]["authors"] == "Qiying Yu; Zheng Zhang; others"
    assert main(["export", "--format", "csv", "--no-has-code"]) == 0
    assert [r["id"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))] == ["ppo-2017"]


def test_export_bibtex_parses_back(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import bibtexparser

    _two_records(project)
    write(
        project,
        record(
            id="amp-2025",
            title="Tricks & 100% of $x$_1 #2",
            links={},
            bibtex_key="amp2025",
            venue="Nature Machine Intelligence",
        ),
    )
    out = project / "out.bib"
    assert main(["export", "-o", str(out)]) == 0
    library = bibtexparser.parse_string(out.read_text())
    assert not library.failed_blocks
    entries = {e.key: e for e in library.entries}
    assert set(entries) == {"yu2025dapo", "schulman2017ppo", "amp2025"}
    assert entries["yu2025dapo"].entry_type == "misc"
    assert entries["yu2025dapo"]["eprint"] == "2503.14476"
    assert entries["yu2025dapo"]["author"] == "Qiying Yu and Zheng Zhang and others"
    assert entries["amp2025"].entry_type == "article"
    assert entries["amp2025"]["title"] == r"{Tricks \& 100\% of \$x\$\_1 \#2}"


def test_export_refuses_invalid_data_and_unknown_node(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, record())
    assert main(["export", "--node", "optimizer/critic-fre"]) == 2
    assert "did you mean 'optimizer/critic-free'" in capsys.readouterr().err
    write_text(project, "bad-2025.yaml", "id: bad-2025\n")
    assert main(["export"]) == 1
    assert "papers/bad-2025.yaml:" in capsys.readouterr().err


def test_stats_counts_nodes_with_their_parents(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _two_records(project)
    assert main(["stats", "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["records"] == 2
    assert stats["nodes"]["optimizer"]["total"] == 2
    assert stats["nodes"]["optimizer"]["direct"] == 0
    assert stats["nodes"]["optimizer/critic-free"]["direct"] == 1
    assert stats["missing"]["code"] == ["ppo-2017"]
    assert "reward/verifiable" in stats["empty_nodes"]
    assert main(["stats"]) == 0
    assert "optimizer/critic-based" in capsys.readouterr().out


def test_json_schema_lists_kinds_and_nodes(project: Path) -> None:
    out = project / "record.schema.json"
    assert main(["schema", "--out", str(out)]) == 0
    schema = json.loads(out.read_text())
    assert "dapo" not in schema["properties"]["kind"]["enum"]
    assert "paper" in schema["properties"]["kind"]["enum"]
    assert "optimizer/critic-free" in schema["properties"]["taxonomy"]["items"]["enum"]
    assert schema["properties"]["links"] or schema["$defs"]["Links"]


def test_unknown_command_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["valdate"]) == 2
    assert "did you mean 'validate'" in capsys.readouterr().err
