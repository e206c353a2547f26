"""rl4lrm add: fetch a paper from arXiv and write papers/<id>.yaml, valid and formatted, or nothing at all."""

from __future__ import annotations

import argparse
import sys

from ..contrib.add import Refused, add
from ..contrib.arxiv import ArxivError
from ..kb.project import find_project


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source", help="arXiv id or URL: 2503.14476, 2503.14476v2, math/0601001, https://arxiv.org/abs/..."
    )
    parser.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="NODE",
        help="taxonomy node id, e.g. optimizer/critic-free (repeat for several)",
    )
    parser.add_argument("--code", metavar="URL", help="main code repository")
    parser.add_argument("--name", help="short name the work is known by, e.g. DAPO")
    parser.add_argument("--kind", help="record kind (default: the kind the tagger suggests, else paper)")
    parser.add_argument(
        "--yes",
        action="store_true",
        help="ask nothing; without --tag, use the suggested nodes: the first, and the others the tagger is "
        "confident of (a reviewer checks them in the PR)",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the record, write nothing")


def run(args: argparse.Namespace) -> int:
    try:
        path = add(args, find_project())
    except Refused as exc:
        print(f"rl4lrm add: {exc}", file=sys.stderr)
        return exc.code
    except ArxivError as exc:
        print(f"rl4lrm add: {exc}", file=sys.stderr)
        return 2
    except EOFError:
        print("rl4lrm add: no answer; nothing written", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"rl4lrm add: {exc.strerror or exc} ({exc.filename or 'papers/'}); nothing written", file=sys.stderr)
        return 1
    if path:
        print(f"wrote {path}", file=sys.stderr)
    return 0
