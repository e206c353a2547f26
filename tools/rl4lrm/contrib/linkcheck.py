"""rl4lrm check-links: is every URL in the records still alive? Concurrent, polite per host, cached.

Each URL gets a HEAD request (GET when the server refuses HEAD), following redirects. A result is
``ok``, ``redirected`` (works, but the record should point at the final URL), ``dead`` (HTTP error,
timeout, connection failure) or ``rate-limited`` (HTTP 429; check again later). A 429 whose Retry-After is
short is waited out once; a longer one leaves that host alone for the rest of the run.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .. import __version__
from ..kb.formatting import write_atomic
from ..kb.project import Project
from ..kb.records import load_records
from .arxiv import retry_after_seconds

if TYPE_CHECKING:
    import requests

USER_AGENT = f"rl4lrm-linkcheck/{__version__} (weekly link check of a research knowledge base)"
STATUSES = ("dead", "redirected", "rate-limited", "ok")
GET_INSTEAD = {400, 403, 405, 501}  # servers that refuse or mishandle HEAD
HOST_INTERVALS = {"arxiv.org": 1.0, "export.arxiv.org": 3.0}  # hosts that ask for slower crawling
CACHE_FILE = Path(".cache") / "linkcheck.json"
_CACHEABLE_DEAD = {404, 410}


@dataclass
class LinkResult:
    """What one URL answered."""

    url: str
    status: str
    code: int | None = None
    final_url: str | None = None
    reason: str = ""
    seconds: float = 0.0
    checked_at: float = 0.0
    retry_after: float | None = None
    cached: bool = False
    where: list[str] = field(default_factory=list)

    def cacheable(self) -> bool:
        return self.status in ("ok", "redirected") or (self.status == "dead" and self.code in _CACHEABLE_DEAD)


class HostPacer:
    """Per-host rate limit: request starts to one host are at least ``interval(host)`` seconds apart."""

    def __init__(
        self,
        default: float,
        overrides: dict[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.default, self.overrides, self.clock, self.sleep = default, overrides or {}, clock, sleep
        self._next: dict[str, float] = {}
        self._blocked: dict[str, float] = {}
        self._lock = threading.Lock()

    def interval(self, host: str) -> float:
        return max(self.default, self.overrides.get(host, 0.0))

    def wait(self, host: str) -> None:
        """Block until this host may get another request, and book the slot."""
        with self._lock:
            now = self.clock()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self.interval(host)
        if start > now:
            self.sleep(start - now)

    def hold(self, host: str, seconds: float) -> None:
        """The host asked us to back off (HTTP 429): start nothing there for ``seconds``."""
        with self._lock:
            self._next[host] = max(self._next.get(host, 0.0), self.clock() + seconds)

    def block(self, host: str, seconds: float) -> None:
        """The host asked for a longer pause than we wait: leave it alone for the rest of the run."""
        with self._lock:
            self._blocked[host] = max(self._blocked.get(host, 0.0), self.clock() + seconds)

    def blocked(self, host: str) -> float:
        """Seconds the host still asked us to stay away (0 when it did not)."""
        with self._lock:
            return max(0.0, self._blocked.get(host, 0.0) - self.clock())


def _session(concurrency: int) -> requests.Session:
    import http.cookiejar

    import requests
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=max(10, concurrency), pool_maxsize=concurrency, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update({"User-Agent": USER_AGENT, "Accept": "*/*"})
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))  # no state across threads
    return session


def check_url(session: requests.Session, url: str, timeout: float, pacer: HostPacer, max_wait: float) -> LinkResult:
    """HEAD (then GET if HEAD is refused) one URL, following redirects; never raises for network trouble."""
    import requests

    host = (urlsplit(url).hostname or "").lower()
    started = time.monotonic()
    method, waited = "HEAD", False
    while True:
        if (remaining := pacer.blocked(host)) > 0:
            return _result(
                url,
                started,
                "rate-limited",
                reason="not checked: the host asked for a pause",
                retry_after=round(remaining),
            )
        pacer.wait(host)
        try:
            response = session.request(method, url, timeout=(timeout, timeout), allow_redirects=True, stream=True)
            response.close()
        except requests.Timeout:
            return _result(url, started, "dead", reason=f"timeout after {timeout:g} s")
        except requests.TooManyRedirects:
            return _result(url, started, "dead", reason="too many redirects (a loop?)")
        except requests.exceptions.SSLError:
            return _result(url, started, "dead", reason="TLS/certificate error")
        except requests.RequestException as exc:
            return _result(url, started, "dead", reason=f"connection failed ({type(exc).__name__})")
        code = response.status_code
        if method == "HEAD" and code in GET_INSTEAD:
            method = "GET"
            continue
        if code == 429:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if not waited and (wait is None or wait <= max_wait):
                pacer.hold(host, max_wait if wait is None else wait)
                waited = True
                continue
            pacer.block(host, max_wait if wait is None else wait)
            return _result(url, started, "rate-limited", code, reason="HTTP 429 Too Many Requests", retry_after=wait)
        if 200 <= code < 300:
            if response.history:
                first = response.history[0].status_code
                return _result(url, started, "redirected", first, response.url, f"HTTP {first} to {response.url}")
            return _result(url, started, "ok", code)
        reason = f"HTTP {code} {response.reason or ''}".rstrip()
        return _result(url, started, "dead", code, response.url if response.history else None, reason)


def _result(
    url: str,
    started: float,
    status: str,
    code: int | None = None,
    final_url: str | None = None,
    reason: str = "",
    retry_after: float | None = None,
) -> LinkResult:
    return LinkResult(
        url, status, code, final_url, reason, round(time.monotonic() - started, 3), time.time(), retry_after
    )


def interleave(urls: Iterable[str]) -> list[str]:
    """Round-robin over hosts, so a slow or paced host never holds every worker."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[(urlsplit(url).hostname or "").lower()].append(url)
    queues = list(by_host.values())
    out: list[str] = []
    for index in range(max((len(q) for q in queues), default=0)):
        out.extend(q[index] for q in queues if index < len(q))
    return out


