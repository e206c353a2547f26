"""The suggest-paper script on sample issue bodies: fields parsed strictly, nothing ever executed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from rl4lrm.contrib.suggest import LABELS, BadIssue, main, parse_issue, sections
from rl4lrm.kb.records import read_record

from .recorded import cassette

FORM = Path(__file__).resolve().parents[2] / ".github" / "ISSUE_TEMPLATE" / "suggest-paper.yml"


def body(
    arxiv: str = "2503.14476",
    nodes: str = "optimizer/critic-free\nsampler/dynamic",
    code: str = "_No response_",
    notes: str = "_No response_",
) -> str:
    """An issue body exactly as GitHub renders the suggest-paper form."""
    return (
        f"### arXiv id or URL\n\n{arxiv}\n\n### Taxonomy nodes\n\n{nodes}\n\n### Code repository\n\n{code}\n\n"
        f"### Anything else?\n\n{notes}"
    )


class Atom(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        data = cassette("dapo.xml").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/atom+xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def arxiv_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A local stand-in for the arXiv API (the script runs `rl4lrm add` in a subprocess)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Atom)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/api/query"
    monkeypatch.setenv("RL4LRM_ARXIV_API", url)
    yield url
    server.shutdown()
    server.server_close()


def no_pwned(*folders: Path) -> bool:
    return not any(path.name.startswith("pwned") for folder in folders for path in folder.rglob("*"))


def test_form_labels_match_the_parser() -> None:
    form = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    labels = {item["id"]: item["attributes"]["label"] for item in form["body"] if "id" in item}
    assert {key: labels[key] for key in LABELS} == LABELS
    assert form["labels"] == ["suggest-paper"]


def test_sections_of_a_rendered_form() -> None:
    assert sections(body(code="https://github.com/a/b")) == {
        "arXiv id or URL": "2503.14476",
        "Taxonomy nodes": "optimizer/critic-free\nsampler/dynamic",
        "Code repository": "https://github.com/a/b",
        "Anything else?": "",
    }


def test_parse_accepts_urls_bullets_and_commas() -> None:
    got = parse_issue(
        body(arxiv="https://arxiv.org/abs/2503.14476v2", nodes="- `optimizer/critic-free`, sampler/dynamic")
    )
    assert (got.arxiv, got.nodes, got.code) == (
        "https://arxiv.org/abs/2503.14476v2",
        ["optimizer/critic-free", "sampler/dynamic"],
        None,
    )
    assert got.add_argv() == [
        "add",
        "--yes",
        "--tag",
        "optimizer/critic-free",
        "--tag",
        "sampler/dynamic",
        "--",
        "https://arxiv.org/abs/2503.14476v2",
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"arxiv": "_No response_"}, "is empty"),
        ({"arxiv": "2503.14476 $(touch pwned)"}, "must be one arXiv id"),
        ({"arxiv": "`touch pwned`"}, "must be one arXiv id"),
        ({"arxiv": "2503.14476; touch pwned"}, "must be one arXiv id"),
        ({"arxiv": "--root=/tmp"}, "must be one arXiv id"),
        ({"nodes": "optimizer/critic-free\n$(touch pwned)"}, "must list node ids"),
        ({"nodes": "sampler/dynamic;touch"}, "must list node ids"),
        ({"code": "https://github.com/a/b `touch pwned`"}, "must be one http(s) URL"),
        ({"code": "javascript:alert(1)"}, "must be one http(s) URL"),
        ({"code": "https://x.org/" + "a" * 600}, "longer than 500"),
    ],
)
def test_parse_refuses_anything_else(fields: dict[str, str], message: str) -> None:
    with pytest.raises(BadIssue, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_issue(body(**fields))


@pytest.mark.parametrize(
    "fields",
    [
        {"arxiv": "2503.14476 $(touch pwned)"},
        {"arxiv": "`touch pwned`"},
        {"nodes": "$(touch pwned)"},
        {"code": "https://github.com/a/b`touch pwned`"},
    ],
)
def test_injection_attempts_are_refused_and_explained(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fields: dict[str, str]
) -> None:
    out = tmp_path / "suggestion"
    monkeypatch.setenv("ISSUE_BODY", body(**fields))
    assert main(["--body-env", "ISSUE_BODY", "--issue", "12", "--out", str(out)]) == 1
    assert "could not be turned into a record" in (out / "comment.md").read_text(encoding="utf-8")
    assert not (out / "record.txt").exists()
    assert list((project / "papers").iterdir()) == []
    assert no_pwned(tmp_path, Path.cwd())


def test_suggestion_becomes_a_record_and_nothing_runs(project: Path, tmp_path: Path, arxiv_api: str) -> None:
    # Passes every check ($, parentheses and quotes are legal in URLs) and still runs nothing: argv, no shell.
    code = "https://github.com/BytedTsinghua-SIA/DAPO/$(touch$IFS'pwned')"
    source = tmp_path / "issue.md"
    source.write_text(
        body(arxiv="https://arxiv.org/abs/2503.14476v2", code=code, notes="$(touch pwned) `touch pwned`"),
        encoding="utf-8",
    )
    out = tmp_path / "suggestion"
    assert main(["--body-file", str(source), "--issue", "12", "--out", str(out)]) == 0
    assert (out / "record.txt").read_text() == "papers/dapo-2025.yaml\n"
    rec = read_record(project / "papers" / "dapo-2025.yaml", project)[0].record
    assert rec.links.code == code and rec.taxonomy == ["optimizer/critic-free", "sampler/dynamic"]
    assert (out / "papers" / "dapo-2025.yaml").read_bytes() == (project / "papers" / "dapo-2025.yaml").read_bytes()
    assert (out / "pr-title.txt").read_text() == "Add DAPO: An Open-Source LLM Reinforcement Learning System at Scale\n"
    pr_body = (out / "pr-body.md").read_text()
    assert "Closes #12" in pr_body and "`optimizer/critic-free`, `sampler/dynamic`" in pr_body
    assert no_pwned(tmp_path, Path.cwd())


def test_add_failure_is_reported_on_the_issue(project: Path, tmp_path: Path, arxiv_api: str) -> None:
    out = tmp_path / "suggestion"
    source = tmp_path / "issue.md"
    source.write_text(body(nodes="optimizer/critic-fre"), encoding="utf-8")
    assert main(["--body-file", str(source), "--issue", "3", "--out", str(out)]) == 1
    comment = (out / "comment.md").read_text(encoding="utf-8")
    assert "unknown taxonomy node 'optimizer/critic-fre' (did you mean 'optimizer/critic-free'?)" in comment
    assert list((project / "papers").iterdir()) == []


def test_without_nodes_the_pr_says_they_were_suggested(project: Path, tmp_path: Path, arxiv_api: str) -> None:
    out = tmp_path / "suggestion"
    source = tmp_path / "issue.md"
    source.write_text(body(nodes="_No response_"), encoding="utf-8")
    assert main(["--body-file", str(source), "--issue", "4", "--out", str(out)]) == 0
    assert "(suggested by rl4lrm add; please check)" in (out / "pr-body.md").read_text()
