"""rl4lrm tag: suggest taxonomy nodes and a kind for titles (and abstracts), from a model fitted on the base."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..contrib.tagging import DEFAULT_TOP, Suggestion, TaggingError, tagger_for
from ..kb.project import find_project


def configure(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--title", help="title of the work")
    source.add_argument(
        "--input",
        type=Path,
        metavar="FILE.jsonl",
        help='one JSON object per line: {"title": ..., "abstract": ...} (abstract optional); - reads stdin',
    )
    parser.add_argument("--abstract", default="", help="abstract or summary (with --title)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="json: one JSON object a line")
    parser.add_argument(
        "--top", type=int, default=DEFAULT_TOP, metavar="N", help=f"nodes per work (default {DEFAULT_TOP})"
    )


def read_items(path: Path) -> tuple[list[tuple[int, str, str]], list[str]]:
    """(line, title, abstract) for every good line, and 'file:line: why' for every bad one (blank lines skipped)."""
    name = "<stdin>" if str(path) == "-" else str(path)
    raw = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    items, bad = [], []
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append(f"{name}:{number}: not JSON ({exc.msg})")
            continue
        if not isinstance(data, dict):
            bad.append(f"{name}:{number}: expected an object with a title, got {type(data).__name__}")
            continue
        title, abstract = data.get("title"), data.get("abstract", "") or ""
        if not isinstance(title, str) or not title.strip():
            bad.append(f"{name}:{number}: 'title' must be a non-empty string")
        elif not isinstance(abstract, str):
            bad.append(f"{name}:{number}: 'abstract' must be a string")
        else:
            items.append((number, " ".join(title.split()), " ".join(abstract.split())))
    return items, bad


def _text(title: str, suggestion: Suggestion, tagger) -> str:
    lines = [title]
    for number, (node, score) in enumerate(suggestion.nodes, 1):
        lines.append(f"  {number}. {node:<42} {score:7.3f}  {tagger.tax.nodes[node].title}")
    if suggestion.kind:
        lines.append(f"  kind: {suggestion.kind} ({suggestion.kind_score:.3f})")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.top < 1:
        print("rl4lrm tag: --top must be at least 1", file=sys.stderr)
        return 2
    if args.title is not None and not args.title.strip():
        print("rl4lrm tag: --title is empty", file=sys.stderr)
        return 2
    bad: list[str] = []
    if args.input is not None:
        try:
            items, bad = read_items(args.input)
        except (OSError, UnicodeDecodeError) as exc:
            print(f"rl4lrm tag: cannot read {args.input}: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
            return 2
    else:
        items = [(0, " ".join(args.title.split()), " ".join(args.abstract.split()))]
    for line in bad:
        print(line, file=sys.stderr)
    if items:
        try:
            tagger = tagger_for(find_project())
        except TaggingError as exc:
            print(f"rl4lrm tag: {exc}", file=sys.stderr)
            return 2
        suggestions = tagger.suggest_many([(title, abstract) for _, title, abstract in items], args.top)
        for (number, title, _), suggestion in zip(items, suggestions, strict=True):
            if args.format == "json":
                data = {"title": title, **suggestion.as_json()}
                if args.input is not None:
                    data = {"line": number, **data}
                print(json.dumps(data, ensure_ascii=False))
            else:
                print(_text(title, suggestion, tagger))
    if bad:
        print(f"rl4lrm tag: {len(bad)} bad line(s) skipped", file=sys.stderr)
        return 1
    return 0
