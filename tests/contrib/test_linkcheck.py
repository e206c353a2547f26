"""rl4lrm check-links against a local server: 1,000 URLs, each answer classified, within a time bound."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest

from rl4lrm.cli import main
from rl4lrm.contrib.linkcheck import HostPacer, interleave

from .linkserver import EXPECTED, serving
from .recorded import put_record

MIX = {
    "ok": 700,
    "slow": 100,
    "nohead": 25,
    "flaky": 2,
    "moved": 40,
    "missing": 80,
    "gone": 8,
    "broken": 20,
    "stuck": 5,
    "limited": 20,
}
FIELDS = ("pdf", "code", "project", "blog", "huggingface")


def write_records(project: Path, base: str, mix: dict[str, int]) -> dict[str, tuple[str, str]]:
    """Records holding every URL of the mix, five per record; returns url -> (kind, 'file field')."""
    # rate-limited paths live on a second host name: a long Retry-After makes the checker leave that host alone
    other = base.replace("127.0.0.1", "localhost")
    urls = [f"{other if kind == 'limited' else base}/{kind}/{n}" for kind, count in mix.items() for n in range(count)]
    random.Random(7).shuffle(urls)
    where = {}
    for index in range(0, len(urls), len(FIELDS)):
        rec_id = f"rec-{index // len(FIELDS):04d}"
        links = dict(zip(FIELDS, urls[index : index + len(FIELDS)], strict=False))
        put_record(project, id=rec_id, title=f"Work number {index}", links=links)
        for name, url in links.items():
            where[url] = (url.split("/")[3], f"papers/{rec_id}.yaml links.{name}")
    return where


def check(args: list[str], tmp_path: Path) -> tuple[int, dict, float]:
    out = tmp_path / "links.json"
    started = time.monotonic()
    code = main(["check-links", "--json", str(out), *args])
    return code, json.loads(out.read_text(encoding="utf-8")), time.monotonic() - started


def test_thousand_urls_classified_within_bound(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--concurrency", "32", "--timeout", "1", "--host-interval", "0", "--max-wait", "2"]
    with serving(stuck_seconds=3.0) as server:
        where = write_records(project, server.base, MIX)
        assert len(where) == 1000
        code, report, seconds = check(args, tmp_path)
        first_hits = server.hits.copy()
        code2, report2, seconds2 = check(args, tmp_path)
        second_hits = server.hits - first_hits

    assert code == 1  # dead links fail the run
    assert seconds < 30, f"1,000 URLs took {seconds:.1f} s"
    results = {r["url"]: r for r in report["results"]}
    assert set(results) == set(where)
    for url, (kind, place) in where.items():
        result = results[url]
        assert result["status"] == EXPECTED[kind], (url, result)
        file, field = place.split()
        (found,) = result["where"]
        assert found.startswith(f"{file}:") and found.endswith(f" {field}"), found
    assert report["summary"] == {"dead": 113, "redirected": 40, "rate-limited": 20, "ok": 827}
    for url, result in results.items():
        kind = where[url][0]
        if kind == "moved":
            assert (result["code"], result["final_url"]) == (301, url.replace("/moved/", "/ok/"))
        elif kind == "stuck":
            assert result["reason"] == "timeout after 1 s"
        elif kind == "limited" and result["code"] == 429:
            assert result["retry_after"] == 120
        elif kind == "limited":
            assert result["reason"] == "not checked: the host asked for a pause" and 0 < result["retry_after"] <= 120
        elif kind in ("missing", "gone", "broken"):
            assert result["code"] == {"missing": 404, "gone": 410, "broken": 500}[kind]
    assert first_hits[("GET", "nohead")] == 25  # HEAD refused, GET used
    assert first_hits[("HEAD", "flaky")] == 4  # 429 with Retry-After: 1, waited, asked again
    text = capsys.readouterr().out
    assert "checked 1000 URLs (0 from cache)" in text and "827 ok, 20 rate-limited, 40 redirected, 113 dead" in text

    # second run: ok, redirected and 404/410 come from the cache; 429, 500 and timeouts are asked again
    assert code2 == 1 and report2["summary"] == report["summary"]
    assert sum(r["cached"] for r in report2["results"]) == 1000 - 20 - 20 - 5
    assert set(kind for _, kind in second_hits) == {"limited", "broken", "stuck"}
    assert seconds2 < seconds + 5


def test_text_report_names_file_line_and_field(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serving() as server:
        put_record(project, links={"code": f"{server.base}/missing/1", "project": f"{server.base}/moved/2"})
        code = main(["check-links", "--host-interval", "0", "--no-cache"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"dead (1):\n  {server.base}/missing/1  HTTP 404 Not Found  [papers/dapo-2025.yaml:10 links.code]" in out
    assert f"redirected (1):\n  {server.base}/moved/2  → {server.base}/ok/2 (301)" in out
    assert not (project / ".cache").exists()


def test_all_ok_exits_zero_and_markdown(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serving() as server:
        put_record(project, links={"code": f"{server.base}/ok/1"})
        assert main(["check-links", "--host-interval", "0", "--format", "markdown"]) == 0
    assert (
        capsys.readouterr().out.strip()
        == "checked 1 URLs (0 from cache) in 0.0 s: 1 ok, 0 rate-limited, 0 redirected, 0 dead"
    )
    assert json.loads((project / ".cache" / "linkcheck.json").read_text())["results"][0]["status"] == "ok"


def test_corrupt_cache_is_ignored(project: Path) -> None:
    (project / ".cache").mkdir()
    (project / ".cache" / "linkcheck.json").write_text("{not json", encoding="utf-8")
    with serving() as server:
        put_record(project, links={"code": f"{server.base}/ok/1"})
        assert main(["check-links", "--host-interval", "0"]) == 0
        assert server.hits[("HEAD", "ok")] == 1


def test_unreachable_host_is_dead(project: Path, tmp_path: Path) -> None:
    with serving() as server:
        port = server.server_address[1]
    put_record(project, links={"code": f"http://127.0.0.1:{port}/ok/1"})  # server closed: connection refused
    code, report, _ = check(["--host-interval", "0", "--no-cache"], tmp_path)
    assert code == 1
    assert report["results"][0]["reason"] == "connection failed (ConnectionError)"


def test_bad_options_are_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-links", "--concurrency", "0"]) == 2
    assert "--concurrency must be ≥ 1" in capsys.readouterr().err


def test_long_retry_after_leaves_the_host_alone(project: Path, tmp_path: Path) -> None:
    with serving() as server:
        for n in range(5):
            put_record(project, id=f"rec-{n}", title=f"Work {n}", links={"code": f"{server.base}/limited/{n}"})
        code, report, _ = check(["--concurrency", "1", "--host-interval", "0", "--no-cache"], tmp_path)
        hits = server.hits[("HEAD", "limited")]
    assert code == 0  # rate-limited is not dead
    assert hits == 1
    reasons = sorted(r["reason"] for r in report["results"])
    assert reasons == ["HTTP 429 Too Many Requests"] + ["not checked: the host asked for a pause"] * 4


def test_host_pacer_spaces_starts_per_host() -> None:
    now = [0.0]
    waits: list[tuple[str, float]] = []
    pacer = HostPacer(0.5, {"arxiv.org": 1.0}, clock=lambda: now[0], sleep=lambda s: waits.append(s))
    for host in ("a.org", "a.org", "b.org", "arxiv.org", "arxiv.org", "a.org"):
        pacer.wait(host)
    assert waits == [0.5, 1.0, 1.0]
    pacer.hold("b.org", 30)
    pacer.wait("b.org")
    assert waits[-1] == 30


def test_interleave_round_robins_hosts() -> None:
    urls = ["https://a.org/1", "https://a.org/2", "https://a.org/3", "https://b.org/1", "https://c.org/1"]
    assert interleave(urls) == [
        "https://a.org/1",
        "https://b.org/1",
        "https://c.org/1",
        "https://a.org/2",
        "https://a.org/3",
    ]


def test_unwritable_json_report_is_one_line(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")
    with serving() as server:
        put_record(project, links={"code": f"{server.base}/ok/1"})
        assert main(["check-links", "--host-interval", "0", "--json", str(tmp_path / "afile" / "r.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rl4lrm check-links: cannot write ") and err.count("\n") == 1
