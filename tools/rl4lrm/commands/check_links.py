"""rl4lrm check-links: check every URL in the records, report dead, redirected and rate-limited ones."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..contrib.linkcheck import (
    CACHE_FILE,
    STATUSES,
    check_urls,
    collect_urls,
    load_cache,
    render_json,
    render_text,
    save_cache,
)
from ..kb.formatting import write_atomic
from ..kb.project import find_project


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the full report as JSON ('-': stdout)")
    parser.add_argument("--format", choices=["text", "markdown"], default="text", help="report layout on stdout")
    parser.add_argument("--concurrency", type=int, default=16, metavar="N", help="requests in flight (default 16)")
    parser.add_argument("--timeout", type=float, default=15.0, metavar="S", help="per-request timeout (default 15)")
    parser.add_argument(
        "--host-interval",
        type=float,
        default=0.5,
        metavar="S",
        help="minimum seconds between requests to one host (default 0.5; arxiv.org is slower)",
    )
    parser.add_argument(
        "--max-wait",
        type=float,
        default=10.0,
        metavar="S",
        help="honour a 429's Retry-After up to this many seconds, once (default 10)",
    )
    parser.add_argument(
        "--max-age",
        type=float,
        default=24.0,
        metavar="HOURS",
        help="reuse cached results younger than this (default 24)",
    )
    parser.add_argument("--no-cache", action="store_true", help="check everything and do not update the cache")


def run(args: argparse.Namespace) -> int:
    if args.concurrency < 1 or args.timeout <= 0 or args.host_interval < 0 or args.max_wait < 0:
        print("rl4lrm check-links: --concurrency must be ≥ 1, --timeout > 0, intervals ≥ 0", file=sys.stderr)
        return 2
    project = find_project()
    where, skipped = collect_urls(project)
    if skipped:
        print(f"skipping {skipped} unreadable record file(s); run 'rl4lrm validate'", file=sys.stderr)
    cache_path = project.root / CACHE_FILE
    now = time.time()
    cached = {} if args.no_cache else load_cache(cache_path, args.max_age * 3600, now)
    started = time.monotonic()
    fresh = check_urls(
        [url for url in where if url not in cached],
        concurrency=args.concurrency,
        timeout=args.timeout,
        host_interval=args.host_interval,
        max_wait=args.max_wait,
        progress=sys.stderr.isatty(),
    )
    seconds = time.monotonic() - started
    by_url = {r.url: r for r in fresh} | {url: cached[url] for url in where if url in cached}
    results = sorted(by_url.values(), key=lambda r: (STATUSES.index(r.status), r.url))
    for result in results:
        result.where = where[result.url]
    if not args.no_cache:
        try:
            save_cache(cache_path, fresh, {u: r for u, r in cached.items() if u in where})
        except OSError as exc:
            print(
                f"rl4lrm check-links: cannot write {CACHE_FILE} ({exc.strerror}); results not cached", file=sys.stderr
            )
    if args.json:
        text = render_json(results, seconds)
        if str(args.json) == "-":
            print(text)
        else:
            try:
                write_atomic(args.json, text + "\n")
            except OSError as exc:
                print(f"rl4lrm check-links: cannot write {args.json} ({exc.strerror or exc})", file=sys.stderr)
                return 2
    if str(args.json) != "-":
        print(render_text(results, seconds, markdown=args.format == "markdown"))
    return 1 if any(r.status == "dead" for r in results) else 0
