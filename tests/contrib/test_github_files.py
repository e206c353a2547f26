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
    assert {"links.yml", "suggest-paper.yml", "validate.yml", "discover.yml"} <= {p.name for p in WORKFLOWS}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_pull_request_target_and_explicit_permissions(path: Path) -> None:
    workflow = load(path)
    triggers = workflow["on"]
    assert "pull_request_target" not in ([triggers] if isinstance(triggers, str) else list(triggers))
    assert "permissions" in workflow, "set top-level permissions"
    for name, job in workflow["jobs"].items():
        granted = job.get("permissions", workflow["permissions"])
        assert granted != "write-all" and (granted == {} or isinstance(granted, dict)), name
        if path.name not in ("suggest-paper.yml", "discover.yml") or name != "pull-request":
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
    install = " ".join(s.get("run", "") for s in prepare["steps"])
    assert "-e '.[tag]'" in install, "rl4lrm add --yes suggests nodes with the tagger (scikit-learn)"


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


def test_discover_is_weekly_least_privilege_and_pinned() -> None:
    workflow = load(GITHUB / "workflows" / "discover.yml")
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    (schedule,) = workflow["on"]["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit() and minute.isdigit() and hour.isdigit()
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["discover"]["permissions"] == {"contents": "read"}
    assert jobs["pull-request"]["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert jobs["pull-request"]["needs"] == "discover" and "changed" in jobs["pull-request"]["if"]
    # every action pinned by the full commit the other workflows already use
    elsewhere = {
        step["uses"]
        for other in WORKFLOWS
        if other.name != "discover.yml"
        for step in steps(load(other))
        if "uses" in step
    }
    used = [step["uses"] for step in steps(workflow) if "uses" in step]
    assert used and all(PINNED.match(u) and u in elsewhere for u in used), used
    for step in steps(workflow):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] == "false"
        assert "${{" not in step.get("run", "")
    runs = " ".join(step.get("run", "") for step in steps(workflow))
    assert "rl4lrm refresh --write" in runs and "rl4lrm discover --since" in runs
    assert "--write --report" in runs and "rl4lrm validate" in runs and "rl4lrm fmt --check" in runs
    assert "gh pr create" in runs and "gh auth setup-git" in runs
    assert not re.search(r"\$\{?(GH_TOKEN|GITHUB_TOKEN)", runs)  # the token is never on a command line, only env
    assert jobs["pull-request"]["env"]["GH_TOKEN"] == "${{ secrets.DISCOVER_TOKEN || github.token }}"
    install = " ".join(step.get("run", "") for step in jobs["discover"]["steps"])
    assert "-c constraints.txt -e '.[tag]'" in install


def test_the_pushing_jobs_keep_no_credentials_on_disk() -> None:
    for name in ("suggest-paper.yml", "discover.yml"):
        job = load(GITHUB / "workflows" / name)["jobs"]["pull-request"]
        (checkout,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
        assert checkout["with"]["persist-credentials"] == "false", name
        assert "gh auth setup-git" in " ".join(s.get("run", "") for s in job["steps"]), name


def test_make_lint_checks_the_workflows() -> None:
    makefile = (GITHUB.parent / "Makefile").read_text(encoding="utf-8")
    assert "lint: install lint-workflows" in makefile
    assert "$(BIN)/zizmor --offline .github/workflows" in makefile
    assert "$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml" in makefile
    pyproject = (GITHUB.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'"zizmor==[\d.]+"', pyproject) and re.search(r'"check-jsonschema==[\d.]+"', pyproject)
