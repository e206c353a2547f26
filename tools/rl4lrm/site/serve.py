"""Serve a built site folder over HTTP (the standard library's server, quiet, until interrupted), and rebuild it
when its sources change."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ClassVar


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files from one folder, without a log line per request."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    """A browser that drops a request it no longer needs (a search shard of a query typed over) is no error."""

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(folder: Path, host: str, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(QuietHandler, directory=str(folder))
    return QuietServer((host, port), handler)


def serve_in_thread(
    folder: Path, host: str = "127.0.0.1", port: int = 0
) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start serving folder from a daemon thread; returns the server and its base URL (port 0 picks a free one)."""
    server = make_server(folder, host, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}/"


def serve(folder: Path, host: str, port: int) -> int:
    try:
        server = make_server(folder, host, port)
    except OSError as exc:
        print(f"rl4lrm site: cannot listen on {host}:{port}: {exc.strerror}")
        return 1
    print(f"serving {folder} at http://{host}:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
    with server:
        server.serve_forever()
    return 0


def stamp(paths: Iterable[Path]) -> tuple:
    """Names, sizes and modification times of every file under paths: changes when any source changes."""
    out = []
    for path in paths:
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
        for file in files:
            info = file.stat()
            out.append((str(file), info.st_size, info.st_mtime_ns))
    return tuple(out)


def watch(paths: list[Path], rebuild: Callable[[], object], interval: float = 1.0) -> threading.Thread:
    """Poll paths from a daemon thread and call rebuild after each change."""

    def loop() -> None:
        last = stamp(paths)
        while True:
            time.sleep(interval)
            now = stamp(paths)
            if now != last:
                last = now
                print("sources changed, rebuilding", flush=True)
                rebuild()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return thread
