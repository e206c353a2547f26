"""How fast `rl4lrm validate` is: on the real records and on 20,000 synthetic ones (targets: 1 s and 10 s)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from rl4lrm.kb.project import Project
from rl4lrm.kb.validate import validate
from rl4lrm.site.synthetic import write_synthetic_project

REPO = Path(__file__).resolve().parents[1]


def measure(project: Project, label: str, target: float) -> None:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        report = validate(project)
        best = min(best, time.perf_counter() - started)
    count = len(report.records.files)
    verdict = "ok" if best <= target else "OVER TARGET"
    print(
        f"{label:<22} {count:>6} records  {best:6.2f} s  {count / best:8.0f} records/s  "
        f"(target ≤ {target:.0f} s: {verdict}; {len(report.problems)} problems)"
    )


def main() -> None:
    measure(Project(REPO), "real knowledge base", 1.0)
    with tempfile.TemporaryDirectory() as tmp:
        project = write_synthetic_project(Path(tmp) / "kb", REPO / "taxonomy", 20_000)
        measure(Project(project), "20,000 synthetic", 10.0)


if __name__ == "__main__":
    main()
