"""rl4lrm add: fetch a paper from arXiv and write papers/<id>.yaml, valid and formatted, or nothing at all."""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import re
import sys
import unicodedata

from pydantic import ValidationError

from ..kb.formatting import dump_record, save_record
from ..kb.identity import make_record_id, normalize_title, parse_arxiv_id
from ..kb.problems import error_summary
from ..kb.project import Project
from ..kb.records import RecordFile, load_records, parse_record, record_paths
from ..kb.schema import Links, Record
from ..kb.taxonomy import Taxonomy, load_taxonomy
from .arxiv import ArxivClient, ArxivEntry, one_line
from .tagging import Suggestion, TaggingError, tagger_for, targets

NEAR_SAME_TITLE = 0.93
GENERIC_KIND = "paper"


class Refused(Exception):
    """Why nothing was written; str() is one line. ``code`` is the exit status."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def add(args: argparse.Namespace, project: Project, client: ArxivClient | None = None) -> str | None:
    """Build, check and save the record; returns the path written (None for --dry-run) or raises Refused."""
    arxiv_id = parse_arxiv_id(args.source)
    if not arxiv_id:
        raise Refused(f"'{args.source}' is not an arXiv id or URL (e.g. 2503.14476 or https://arxiv.org/abs/...)", 2)
    tax = load_taxonomy(project.taxonomy, project.root)
    if tax.problems or not tax.nodes:
        raise Refused("the taxonomy has problems; run 'rl4lrm validate' first", 2)
    records = load_records(project.papers, project.root)
    files = [f for f in records.files if f.record is not None]
    for file in files:
        if file.record.links.arxiv == arxiv_id:  # type: ignore[union-attr]
            raise Refused(f"arXiv {arxiv_id} is already in the base: {file.name}")
    _check_tags(args.tag, tax)
    if args.code:
        try:
            Links(code=args.code)
        except ValidationError as exc:
            raise Refused(f"--code {error_summary(exc).removeprefix('code: ')}", 2) from None
    if args.kind is not None and args.kind not in tax.kinds:
        raise Refused(f"unknown kind '{args.kind}' (allowed: {', '.join(tax.kinds)})", 2)

    entry = (client or ArxivClient()).get(arxiv_id)
    if entry.withdrawn:
        raise Refused(f"arXiv {arxiv_id} has been withdrawn by its authors; not adding it")
    same = _same_title(entry.title, files)
    if same:
        raise Refused(f"a record with the same title is already in the base: {same.name} ('{same.record.title}')")  # type: ignore[union-attr]

    interactive = sys.stdin.isatty() and not args.yes
    suggestion = None
    if not args.tag or args.kind is None:
        try:
            tagger = tagger_for(project, tax, [f.record for f in files])  # type: ignore[misc]
        except TaggingError as exc:
            raise Refused(str(exc), 2) from None
        suggestion = tagger.suggest(entry.title, entry.abstract)
    tags = list(dict.fromkeys(args.tag)) or _choose_tags(suggestion, tax, interactive, args.yes)  # type: ignore[arg-type]
    kind = args.kind or (suggestion.kind if suggestion and suggestion.kind else GENERIC_KIND)
    if args.kind is None and interactive and suggestion and suggestion.kind:
        print(f"Kind: {kind} (suggested; give --kind to choose another)", file=sys.stderr)
    taken = {p.stem for p in record_paths(project.papers)}
    keys = {f.record.bibtex_key for f in files if f.record.bibtex_key}  # type: ignore[union-attr]
    record = _build(entry, args, kind, tags, taken, keys)
    text = dump_record(record)
    name = f"papers/{record.id}.yaml"
    _, problems = parse_record(text, name, record.id)
    if problems:
        raise Refused("; ".join(p.text() for p in problems))
    if interactive or args.dry_run:
        print(text, end="")
    if args.dry_run:
        return None
    if interactive and not _confirm(f"Write {name}? [Y/n] "):
        raise Refused("nothing written")
    return save_record(project.papers, record).relative_to(project.root).as_posix()


def _check_tags(tags: list[str], tax: Taxonomy) -> None:
    for tag in tags:
        if tag not in tax.nodes:
            hint = tax.suggest(tag)
            raise Refused(f"unknown taxonomy node '{tag}'" + (f" ({hint})" if hint else " (see taxonomy/)"), 2)
        if tax.nodes[tag].parent is None and tax.children(tag):  # `frontier` has no nodes: it is placeable
            raise Refused(f"'{tag}' is a whole facet; pick one of its nodes, e.g. '{tax.children(tag)[0].id}'", 2)


def _same_title(title: str, files: list[RecordFile]) -> RecordFile | None:
    wanted = normalize_title(title)
    matcher = difflib.SequenceMatcher(b=wanted, autojunk=False)  # b is the side it indexes once
    for file in files:
        other = normalize_title(file.record.title)  # type: ignore[union-attr]
        if other == wanted:
            return file
        matcher.set_seq1(other)
        quick = matcher.real_quick_ratio() >= NEAR_SAME_TITLE and matcher.quick_ratio() >= NEAR_SAME_TITLE
        if quick and matcher.ratio() >= NEAR_SAME_TITLE:
            return file
    return None


def _choose_tags(suggestion: Suggestion, tax: Taxonomy, interactive: bool, yes: bool) -> list[str]:
    suggested = suggestion.nodes
    listing = ", ".join(node for node, _ in suggested) or "none found"
    if not interactive:
        if yes and suggested:
            return suggestion.confident()
        raise Refused(f"give at least one --tag NODE (suggested: {listing})", 2)
    print("Suggested taxonomy nodes:", file=sys.stderr)
    for number, (node, _) in enumerate(suggested, 1):
        print(f"  {number}. {node}  ({tax.nodes[node].title})", file=sys.stderr)
    default = "1" if suggested else ""
    for _ in range(3):
        answer = input(f"Nodes (numbers or ids, comma-separated){' [1]' if default else ''}: ").strip() or default
        chosen = []
        for part in filter(None, (p.strip() for p in answer.split(","))):
            if part.isdigit() and 1 <= int(part) <= len(suggested):
                chosen.append(suggested[int(part) - 1][0])
            elif part in targets(tax):
                chosen.append(part)
            else:
                print(f"  '{part}' is not a suggestion number or a node id. {tax.suggest(part)}", file=sys.stderr)
                chosen = []
                break
        if chosen:
            return list(dict.fromkeys(chosen))
    raise Refused("no taxonomy node chosen; nothing written")


def _confirm(question: str) -> bool:
    return input(question).strip().lower() in ("", "y", "yes")


def bibtex_key_for(entry: ArxivEntry, taken: set[str | None]) -> str:
    """family name + year + first long title word ('yu2025dapo'), suffixed b, c, ... until not taken."""

    def ascii_word(text: str) -> str:
        return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower())

    family = ascii_word(entry.authors[0].split()[-1]) if entry.authors else ""
    title_words = [w for w in normalize_title(entry.title).split() if len(w) > 3 or w.isupper()]
    base = f"{family or 'anon'}{entry.date[:4]}{ascii_word(title_words[0]) if title_words else ''}"
    key, suffix = base, ord("b")
    while key in taken:
        key, suffix = f"{base}{chr(suffix)}", suffix + 1
    return key


def _build(
    entry: ArxivEntry, args: argparse.Namespace, kind: str, tags: list[str], taken: set[str], keys: set
) -> Record:
    data = {
        "id": make_record_id(entry.title, args.name, entry.date[:4], taken),
        "kind": kind,
        "title": entry.title,
        "name": args.name,
        "authors": entry.authors,
        "date": entry.date,
        "venue": one_line(entry.journal_ref) if entry.journal_ref else "arXiv",
        "links": {"arxiv": entry.arxiv_id, "code": args.code},
        "taxonomy": tags,
        "bibtex_key": bibtex_key_for(entry, keys),
        "abstract": entry.abstract or None,
        "added": dt.date.today().isoformat(),
    }
    try:
        return Record.model_validate(data)
    except ValidationError as exc:
        raise Refused(f"the record would not be valid ({error_summary(exc)}); nothing written") from None
