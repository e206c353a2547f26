"""A small, polite client of the arXiv API: Atom over HTTPS, retries with backoff, ≥ 3 s between calls.

It fetches entries by id (add, refresh) and pages through ``search_query`` results (discover).

Every failure becomes an :class:`ArxivError` whose message fits on one line, so commands can print it as is.
The base URL can be pointed elsewhere with ``RL4LRM_ARXIV_API`` (used by tests and recorded terminal casts).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from .. import __version__
from ..kb.identity import ARXIV_ABS_URL, split_arxiv_version

if TYPE_CHECKING:
    import requests

API_URL = "https://export.arxiv.org/api/query"
USER_AGENT = (
    f"rl4lrm/{__version__} (knowledge base of RL for large reasoning models; metadata import via the arXiv API)"
)
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
_WITHDRAWN = re.compile(r"\b(?:this (?:paper|article|submission) (?:has been|is) withdrawn|withdrawn by)\b", re.I)
_RETRY_STATUS = {429, 500, 502, 503, 504}


class ArxivError(Exception):
    """Any failure talking to arXiv; str() is one line that names the cause."""


class ArxivNotFound(ArxivError):
    """arXiv has no such paper (empty feed, an entry without a title, or an API error entry)."""


class ArxivFormatError(ArxivError):
    """The answer was not the Atom feed arXiv documents."""


@dataclass(frozen=True)
class ArxivEntry:
    """One paper as arXiv describes its latest version."""

    arxiv_id: str
    version: int | None
    title: str
    authors: list[str]
    abstract: str
    published: str
    updated: str
    journal_ref: str | None = None
    comment: str | None = None

    @property
    def withdrawn(self) -> bool:
        """True when the authors withdrew the paper (arXiv says so in the comment or the abstract)."""
        return bool(_WITHDRAWN.search(self.comment or "") or _WITHDRAWN.search(self.abstract[:300]))

    @property
    def date(self) -> str:
        """First public date (of version 1), YYYY-MM-DD."""
        return self.published[:10]


def split_version(text: str) -> tuple[str, int | None]:
    """'2503.14476v2' -> ('2503.14476', 2); ids without a version give None."""
    parts = split_arxiv_version(text)
    if parts is None:
        raise ArxivError(f"'{text}' is not an arXiv id (expected e.g. 2503.14476 or math/0601001)")
    return parts


def one_line(text: str) -> str:
    """Collapse runs of whitespace (arXiv wraps titles and abstracts) into single spaces."""
    return " ".join(text.split())


def _text(element: ElementTree.Element | None) -> str:
    return one_line(element.text or "") if element is not None else ""


def parse_feed(body: str | bytes) -> list[ArxivEntry]:
    """Parse an arXiv Atom feed; raise ArxivFormatError for anything else, ArxivError for API error entries.

    Document type declarations are refused before parsing, so no entity can be defined, let alone expanded.
    """
    raw = body.encode("utf-8") if isinstance(body, str) else body
    head = raw[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in raw.lower():
        raise ArxivFormatError("arXiv answer declares a DTD or entities, which a feed never does; refusing it")
    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError as exc:
        raise ArxivFormatError(f"arXiv answer is not well-formed XML ({exc})") from None
    if root.tag != f"{ATOM}feed":
        raise ArxivFormatError(f"arXiv answer is not an Atom feed (root element '{root.tag}')")
    entries = []
    for node in root.iter(f"{ATOM}entry"):
        entry_id = _text(node.find(f"{ATOM}id"))
        if "/api/errors" in entry_id:
            message = _text(node.find(f"{ATOM}summary")) or entry_id.rsplit("#", 1)[-1].replace("_", " ")
            raise ArxivNotFound(f"arXiv API error: {message}")
        match = ARXIV_ABS_URL.search(entry_id)
        if not match:
            raise ArxivFormatError(f"arXiv entry has an unexpected id '{entry_id[:80]}'")
        title = _text(node.find(f"{ATOM}title"))
        if not title:  # arXiv answers a well-formed id that does not exist with an empty entry
            continue
        entries.append(
            ArxivEntry(
                arxiv_id=match.group("id"),
                version=int(match.group("version")) if match.group("version") else None,
                title=title,
                authors=[name for a in node.findall(f"{ATOM}author") if (name := _text(a.find(f"{ATOM}name")))],
                abstract=_text(node.find(f"{ATOM}summary")),
                published=_text(node.find(f"{ATOM}published")),
                updated=_text(node.find(f"{ATOM}updated")),
                journal_ref=_text(node.find(f"{ARXIV}journal_ref")) or None,
                comment=_text(node.find(f"{ARXIV}comment")) or None,
            )
        )
    for entry in entries:
        if not re.match(r"^\d{4}-\d{2}-\d{2}", entry.published):
            raise ArxivFormatError(f"arXiv entry {entry.arxiv_id} has no publication date")
    return entries


OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


@dataclass(frozen=True)
class SearchPage:
    """One page of a search: its entries and how many results the whole query has."""

    entries: list[ArxivEntry]
    total: int


def parse_search(body: str | bytes) -> SearchPage:
    """A search answer: the entries (as :func:`parse_feed`) and ``opensearch:totalResults``."""
    entries = parse_feed(body)
    raw = body.encode("utf-8") if isinstance(body, str) else body
    total_node = ElementTree.fromstring(raw).find(f"{OPENSEARCH}totalResults")
    try:
        total = int(_text(total_node)) if total_node is not None else len(entries)
    except ValueError:
        raise ArxivFormatError("arXiv answer has a totalResults that is not a number") from None
    return SearchPage(entries, total)


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class ArxivClient:
    """Fetches entries by id; spaces calls ≥ ``min_interval`` seconds apart and retries transient failures.

    ``clock`` and ``sleep`` are injectable so tests can check the spacing without waiting.
    """

    def __init__(
        self,
        session: requests.Session | None = None,
        *,
        base_url: str | None = None,
        min_interval: float = 3.0,
        retries: int = 4,
        backoff: float = 2.0,
        max_wait: float = 60.0,
        timeout: tuple[float, float] = (10.0, 30.0),
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ):
        import requests

        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.base_url = base_url or os.environ.get("RL4LRM_ARXIV_API") or API_URL
        self.min_interval, self.retries, self.backoff, self.max_wait = min_interval, retries, backoff, max_wait
        self.timeout = timeout
        self.clock = clock or time.monotonic
        self.sleep = sleep or time.sleep
        self._last_call: float | None = None
        self._lock = threading.Lock()

    def _space(self) -> None:
        if self._last_call is not None:
            wait = self._last_call + self.min_interval - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last_call = self.clock()

    def _get(self, params: dict[str, str]) -> bytes:
        import requests

        with self._lock:
            for attempt in range(self.retries + 1):
                self._space()
                last = attempt == self.retries
                try:
                    response = self.session.get(self.base_url, params=params, timeout=self.timeout)
                except requests.Timeout:
                    if last:
                        raise ArxivError(
                            f"arXiv did not answer within {self.timeout[1]:g} s; try again later"
                        ) from None
                    self.sleep(self.backoff * 2**attempt)
                    continue
                except requests.RequestException as exc:
                    if last:
                        reason = type(exc).__name__
                        raise ArxivError(f"cannot reach arXiv ({reason}); check your connection") from None
                    self.sleep(self.backoff * 2**attempt)
                    continue
                if response.status_code in _RETRY_STATUS and not last:
                    wait = retry_after_seconds(response.headers.get("Retry-After"))
                    self.sleep(min(self.max_wait, wait if wait is not None else self.backoff * 2**attempt))
                    continue
                if response.status_code != 200:
                    raise ArxivError(f"arXiv answered HTTP {response.status_code} {response.reason or ''}".rstrip())
                return response.content
        raise AssertionError("unreachable")

    def fetch(self, ids: Iterable[str], batch: int = 50) -> dict[str, ArxivEntry]:
        """Entries by version-less id for every id arXiv knows; ids may carry versions (the latest is fetched)."""
        wanted = list(dict.fromkeys(split_version(i)[0] for i in ids))
        found: dict[str, ArxivEntry] = {}
        for start in range(0, len(wanted), batch):
            chunk = wanted[start : start + batch]
            body = self._get({"id_list": ",".join(chunk), "max_results": str(len(chunk))})
            for entry in parse_feed(body):
                if entry.arxiv_id in chunk:
                    found[entry.arxiv_id] = entry
        return found

    def search(self, query: str, start: int = 0, max_results: int = 100) -> SearchPage:
        """One page of ``search_query`` results, newest submissions first."""
        body = self._get(
            {
                "search_query": query,
                "start": str(start),
                "max_results": str(max_results),
                "sortBy": "submittedDate",
                "sortOrder": "descending",
            }
        )
        return parse_search(body)

    def get(self, arxiv_id: str) -> ArxivEntry:
        """One entry; ArxivNotFound when arXiv has no such paper."""
        base, _ = split_version(arxiv_id)
        entry = self.fetch([base]).get(base)
        if entry is None:
            raise ArxivNotFound(f"arXiv has no paper {base}")
        return entry
