"""A local HTTP server whose paths behave like the web's worst: slow, missing, rate-limited, moved, HEAD-less."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# path prefix -> what the checker must report for it
EXPECTED = {
    "ok": "ok",
    "slow": "ok",
    "nohead": "ok",
    "flaky": "ok",
    "moved": "redirected",
    "missing": "dead",
    "gone": "dead",
    "broken": "dead",
    "stuck": "dead",
    "limited": "rate-limited",
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LinkServer

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def _send(self, code: int, headers: dict[str, str] | None = None, body: bytes = b"") -> None:
        self.send_response(code)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _answer(self) -> None:
        kind = self.path.strip("/").split("/")[0]
        with self.server.lock:
            self.server.hits[(self.command, kind)] += 1
            seen = self.server.seen[self.path]
            self.server.seen[self.path] += 1
        if kind == "slow":
            time.sleep(0.2)
        if kind == "stuck":
            time.sleep(self.server.stuck_seconds)
        if kind in ("ok", "slow", "stuck"):
            self._send(200, body=b"hello")
        elif kind == "nohead":
            self._send(405 if self.command == "HEAD" else 200, body=b"hello")
        elif kind == "flaky":
            self._send(429, {"Retry-After": "1"}) if seen == 0 else self._send(200, body=b"hello")
        elif kind == "moved":
            self._send(301, {"Location": "/ok" + self.path[len("/moved") :]})
        elif kind == "missing":
            self._send(404)
        elif kind == "gone":
            self._send(410)
        elif kind == "broken":
            self._send(500)
        elif kind == "limited":
            self._send(429, {"Retry-After": "120"})
        else:
            self._send(400)

    do_GET = do_HEAD = _answer


class LinkServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default backlog of 5 drops connections under 32 concurrent clients

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that time out and hang up are expected here; stay quiet."""

    def __init__(self, stuck_seconds: float = 3.0):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.hits: Counter[tuple[str, str]] = Counter()
        self.seen: Counter[str] = Counter()
        self.stuck_seconds = stuck_seconds

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def serving(stuck_seconds: float = 3.0) -> Iterator[LinkServer]:
    server = LinkServer(stuck_seconds)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
