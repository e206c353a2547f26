"""The workflows keep their security promises: least privilege, pinned actions, no untrusted text in shell lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

GITHUB = Path(__file__).resolve().parents[2] / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")


def load(path: Path) -> dict:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # keeps `on:` a string key
    assert isinstance(data, dict)
    return data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_the_contribution_workflows_exist() -> None:
    assert {"links.yml", "suggest-paper.yml", "validate.yml"} <= {p.name for p in WORKFLOWS}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_pull_request_target_and_explicit_permissions(path: Path) -> None:
    workflow = load(path)
    triggers = workflow["on"]
    assert "pull_request_target" not in ([triggers] if isinstance(triggers, str) else list(triggers))
    assert "permissions" in workflow, "set top-level permissions"
    for name, job in workflow["jobs"].items():
        granted = job.get("permissions", workflow["permissions"])
        assert granted != "write-all" and (granted == {} or isinstance(granted, dict)), name
        if path.name != "suggest-paper.yml" or name != "pull-request":
            assert "contents" not in granted or granted["contents"] == "read", name


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_pinned_by_commit(path: Path) -> None:
    for step in steps(load(path)):
        if "uses" in step:
            assert PINNED.match(step["uses"]), step["uses"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_inside_shell_lines(path: Path) -> None:
    for step in steps(load(path)):
        assert "${{" not in step.get("run", ""), step.get("name", step.get("run"))


def test_validate_runs_on_pull_request_read_only() -> None:
    workflow = load(GITHUB / "workflows" / "validate.yml")
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    runs = [step.get("run", "") for step in steps(workflow)]
    assert "rl4lrm validate --format github" in runs and "rl4lrm fmt --check" in runs


def test_suggest_reads_the_body_from_env_with_read_only_token() -> None:
    workflow = load(GITHUB / "workflows" / "suggest-paper.yml")
    assert workflow["permissions"] == {}
    prepare = workflow["jobs"]["prepare"]
    assert prepare["permissions"] == {"contents": "read"}
    (step,) = [s for s in prepare["steps"] if "rl4lrm.contrib.suggest" in s.get("run", "")]
    assert step["env"]["ISSUE_BODY"] == "${{ github.event.issue.body }}"
    assert "--body-env ISSUE_BODY" in step["run"]
    checkouts = [s for s in prepare["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts, "the prepare job checks out the repository"
    for s in checkouts:
        assert s["with"]["persist-credentials"] == "false"
    assert workflow["jobs"]["pull-request"]["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert workflow["jobs"]["report-failure"]["permissions"] == {"issues": "write"}


def test_links_runs_weekly_and_reports_as_issue() -> None:
    workflow = load(GITHUB / "workflows" / "links.yml")
    assert workflow["on"]["schedule"][0]["cron"].split()[2:] == ["*", "*", "1"]
    assert workflow["jobs"]["check-links"]["permissions"] == {"contents": "read", "issues": "write"}
    text = " ".join(step.get("run", "") for step in steps(workflow))
    assert "rl4lrm check-links" in text and "gh issue create" in text


def test_issue_forms_parse() -> None:
    for name in ("suggest-paper.yml", "bug-report.yml"):
        form = load(GITHUB / "ISSUE_TEMPLATE" / name)
        assert form["name"] and form["body"]
    assert (GITHUB / "pull_request_template.md").read_text(encoding="utf-8").count("- [ ]") >= 3
