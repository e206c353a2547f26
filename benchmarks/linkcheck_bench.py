"""Link checker benchmark: URLs per second against a local server that answers after a fixed latency.

Usage: python benchmarks/linkcheck_bench.py [--urls 2000] [--latency 0.05] [--concurrency 1 8 16 32 64]
Checks the pool scales with concurrency (latency-bound work) and that a cached re-run costs almost nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from rl4lrm.cli import main as cli
from rl4lrm.contrib.linkcheck import check_urls, summary
from rl4lrm.kb.formatting import save_record
from rl4lrm.kb.schema import Record

REPO = Path(__file__).resolve().parents[1]


def serve(latency: float) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self) -> None:
            time.sleep(latency)
            code = 404 if self.path.endswith("/missing") else 200
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_HEAD = _answer

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 512

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.05, help="server delay per request, seconds")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 16, 32, 64])
    args = parser.parse_args()
    server = serve(args.latency)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    urls = [f"{base}/page/{i}" + ("/missing" if i % 50 == 0 else "") for i in range(args.urls)]
    print(f"check-links benchmark: {args.urls} URLs, {args.latency * 1000:.0f} ms server latency, one host")
    for concurrency in args.concurrency:
        n = min(len(urls), max(200, concurrency * 40))  # enough work per setting, short runs at low concurrency
        started = time.perf_counter()
        results = check_urls(urls[:n], concurrency=concurrency, timeout=10, host_interval=0)
        seconds = time.perf_counter() - started
        counts = summary(results)
        print(
            f"  concurrency {concurrency:>3}: {n:>5} URLs in {seconds:6.2f} s = {n / seconds:7.1f} URLs/s "
            f"(ideal {concurrency / args.latency:7.1f}); {counts['ok']} ok, {counts['dead']} dead"
        )

    root = Path(tempfile.mkdtemp(prefix="linkbench-"))
    try:
        shutil.copytree(REPO / "taxonomy", root / "taxonomy")
        fields = ("pdf", "code", "project", "blog", "huggingface")
        for index in range(0, len(urls), len(fields)):
            links = dict(zip(fields, urls[index : index + len(fields)], strict=False))
            save_record(
                root / "papers",
                Record(
                    id=f"rec-{index:05d}",
                    kind="paper",
                    title=f"Work {index}",
                    date="2025",
                    links=links,
                    taxonomy=["sampler/dynamic"],
                    added="2025-01-01",
                ),
            )
        argv = [
            "--root",
            str(root),
            "check-links",
            "--concurrency",
            "32",
            "--host-interval",
            "0",
            "--json",
            str(root / "report.json"),
        ]
        for label in ("full run (cold cache)", "re-run (warm cache)"):
            started = time.perf_counter()
            with (root / "report.txt").open("w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
                cli(argv)
            seconds = time.perf_counter() - started
            print(
                f"  rl4lrm check-links, {len(urls)} URLs in {len(urls) // len(fields)} records, {label}: "
                f"{seconds:.2f} s = {len(urls) / seconds:.0f} URLs/s"
            )
    finally:
        shutil.rmtree(root)
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
