"""Serve a built site folder over HTTP (the standard library's server, quiet, until interrupted)."""

from __future__ import annotations

import functools
import http.server
import threading
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


def make_server(folder: Path, host: str, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(QuietHandler, directory=str(folder))
    return http.server.ThreadingHTTPServer((host, port), handler)


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
