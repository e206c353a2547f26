"""rl4lrm schema: the JSON Schema of a record, with kinds and taxonomy nodes as enums, for editors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..kb.exports import record_json_schema
from ..kb.formatting import write_atomic
from ..kb.project import find_project
from ..kb.taxonomy import load_taxonomy


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, help="write to this file instead of standard output")


def run(args: argparse.Namespace) -> int:
    project = find_project()
    text = json.dumps(record_json_schema(load_taxonomy(project.taxonomy, project.root)), indent=2) + "\n"
    if args.out:
        write_atomic(args.out, text)
    else:
        print(text, end="")
    return 0
