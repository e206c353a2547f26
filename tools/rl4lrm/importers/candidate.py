"""What an importer hands to the merge: one work as read from a source, plus how to read links, kinds and dates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..kb.identity import parse_arxiv_id
from ..kb.schema import PARTIAL_DATE


@dataclass
class Candidate:
    """One work as found in a source file; `where` is 'file:line' for messages."""

    where: str
    title: str
    name: str | None = None
    authors: list[str] = field(default_factory=list)
    authors_truncated: bool = False
    date: str | None = None
    venue: str | None = None
    links: dict[str, str] = field(default_factory=dict)
    nodes: list[str] = field(default_factory=list)
    hint_nodes: list[str] = field(default_factory=list)
    kind: str | None = None
    bibtex_key: str | None = None
    abstract: str | None = None  # the source's own abstract, kept on new records only (merges never touch it)

    @property
    def arxiv(self) -> str | None:
        return self.links.get("arxiv")


_BLOG_HOSTS = ("notion.site", "substack.com", "medium.com", "wandb.ai")


def sort_link(url: str, label: str = "") -> tuple[str, str]:
    """Which `links` field a URL belongs in, and the value to store there (an arXiv URL becomes its id).

    `label` is the text or badge the source showed (e.g. 'Blog', 'Paper', 'GitHub')."""
    url = url.strip()
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.lower()
    label = label.strip().lower()
    if host.endswith("arxiv.org") or host == "alphaxiv.org":
        arxiv = parse_arxiv_id(url)
        if arxiv:
            return "arxiv", arxiv
    if host == "huggingface.co" and path.startswith("/papers/"):
        arxiv = parse_arxiv_id(path.removeprefix("/papers/"))
        if arxiv:
            return "arxiv", arxiv
    if host == "openreview.net":
        return "openreview", url
    if label == "blog" or "blog" in host or "/blog" in path or host.endswith(_BLOG_HOSTS):
        return "blog", url
    if host in ("github.com", "gitlab.com") or host.endswith(".github.com"):
        return "code", url
    if host == "huggingface.co":
        return "huggingface", url
    if path.endswith(".pdf"):
        return "pdf", url
    return "project", url


def add_link(links: dict[str, str], url: str, label: str = "") -> None:
    """Sort a URL into links, keeping the first URL found for each field."""
    if not url.startswith(("http://", "https://")):
        return
    key, value = sort_link(url, label)
    links.setdefault(key, value)


_SURVEY = re.compile(r"\bsurvey\b", re.I)
_BENCH = re.compile(r"bench(?:mark)?s?\b", re.I)
_SPECIFIC_OVER_BENCH = {"model", "framework"}


def infer_kind(title: str, section_kind: str | None, links: dict[str, str]) -> str:
    """The kind of a work from title cues, the section it is listed in and its links."""
    if _SURVEY.search(title):
        return "survey"
    if section_kind in _SPECIFIC_OVER_BENCH:
        return section_kind
    if _BENCH.search(title):
        return "benchmark"
    if section_kind:
        return section_kind
    if "blog" in links and not ({"arxiv", "pdf", "openreview", "project"} & set(links)):
        return "blog"
    return "paper"


def clean_date(text: str | None) -> str | None:
    """A YYYY, YYYY-MM or YYYY-MM-DD date from text such as '2025-03', '2025/03' or '2025.03'; None otherwise."""
    if not text:
        return None
    value = re.sub(r"[./]", "-", text.strip())
    match = PARTIAL_DATE.match(value)
    if not match:
        return None
    month = match.group(2)
    if month and not 1 <= int(month) <= 12:
        return None
    return value
