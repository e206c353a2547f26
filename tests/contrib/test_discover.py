"""rl4lrm discover against recorded arXiv search answers: query, paging, filters, relevance, records, report."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import responses
from responses import matchers

from rl4lrm.cli import main
from rl4lrm.contrib.arxiv import ArxivClient, parse_search
from rl4lrm.contrib.discover import build_query, search_all
from rl4lrm.contrib.relevance import FIXTURE, THRESHOLD, Labelled, Relevance, load_fixture
from rl4lrm.kb.formatting import dump_record
from rl4lrm.kb.project import Project
from rl4lrm.kb.records import read_record
from rl4lrm.kb.validate import validate

from .generated import write_generated_base
from .recorded import API, cassette, put_record

SINCE, UNTIL = dt.date(2026, 8, 1), dt.date(2026, 8, 8)
QUERY = build_query(SINCE, UNTIL)
NEW = ["2608.90001", "2608.90002", "2608.90004"]  # the in-scope entries no record has yet


def search_params(start: int, max_results: int = 100) -> dict[str, str]:
    return {
        "search_query": QUERY,
        "start": str(start),
        "max_results": str(max_results),
        "sortBy": "submittedDate",
        "sortOrder": "descending",
    }


def record_answers() -> None:
    """Both pages, each only for its own exact query (anything else is a connection error: no network)."""
    responses.get(API, body=cassette("discover_page1.xml"), match=[matchers.query_param_matcher(search_params(0))])
    responses.get(API, body=cassette("discover_page2.xml"), match=[matchers.query_param_matcher(search_params(4))])


@pytest.fixture
def base(project: Path, no_sleep: list[float]) -> Path:
    write_generated_base(project)
    put_record(project)  # dapo-2025, arXiv 2503.14476: the search finds it again
    return project


def test_the_query_combines_categories_terms_and_the_window() -> None:
    assert QUERY.startswith("(cat:cs.LG OR cat:cs.CL OR cat:cs.AI) AND (")
    assert 'ti:"reinforcement learning" OR abs:"reinforcement learning" OR ti:RLVR OR abs:RLVR' in QUERY
    assert 'ti:"language model" OR abs:"language model"' in QUERY
    assert QUERY.endswith(" AND submittedDate:[202608010000 TO 202608082359]")
    assert QUERY.count("(") == QUERY.count(")") == 3


@responses.activate
def test_search_pages_until_the_total(no_sleep: list[float]) -> None:
    record_answers()
    entries, total = search_all(ArxivClient(), QUERY, limit=500)
    assert total == 7 and len(entries) == 7 and len(responses.calls) == 2
    assert responses.calls[0].request.headers["User-Agent"].startswith("rl4lrm/")
    assert no_sleep and all(wait <= 3.0 for wait in no_sleep)  # the client's spacing between the two calls


@responses.activate
def test_search_stops_at_the_limit(no_sleep: list[float]) -> None:
    responses.get(API, body=cassette("discover_page1.xml"), match=[matchers.query_param_matcher(search_params(0, 2))])
    entries, total = search_all(ArxivClient(), QUERY, limit=2)
    assert total == 7 and len(entries) == 2 and len(responses.calls) == 1  # arXiv's 4 cut to the 2 asked for


def test_search_answer_reports_its_total() -> None:
    page = parse_search(cassette("discover_page2.xml"))
    assert page.total == 7 and [e.arxiv_id for e in page.entries] == ["2608.90004", "2608.90005", "2401.90006"]


@responses.activate
def test_report_ranks_candidates_and_writes_nothing_without_write(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record_answers()
    before = sorted(p.name for p in (base / "papers").iterdir())
    report = tmp_path / "report.md"
    assert main(["discover", "--since", "2026-08-01", "--until", "2026-08-08", "--report", str(report)]) == 0
    assert sorted(p.name for p in (base / "papers").iterdir()) == before
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# arXiv discovery, 2026-08-01 to 2026-08-08\n")
    assert "7 results, 7 read" in text
    assert f"- candidates (relevance ≥ {THRESHOLD:.2f}): 3, not written" in text
    assert "- already in the base: 1" in text and "- withdrawn: 1" in text
    assert "- first published outside the window (new versions): 1" in text
    rows = [line for line in text.splitlines() if re.match(r"\| \d+ \| ", line)]
    assert len(rows) == 3 and {re.search(r"abs/([\d.]+)\)", r).group(1) for r in rows} == set(NEW)
    scores = [float(r.split("|")[2]) for r in rows]
    assert scores == sorted(scores, reverse=True) and min(scores) >= THRESHOLD
    assert "Streaming Speech Synthesis" in text.split("## Below the threshold")[1]
    assert "`applications/agentic" in next(r for r in rows if "Web Search Agents" in r)  # the node or its parent
    assert "DAPO" not in text.split("## Candidates")[1]
    assert "3 candidate(s) found" in capsys.readouterr().err


@responses.activate
def test_write_adds_valid_formatted_records(base: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record_answers()
    before = {p.name for p in (base / "papers").iterdir()}
    assert main(["discover", "--since", "2026-08-01", "--until", "2026-08-08", "--write"]) == 0
    out = capsys.readouterr()
    new = sorted({p.name for p in (base / "papers").iterdir()} - before)
    assert len(new) == 3 and "candidates (relevance" in out.out and "written to papers/" in out.out
    records = {}
    for name in new:
        path = base / "papers" / name
        file, problems = read_record(path, base)
        assert problems == [] and file.record is not None
        assert path.read_text(encoding="utf-8") == dump_record(file.record)  # canonical format
        records[file.record.links.arxiv] = file.record
        assert f"`papers/{name}`" in out.out
    assert set(records) == set(NEW)
    prm = records["2608.90004"]
    assert prm.authors == ["Gus Notreal", "Hana Pretend", "Ivo Imaginary", "Jo Surrogate"]
    assert prm.date == "2026-08-06" and prm.venue == "arXiv" and prm.kind == "paper"
    assert prm.abstract and prm.abstract.startswith("Dense step-level rewards") and "\n" not in prm.abstract
    assert prm.taxonomy[0] == "reward/dense" and prm.bibtex_key == "notreal2026process"
    assert records["2608.90002"].taxonomy[0] in ("applications/agentic/search", "applications/agentic")
    assert validate(Project(base)).problems == []


@responses.activate
def test_a_write_that_would_break_the_base_writes_nothing(base: Path, capsys: pytest.CaptureFixture[str]) -> None:
    far = build_query(SINCE, dt.date(2099, 12, 31))
    body = cassette("discover_page1.xml").replace("2026-08-03T09:30:00Z", "2099-01-01T09:30:00Z")
    params = {**search_params(0), "search_query": far}
    responses.get(API, body=body, match=[matchers.query_param_matcher(params)])
    responses.get(
        API, body=cassette("discover_page2.xml"), match=[matchers.query_param_matcher({**params, "start": "4"})]
    )
    before = {p.name: p.read_bytes() for p in (base / "papers").iterdir()}
    code = main(["discover", "--since", "2026-08-01", "--until", "2099-12-31", "--write"])
    err = capsys.readouterr().err
    assert code == 1
    assert {p.name: p.read_bytes() for p in (base / "papers").iterdir()} == before
    assert re.search(
        r"papers/group-relative-advantages-without-critic-2099\.yaml:\d+: date: '2099-01-01' is in the future", err
    )
    assert "nothing written: the records would not be valid" in err


def test_bad_dates_are_refused(base: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["discover", "--since", "2026-08-09", "--until", "2026-08-01"]) == 2
    assert "is after --until" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["discover", "--since", "last week"])


@responses.activate
def test_arxiv_failure_is_one_line(base: Path, capsys: pytest.CaptureFixture[str]) -> None:
    responses.get(API, body="Bad Request", status=400)
    assert main(["discover", "--since", "2026-08-01", "--until", "2026-08-08"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rl4lrm discover: arXiv answered HTTP 400") and err.count("\n") == 1


# --- the relevance fixture and model ---


def test_the_fixture_holds_real_labelled_titles_of_the_period() -> None:
    items = load_fixture()
    assert len(items) >= 300 and FIXTURE.name == "relevance_titles.yaml"
    assert sum(x.in_scope for x in items) >= 100 and sum(not x.in_scope for x in items) >= 100
    assert len({x.arxiv for x in items}) == len(items)
    for item in items:
        assert re.fullmatch(r"2(51[12]|60\d|61[01])\.\d{5}", item.arxiv), item  # submitted 2025-11..2026-11
        assert item.title.strip() == item.title and "\n" not in item.title and item.source


def test_relevance_ranks_in_scope_titles_higher() -> None:
    labelled = [
        Labelled("", "Policy optimization with verifiable rewards for math reasoning", True),
        Labelled("", "Reward models for reinforcement learning of language models", True),
        Labelled("", "Neural speech synthesis with vocoders", False),
        Labelled("", "Monocular SLAM with Gaussian splatting", False),
    ]
    model = Relevance.fit(["Group relative policy optimization for LLM reasoning"], labelled)
    high, low = model.scores(["Reinforcement learning for reasoning language models", "Speech vocoders for SLAM"])
    assert 0.0 <= low < high <= 1.0
    assert model.scores([]) == []
