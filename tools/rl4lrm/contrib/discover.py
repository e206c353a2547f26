"""Find new arXiv papers for the base: search, score relevance, drop known works, suggest nodes, build records.

1. Search the arXiv API (through the polite client) for papers submitted in a date window in the field's
   categories that name reinforcement learning and language models or reasoning (:func:`build_query`), newest
   first, 100 a page, up to a limit.
2. Drop withdrawn papers, papers first published outside the window (a new version of an old paper), and works
   already in the base (same arXiv id, or same normalised title, with or without the short name: the merge
   rule's match).
3. Score each title's relevance (contrib/relevance.py); papers at the threshold or above are candidates.
4. Suggest nodes and a kind for each candidate from its title and abstract (contrib/tagging.py), and build its
   record with the merge rule (importers/merge.py), the whole set checked as one change (kb.validate).

Nothing is written here; the command writes :attr:`Discovery.texts` when asked and the check found nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..importers.candidate import Candidate
from ..importers.merge import Merger, RecordStore
from ..kb.problems import Problem
from ..kb.project import Project
from ..kb.records import load_records
from ..kb.taxonomy import load_taxonomy
from ..kb.validate import validate_change
from .add import bibtex_key_for
from .arxiv import ArxivClient, ArxivEntry, one_line
from .relevance import THRESHOLD, relevance_for
from .tagging import Suggestion, TaggingError, tagger_for

CATEGORIES = ("cs.LG", "cs.CL", "cs.AI")
RL_TERMS = ('"reinforcement learning"', "RLVR", "GRPO", "RLHF", '"policy optimization"', '"reward model"')
LM_TERMS = ('"language model"', "LLM", "LLMs", '"reasoning model"', "reasoning")
PAGE = 100
DEFAULT_MAX = 500


def build_query(since: dt.date, until: dt.date) -> str:
    """The arXiv ``search_query``: categories, RL terms and LM terms (titles or abstracts), and the window.

    ``(cat:cs.LG OR cat:cs.CL OR cat:cs.AI) AND (ti:"reinforcement learning" OR abs:"reinforcement learning"
    OR ...) AND (ti:"language model" OR abs:"language model" OR ...) AND submittedDate:[YYYYMMDD0000 TO
    YYYYMMDD2359]`` (both days included, arXiv's times are UTC).
    """

    def either(terms: tuple[str, ...]) -> str:
        return " OR ".join(f"{field}:{term}" for term in terms for field in ("ti", "abs"))

    categories = " OR ".join(f"cat:{c}" for c in CATEGORIES)
    window = f"submittedDate:[{since:%Y%m%d}0000 TO {until:%Y%m%d}2359]"
    return f"({categories}) AND ({either(RL_TERMS)}) AND ({either(LM_TERMS)}) AND {window}"


def search_all(client: ArxivClient, query: str, limit: int, page: int = PAGE) -> tuple[list[ArxivEntry], int]:
    """Up to ``limit`` entries of a query, page by page; also the total arXiv reports for the query."""
    entries: list[ArxivEntry] = []
    total = None
    start = 0
    while start < limit and (total is None or start < total):
        answer = client.search(query, start=start, max_results=min(page, limit - start))
        total = answer.total
        if not answer.entries:  # arXiv sometimes answers a page past the end, or a transient empty one
            break
        entries.extend(answer.entries)
        start += len(answer.entries)
    return entries[:limit], total or 0


@dataclass
class Found:
    """One arXiv entry and what became of it: candidate, below, in-base, outside or withdrawn."""

    entry: ArxivEntry
    status: str
    relevance: float | None = None
    suggestion: Suggestion | None = None
    record_id: str | None = None
    same_as: str | None = None  # the record it already is (in-base)


@dataclass
class Discovery:
    """The outcome of one search."""

    query: str
    since: dt.date
    until: dt.date
    threshold: float
    total: int = 0
    found: list[Found] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # papers/ file name -> text of each candidate record
    problems: list[Problem] = field(default_factory=list)  # what writing the candidates would break

    def with_status(self, status: str) -> list[Found]:
        ranked = [f for f in self.found if f.status == status]
        return sorted(ranked, key=lambda f: (-(f.relevance or 0.0), f.entry.arxiv_id))


def discover(
    project: Project,
    since: dt.date,
    until: dt.date,
    limit: int = DEFAULT_MAX,
    client: ArxivClient | None = None,
    threshold: float = THRESHOLD,
    today: dt.date | None = None,
) -> Discovery:
    """Search, filter, score, tag and build candidate records; nothing is written."""
    tax = load_taxonomy(project.taxonomy, project.root)
    if tax.problems:
        raise TaggingError("the taxonomy has problems; run 'rl4lrm validate' first")
    loaded = load_records(project.papers, project.root)
    if loaded.problems:
        raise TaggingError("the records have problems; run 'rl4lrm validate' first")
    records = loaded.records
    query = build_query(since, until)
    out = Discovery(query, since, until, threshold)
    entries, out.total = search_all(client or ArxivClient(), query, limit)
    store = RecordStore(project.papers, records)
    seen: set[str] = set()
    fresh: list[Found] = []
    for entry in entries:
        if entry.arxiv_id in seen:
            continue
        seen.add(entry.arxiv_id)
        known = store.find(Candidate(where="", title=entry.title, links={"arxiv": entry.arxiv_id}))
        if entry.withdrawn:
            out.found.append(Found(entry, "withdrawn"))
        elif not since.isoformat() <= entry.date <= until.isoformat():
            out.found.append(Found(entry, "outside"))
        elif known is not None:
            out.found.append(Found(entry, "in-base", same_as=known.id))
        else:
            fresh.append(Found(entry, "below"))
    out.found.extend(fresh)
    if not fresh:
        return out
    scores = relevance_for(records).scores([f.entry.title for f in fresh])
    for item, score in zip(fresh, scores, strict=True):
        item.relevance = score
        if score >= threshold:
            item.status = "candidate"
    candidates = out.with_status("candidate")
    if not candidates:
        return out
    tagger = tagger_for(project, tax, records)
    for item, suggestion in zip(
        candidates, tagger.suggest_many([(f.entry.title, f.entry.abstract) for f in candidates]), strict=True
    ):
        item.suggestion = suggestion
    keys: set[str | None] = {r.bibtex_key for r in records if r.bibtex_key}
    by_id = {f.entry.arxiv_id: f for f in candidates}

    def place(cand: Candidate) -> tuple[list[str], str, str] | None:
        suggestion = by_id[cand.links["arxiv"]].suggestion
        if suggestion is None or not suggestion.nodes:
            return None
        return suggestion.confident(), "suggested", ", ".join(suggestion.confident())

    merger = Merger(store, fallback=place, today=today or dt.date.today())
    for item in candidates:
        entry, suggestion = item.entry, item.suggestion
        key = bibtex_key_for(entry, keys)
        keys.add(key)
        outcome = merger.apply(
            Candidate(
                where=f"arXiv:{entry.arxiv_id}",
                title=entry.title,
                authors=list(entry.authors),
                date=entry.date,
                venue=one_line(entry.journal_ref) if entry.journal_ref else "arXiv",
                links={"arxiv": entry.arxiv_id},
                kind=suggestion.kind if suggestion and suggestion.kind else None,
                bibtex_key=key,
                abstract=entry.abstract or None,
            )
        )
        item.record_id = outcome.record_id if outcome.status == "created" else None
        if outcome.status != "created":
            item.status = "skipped"
    out.texts = store.texts()
    out.problems = validate_change(project, out.texts, today=today, records=loaded)
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_markdown(found: Discovery, written: bool, below: int = 30) -> str:
    """The report, most relevant first: candidates with their nodes and kind, then the best ones below."""
    candidates = found.with_status("candidate")
    lines = [
        f"# arXiv discovery, {found.since.isoformat()} to {found.until.isoformat()}",
        "",
        f"Searched arXiv for `{found.query}`: {found.total} results, {len(found.found)} read.",
        "",
        f"- candidates (relevance ≥ {found.threshold:.2f}): {len(candidates)}"
        + (", written to papers/" if written and candidates else ", not written" if candidates else ""),
        f"- below the threshold: {len(found.with_status('below'))}",
        f"- already in the base: {len(found.with_status('in-base'))}",
        f"- first published outside the window (new versions): {len(found.with_status('outside'))}",
        f"- withdrawn: {len(found.with_status('withdrawn'))}",
    ]
    if found.with_status("skipped"):
        lines.append(f"- could not become a record: {len(found.with_status('skipped'))}")
    if found.problems:
        lines += ["", "**Not written: the records would not be valid:**", ""]
        lines += [f"- `{_cell(p.text())}`" for p in found.problems]
    lines += ["", "Relevance is the probability that the title is in scope (RL for LLM reasoning), learned from the"]
    lines += ["base's titles; nodes and kind are the tagger's suggestions: **review each record**.", ""]
    if candidates:
        lines += ["## Candidates", "", "| # | relevance | paper | date | suggested nodes | kind | record |"]
        lines += ["|--:|--:|---|---|---|---|---|"]
        for number, item in enumerate(candidates, 1):
            entry, suggestion = item.entry, item.suggestion
            nodes = ", ".join(f"`{n}`" for n in suggestion.confident()) if suggestion else ""
            kind = f"`{suggestion.kind}`" if suggestion and suggestion.kind else "`paper`"
            record = f"`papers/{item.record_id}.yaml`" if item.record_id else ""
            link = f"[{_cell(entry.title)}](https://arxiv.org/abs/{entry.arxiv_id})"
            lines.append(f"| {number} | {item.relevance:.2f} | {link} | {entry.date} | {nodes} | {kind} | {record} |")
        lines.append("")
    rest = found.with_status("below")
    if rest:
        shown = rest[:below]
        lines += [f"## Below the threshold (the {len(shown)} most relevant of {len(rest)})", ""]
        lines += ["| relevance | paper | date |", "|--:|---|---|"]
        for item in shown:
            link = f"[{_cell(item.entry.title)}](https://arxiv.org/abs/{item.entry.arxiv_id})"
            lines.append(f"| {item.relevance:.2f} | {link} | {item.entry.date} |")
        lines.append("")
    return "\n".join(lines)
