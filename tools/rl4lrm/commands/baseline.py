"""`rl4lrm baseline`: list, check, run and evaluate the recipes in baselines/recipes/; refresh their pages.

rl4lrm baseline list
rl4lrm baseline check [RECIPE.yaml ...]
rl4lrm baseline run grpo --preset cpu-smoke [key=value ...] [--output-dir DIR] [--resume] [--record]
rl4lrm baseline eval grpo --preset cpu-smoke [--checkpoint DIR] [--benchmark heldout] [key=value ...]
rl4lrm baseline plan grpo --preset 8xgpu [--gpu-memory-gib 80] [--format text|json] [key=value ...]
rl4lrm baseline vllm-serve baselines/recipes/dapo/multinode.yaml [--port 8000]
rl4lrm baseline pages [ALGORITHM ...] [--check]
rl4lrm baseline compare [--format md|json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..baselines.tasks import EVAL_BENCHMARKS
from ..kb.problems import FORMATS, DataError, Problem, render


class _Parser(argparse.ArgumentParser):
    """Collects key=value overrides wherever they stand (argparse alone stops at the first option)."""

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[no-untyped-def]
        namespace, extras = super().parse_known_args(args, namespace)
        if hasattr(namespace, "overrides"):
            found = [a for a in extras if "=" in a and not a.startswith("-")]
            namespace.overrides = [*(namespace.overrides or []), *found]
            extras = [a for a in extras if a not in found]
        return namespace, extras


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(
        dest="action",
        metavar="{list,check,run,eval,plan,pages,compare,vllm-serve}",
        required=True,
        parser_class=_Parser,
    )
    listing = sub.add_parser("list", help="every algorithm, its presets and the papers it reproduces")
    listing.add_argument("--format", choices=("text", "json"), default="text")

    check = sub.add_parser("check", help="parse every recipe and build its trainer config (no model is built)")
    check.add_argument("recipes", nargs="*", type=Path, help="recipe files (default: all)")
    check.add_argument("--format", choices=FORMATS, default="text")

    planning = sub.add_parser("plan", help="memory per GPU of a preset: model states, activations, logits, vLLM")
    planning.add_argument("algorithm", help="a folder of baselines/recipes/, e.g. grpo")
    planning.add_argument("--preset", required=True, help="1xgpu, 8xgpu, multinode (or cpu-smoke)")
    planning.add_argument("--gpu-memory-gib", type=float, default=80.0, help="memory of one GPU (default 80)")
    planning.add_argument("--format", choices=("text", "json"), default="text")
    planning.add_argument("overrides", nargs="*", metavar="key=value", help="recipe overrides, as for run")

    compare = sub.add_parser(
        "compare", help="one table of every algorithm's design choices (baselines/recipes/*/design.yaml)"
    )
    compare.add_argument("--format", choices=("md", "json"), default="md")

    serve = sub.add_parser("vllm-serve", help="print the `trl vllm-serve` command of a recipe's vLLM node, if any")
    serve.add_argument("recipe", type=Path, help="a multinode recipe file")
    serve.add_argument("--port", type=int, default=8000)

    pages = sub.add_parser(
        "pages",
        help="refresh the generated part of each algorithm's README.md, the recipe fields table and (all "
        "algorithms) baselines/results/algorithms_compared.md",
    )
    pages.add_argument("algorithms", nargs="*", help="folders of baselines/recipes/ (default: all)")
    pages.add_argument("--check", action="store_true", help="only report pages that are out of date")

    for name, help_ in (("run", "train one recipe"), ("eval", "evaluate a policy on a recipe's held-out split")):
        action = sub.add_parser(name, help=help_)
        action.add_argument("algorithm", help="a folder of baselines/recipes/, e.g. grpo")
        action.add_argument("--preset", default="cpu-smoke", help="cpu-smoke, 1xgpu, 8xgpu or multinode")
        action.add_argument(
            "overrides",
            nargs="*",
            metavar="key=value",
            help="recipe overrides: a bare key sets a trainer config field (max_steps=3), "
            "a dotted one any recipe field (task.train_size=64)",
        )
        if name == "run":
            action.add_argument("--output-dir", type=Path, help="default: runs/<algorithm>/<preset>")
            action.add_argument(
                "--resume", action="store_true", help="continue from the last checkpoint in the output folder"
            )
            action.add_argument(
                "--record",
                action="store_true",
                help="copy summary, plot and metrics to <algorithm>/results/<preset>/ for its page",
            )
        else:
            action.add_argument("--checkpoint", help="a saved model folder (default: the recipe's starting model)")
            action.add_argument(
                "--benchmark",
                choices=EVAL_BENCHMARKS,
                help="default: every benchmark in the recipe's eval section",
            )
            action.add_argument("--limit", type=int, help="evaluate only the first N prompts")
            action.add_argument("--data", help="a local .jsonl/.parquet in the benchmark's format instead of the hub")


def _list(args: argparse.Namespace, recipes: Path) -> int:
    from ..baselines.recipe import recipe_rows

    rows, problems = recipe_rows(recipes)
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    else:
        by_algorithm: dict[str, list[dict]] = {}
        for row in rows:
            by_algorithm.setdefault(row["algorithm"], []).append(row)
        for algorithm, group in by_algorithm.items():
            papers = ", ".join(sorted({p for r in group for p in r["papers"]}))
            print(f"{algorithm:<12} {' '.join(r['preset'] for r in group):<36} papers: {papers}")
    if problems:
        print(render(problems, "text"), file=sys.stderr)
        return 1
    return 0


def _check(args: argparse.Namespace, recipes: Path) -> int:
    from ..baselines.checks import check_recipes
    from ..baselines.recipe import all_recipes

    paths = args.recipes or all_recipes(recipes)
    problems = check_recipes(paths, recipes.parent)
    if problems:
        print(render(problems, args.format), file=sys.stderr)
        return 1
    print(f"{len(paths)} recipes OK")
    return 0


def _run(args: argparse.Namespace, recipes: Path) -> int:
    from ..baselines.recipe import load_recipe, recipe_path
    from ..baselines.run import default_output_dir, record_results, run_recipe

    file = load_recipe(recipe_path(args.algorithm, args.preset, recipes), args.overrides)
    summary = run_recipe(file, args.output_dir or default_output_dir(file), resume=args.resume)
    if args.record:
        command = " ".join(["rl4lrm baseline run", args.algorithm, "--preset", args.preset, *args.overrides])
        folder = record_results(file, args.output_dir or default_output_dir(file), summary, command)
        print(f"recorded in {folder}", file=sys.stderr)
    print(json.dumps(summary, indent=2))
    return 0


def _eval(args: argparse.Namespace, recipes: Path) -> int:
    from ..baselines.evaluate import evaluate_recipe
    from ..baselines.recipe import load_recipe, recipe_path
    from ..baselines.run import quiet_environment

    quiet_environment()
    recipe = load_recipe(recipe_path(args.algorithm, args.preset, recipes), args.overrides).recipe
    results = evaluate_recipe(recipe, args.checkpoint, args.benchmark, args.limit, args.data)
    print(json.dumps(results[0] if len(results) == 1 else results, indent=2))
    return 0


def _plan(args: argparse.Namespace, recipes: Path) -> int:
    from ..baselines.plan import plan, render_text
    from ..baselines.recipe import load_recipe, recipe_path

    file = load_recipe(recipe_path(args.algorithm, args.preset, recipes), args.overrides)
    result = plan(file, args.gpu_memory_gib, baselines=recipes.parent)
    print(json.dumps(result.as_dict(), indent=2) if args.format == "json" else render_text(result))
    return 0 if result.fits else 1


def _pages(args: argparse.Namespace, recipes: Path) -> int:
    from ..baselines.design import COMPARED_PAGE, render_compared_page
    from ..baselines.pages import render_fields_table, render_page
    from ..kb.formatting import write_atomic

    root = recipes.parent.parent
    folders = [recipes / a for a in args.algorithms] or sorted(p for p in recipes.iterdir() if p.is_dir())
    pages = [(folder / "README.md", folder.name, lambda f=folder: render_page(f, root)) for folder in folders]
    overview = recipes.parent / "README.md"
    if overview.is_file():  # baselines/README.md: its table of recipe fields
        pages.append((overview, "", lambda: render_fields_table(overview, root)))
    if not args.algorithms:  # baselines/results/algorithms_compared.md: every algorithm's design choices
        compared = recipes.parent / "results" / COMPARED_PAGE
        pages.append((compared, "", lambda: render_compared_page(recipes, root)))
    problems: list[Problem] = []
    for page, algorithm, render_ in pages:
        try:
            old, new = render_()
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        if old != new:
            name = page.relative_to(root).as_posix()
            if args.check:
                problems.append(
                    Problem(
                        name,
                        0,
                        "",
                        "page-stale",
                        "generated block is out of date",
                        f"run: rl4lrm baseline pages {algorithm}".rstrip(),
                    )
                )
            else:
                write_atomic(page, new)
                print(f"updated {name}")
    if problems:
        print(render(problems, "text"), file=sys.stderr)
        return 1
    return 0


def _compare(args: argparse.Namespace, recipes: Path) -> int:
    from ..baselines.design import comparison, render_json, render_markdown

    rows = comparison(recipes, recipes.parent.parent)
    print(render_json(rows) if args.format == "json" else render_markdown(rows), end="")
    return 0


def _vllm_serve(args: argparse.Namespace, recipes: Path) -> int:
    import shlex

    from ..baselines.launch import vllm_serve_args
    from ..baselines.recipe import load_recipe

    command = vllm_serve_args(load_recipe(args.recipe), args.port)
    if command:
        print(shlex.join(command))
    return 0


def run(args: argparse.Namespace) -> int:
    from ..kb.project import find_project

    recipes = find_project().recipes
    actions = {
        "list": _list,
        "check": _check,
        "run": _run,
        "eval": _eval,
        "plan": _plan,
        "pages": _pages,
        "compare": _compare,
        "vllm-serve": _vllm_serve,
    }
    try:
        return actions[args.action](args, recipes)
    except DataError as exc:
        print(render(exc.problems, "text"), file=sys.stderr)
        return 2
