"""Site build benchmark: the real KB against a plain mkdocs-material build of the same pages, then 20,000 synthetic
records (time, peak memory, size on disk, largest paper page). Prints the figures.

Usage: python benchmarks/site_build.py [--records 20000] [--skip-real] [--skip-synthetic]
Targets: full build <= 1.3x plain mkdocs; 20k records: build <= 120 s, <= 1 GB; paper page <= 40 KB. Also prints
how often a work's related works (rl4lrm.site.related) share a taxonomy node with it, against random pairs.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "true", "DISABLE_MKDOCS_2_WARNING": "true"}


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, show: bool = False) -> float:
    """Wall seconds of a command; show=True prints its output and the CPU seconds it used (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env or ENV, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
    if show:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        print(
            f"  {done.stdout.strip()}\n  CPU {cpu:.1f} s (user + system, all threads); load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
    return seconds


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def project_copy(target: Path) -> Path:
    """A project folder holding the repo's site configuration (records and taxonomy added by the caller)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(REPO / "site", target / "site")
    if (REPO / "baselines").is_dir():
        shutil.copytree(REPO / "baselines", target / "baselines")
    return target


def plain_config(work: Path, docs: Path) -> Path:
    """mkdocs-material as it comes on the same pages: the repo's site name, nav and URLs, the theme's defaults
    (its built-in lunr search plugin), no custom templates and no hooks."""
    import yaml

    ours = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    plain = {key: ours[key] for key in ("site_name", "site_url", "use_directory_urls", "nav", "markdown_extensions")}
    plain.update(docs_dir=str(docs), site_dir=str(work / "plain-site"), theme={"name": "material", "font": False})
    path = work / "plain.yml"
    path.write_text(yaml.safe_dump(plain, sort_keys=False), encoding="utf-8")
    return path


def real_kb(work: Path, runs: int) -> None:
    """Full build (validation, generation, mkdocs with our hooks, Pagefind) vs plain mkdocs-material on the pages."""
    out = work / "real"
    full = min(timed([str(BIN / "rl4lrm"), "site", "build", "--out", str(out)], REPO) for _ in range(runs))
    config = plain_config(work, out / "docs")
    plain = min(timed([str(BIN / "mkdocs"), "build", "-q", "-f", str(config)], REPO) for _ in range(runs))
    pages = sum(1 for _ in (out / "docs").rglob("*.md"))
    print(
        f"real KB: {pages} pages; full build {full:.2f} s; plain mkdocs-material build of the same pages "
        f"{plain:.2f} s; ratio {full / plain:.2f} (target <= 1.30); load average {os.getloadavg()[0]:.1f}"
    )
    sys.path.insert(0, str(REPO / "tools"))
    from rl4lrm.kb.records import load_records
    from rl4lrm.kb.taxonomy import load_taxonomy

    related_rates("real KB", load_records(REPO / "papers").records, load_taxonomy(REPO / "taxonomy"))


def related_rates(label: str, records: list, taxonomy) -> None:
    from rl4lrm.site.related import related_works, shared_node_rates

    start = time.perf_counter()
    related = related_works(records, taxonomy)
    seconds = time.perf_counter() - start
    ours, random = shared_node_rates(records, related)
    print(
        f"{label}: related works share a taxonomy node with their work in {ours:.1%} of pairs, random pairs in "
        f"{random:.1%} ({ours / max(random, 1e-9):.0f}x; computed in {seconds:.1f} s)"
    )


def synthetic(work: Path, count: int) -> None:
    sys.path.insert(0, str(REPO / "tools"))
    from rl4lrm.site.synthetic import write_synthetic_project

    project = project_copy(work / "synthetic")
    start = time.perf_counter()
    write_synthetic_project(project, REPO / "taxonomy", count)
    print(f"{count} synthetic records written in {time.perf_counter() - start:.1f} s")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    seconds = timed([str(BIN / "rl4lrm"), "site", "build"], project, show=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    site = project / "build" / "site"
    papers = sorted((p.stat().st_size, p.name) for p in (site / "papers").glob("*.html"))
    print(
        f"{count} records: build {seconds:.1f} s (target <= 120); site {folder_bytes(site) / 1e6:.0f} MB on disk, "
        f"build folder {folder_bytes(project / 'build') / 1e6:.0f} MB (target <= 1000); peak RSS "
        f"{max(peak, before) / 1024:.0f} MB"
    )
    print(
        f"paper pages: {len(papers)}; largest {papers[-1][0] / 1024:.1f} KB ({papers[-1][1]}), "
        f"median {papers[len(papers) // 2][0] / 1024:.1f} KB (target <= 40 KB)"
    )
    from rl4lrm.kb.taxonomy import load_taxonomy
    from rl4lrm.site.synthetic import synthetic_records

    taxonomy = load_taxonomy(REPO / "taxonomy")
    related_rates(f"{count} synthetic records", synthetic_records(count, taxonomy), taxonomy)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3, help="best of N for the real-KB comparison")
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rl4lrm-site-bench-") as tmp:
        if not args.skip_real:
            real_kb(Path(tmp), args.runs)
        if not args.skip_synthetic:
            synthetic(Path(tmp), args.records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
