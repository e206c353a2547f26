"""`rl4lrm site build [--out DIR] [--strict] [--search index|pagefind|lunr]`; `rl4lrm site serve` takes the same
options and [--host H] [--port P]."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..kb.project import find_project
from ..site.build import SEARCH_ENGINES


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="{build,serve}")
    for name, help_ in (
        ("build", "generate the pages and build the site into OUT/site"),
        ("serve", "build the site, then serve OUT/site over HTTP"),
    ):
        action = sub.add_parser(name, help=help_, description=help_)
        action.add_argument("--out", type=Path, help="build folder (default: build/ in the project)")
        action.add_argument("--strict", action="store_true", help="fail on any validation problem or mkdocs warning")
        action.add_argument(
            "--search",
            choices=SEARCH_ENGINES,
            default="index",
            help="search engine (default: index, the site's own; pagefind and lunr are built for comparison)",
        )
        if name == "serve":
            action.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
            action.add_argument("--port", type=int, default=8000, help="port (default: 8000)")


def _build(project, out: Path, args: argparse.Namespace) -> int:
    from ..site.build import BuildError, build_site

    try:
        result = build_site(project, out, strict=args.strict, search=args.search)
    except BuildError as exc:
        print(f"rl4lrm site: {exc}", file=sys.stderr, flush=True)
        return 1
    if result.problems:
        print(f"warning: {len(result.problems)} validation problem(s); run 'rl4lrm validate'", file=sys.stderr)
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in result.seconds.items())
    print(f"built {result.pages} pages from {result.records} records into {result.site} ({steps})", flush=True)
    return 0


def run(args: argparse.Namespace) -> int:
    project = find_project()
    out = (args.out or project.root / "build").resolve()
    status = _build(project, out, args)
    if args.action == "build" or status:
        return status
    from ..site.serve import serve, watch

    sources = [project.papers, project.taxonomy, project.recipes, project.site, project.root / "mkdocs.yml"]
    watch(sources, lambda: _build(project, out, args))
    return serve(out / "site", args.host, args.port)
