"""rl4lrm schema: the JSON Schema of a record, with kinds and taxonomy nodes as enums, for editors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..kb.formatting import write_atomic
from ..kb.project import find_project
from ..kb.schema import Record
from ..kb.taxonomy import Taxonomy, load_taxonomy


def record_json_schema(tax: Taxonomy) -> dict:
    """JSON Schema of papers/*.yaml; the taxonomy's kinds and node ids become enums."""
    schema = Record.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "rl4lrm record"
    props = schema["properties"]
    if tax.kinds:
        props["kind"]["enum"] = list(tax.kinds)
    if tax.nodes:
        props["taxonomy"]["items"]["enum"] = list(tax.nodes)
    return schema


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
