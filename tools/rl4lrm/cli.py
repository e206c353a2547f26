"""The `rl4lrm` command. Each verb lives in its own module, imported only when that verb runs.

A verb module exposes ``configure(parser)`` to declare its arguments and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from . import __version__

# verb -> (module, one-line help)
VERBS: dict[str, tuple[str, str]] = {
    "validate": ("rl4lrm.commands.validate", "check every record, the taxonomy and the baselines"),
    "fmt": ("rl4lrm.commands.fmt", "rewrite records in canonical format (--check only reports)"),
    "export": ("rl4lrm.commands.export", "export records as BibTeX, JSON or CSV, with filters"),
    "stats": ("rl4lrm.commands.stats", "counts per taxonomy node, kind and year; what records miss"),
    "schema": ("rl4lrm.commands.schema", "write the JSON Schema of a record (for editors)"),
    "import": ("rl4lrm.commands.import_", "merge an awesome-list README or a .bib file into papers/"),
    "add": ("rl4lrm.commands.add", "add a paper from its arXiv id or URL"),
    "tag": ("rl4lrm.commands.tag", "suggest taxonomy nodes and a kind for titles, learned from the records"),
    "discover": ("rl4lrm.commands.discover", "search arXiv for new papers in scope; report them, --write the records"),
    "refresh": ("rl4lrm.commands.refresh", "re-read arXiv metadata for existing records and show or apply the diff"),
    "check-links": ("rl4lrm.commands.check_links", "check every URL in the records"),
    "site": ("rl4lrm.commands.site", "build or serve the website"),
    "baseline": ("rl4lrm.commands.baseline", "list, run and evaluate baseline recipes"),
}


def _top_parser() -> argparse.ArgumentParser:
    lines = "\n".join(f"  {verb:<12} {help_}" for verb, (_, help_) in VERBS.items())
    parser = argparse.ArgumentParser(
        prog="rl4lrm",
        description="Records, taxonomy, site and baselines for RL on large reasoning models.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"commands:\n{lines}\n\nRun 'rl4lrm <command> --help' for a command's options.",
        usage="rl4lrm [--root DIR] <command> [options]",
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="store_true", help="show this help")
    parser.add_argument("--version", action="version", version=f"rl4lrm {__version__}")
    parser.add_argument("--root", type=Path, help="project folder (default: nearest folder with taxonomy/)")
    parser.add_argument("command", nargs="?", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    top = _top_parser()
    opts, rest = top.parse_known_args(argv)
    if opts.root:
        os.environ["RL4LRM_ROOT"] = str(opts.root.resolve())
    if opts.help and opts.command:
        rest.append("--help")
    if not opts.command:
        top.print_help()
        return 0 if opts.help or not rest else 2
    if opts.command not in VERBS:
        import difflib

        close = difflib.get_close_matches(opts.command, list(VERBS), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        print(f"rl4lrm: unknown command '{opts.command}'{hint}; see 'rl4lrm --help'", file=sys.stderr)
        return 2
    module_name, help_ = VERBS[opts.command]
    module = importlib.import_module(module_name)
    parser = argparse.ArgumentParser(prog=f"rl4lrm {opts.command}", description=help_)
    module.configure(parser)
    args = parser.parse_args(rest)
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