def check_urls(
    urls: Iterable[str],
    concurrency: int = 16,
    timeout: float = 15.0,
    host_interval: float = 0.5,
    max_wait: float = 10.0,
    progress: bool = False,
) -> list[LinkResult]:
    """Check URLs with a bounded pool of threads sharing one pooled session; results in input order."""
    order = interleave(dict.fromkeys(urls))
    if not order:
        return []
    pacer = HostPacer(host_interval, HOST_INTERVALS)
    session = _session(concurrency)
    results: dict[str, LinkResult] = {}
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(order), desc="checking links", unit="url", leave=False)
    try:
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="linkcheck") as pool:
            futures = {pool.submit(check_url, session, url, timeout, pacer, max_wait): url for url in order}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if bar is not None:
                    bar.update()
    finally:
        session.close()
        if bar is not None:
            bar.close()
    return [results[url] for url in order]


def collect_urls(project: Project) -> tuple[dict[str, list[str]], int]:
    """Every URL of every readable record with where it appears ('papers/x.yaml:12 links.code'); and the
    number of unreadable record files skipped."""
    records = load_records(project.papers, project.root)
    where: dict[str, list[str]] = defaultdict(list)
    for file in records.files:
        if file.record is None:
            continue
        for name, url in file.record.links.urls().items():
            where[url].append(f"{file.name}:{file.line('links', name)} links.{name}")
    skipped = sum(1 for f in records.files if f.record is None)
    return dict(where), skipped


def load_cache(path: Path, max_age: float, now: float) -> dict[str, LinkResult]:
    """Fresh cached results by URL; a missing or unreadable cache is simply empty."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        out = {}
        for item in data.get("results", []):
            result = LinkResult(**{k: v for k, v in item.items() if k in LinkResult.__dataclass_fields__})
            if now - result.checked_at <= max_age and result.cacheable():
                result.cached, result.where = True, []
                out[result.url] = result
        return out
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def save_cache(path: Path, results: list[LinkResult], previous: dict[str, LinkResult]) -> None:
    keep = {r.url: r for r in previous.values()}
    keep.update({r.url: r for r in results if r.cacheable()})
    items = [{k: v for k, v in asdict(r).items() if k not in ("cached", "where")} for r in keep.values()]
    write_atomic(path, json.dumps({"version": 1, "results": items}, indent=1) + "\n")


def summary(results: list[LinkResult]) -> dict[str, int]:
    counts = Counter(r.status for r in results)
    return {status: counts.get(status, 0) for status in STATUSES}


def render_text(results: list[LinkResult], seconds: float, markdown: bool = False) -> str:
    """Problems first (dead, redirected, rate-limited), then a one-line summary."""
    lines: list[str] = []
    for status in STATUSES[:3]:
        group = [r for r in results if r.status == status]
        if not group:
            continue
        lines.append(f"## {status} ({len(group)})" if markdown else f"{status} ({len(group)}):")
        for r in group:
            detail = f"→ {r.final_url} ({r.code})" if status == "redirected" else r.reason
            if status == "rate-limited" and r.retry_after is not None:
                detail += f", retry after {r.retry_after:g} s"
            places = "; ".join(r.where)
            lines.append(f"- <{r.url}> {detail} — {places}" if markdown else f"  {r.url}  {detail}  [{places}]")
        lines.append("")
    counts = summary(results)
    cached = sum(r.cached for r in results)
    lines.append(
        f"checked {len(results)} URLs ({cached} from cache) in {seconds:.1f} s: "
        + ", ".join(f"{counts[s]} {s}" for s in reversed(STATUSES))
    )
    return "\n".join(lines)


def render_json(results: list[LinkResult], seconds: float) -> str:
    return json.dumps(
        {
            "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "seconds": round(seconds, 2),
            "summary": summary(results),
            "results": [asdict(r) for r in results],
        },
        indent=2,
    )
