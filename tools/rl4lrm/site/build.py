"""Build the site: records and taxonomy -> markdown and data files in <out>/docs -> mkdocs -> <out>/site.

The generated pages are a plain function of the records (see pages.py, rendered from templates/); mkdocs-material
renders them. Search runs in the browser over the sharded index data/search/ (search.py). Pagefind and
mkdocs-material's lunr can be built instead, for comparison (benchmarks/site_search.py). Both folders
are built next to the old ones and swapped in at the end, so a served site is never half-written.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..kb.catalog import Catalog
from ..kb.exports import record_bibtex, record_json_schema, records_json
from ..kb.project import Project
from ..kb.schema import Links, Record
from ..kb.validate import validate
from . import datafiles, pages, search
from .related import related_works
from .render import render

FEED_SIZE = 50
SEARCH_ENGINES = ("index", "pagefind", "lunr")
# Material for MkDocs prints a notice about MkDocs 2 / its end of life unless these are set
# (material/templates/__init__.py reads both).
QUIET_ENV = {"NO_MKDOCS_2_WARNING": "true", "DISABLE_MKDOCS_2_WARNING": "true"}


class BuildError(Exception):
    """The site could not be built; the message says why."""


@dataclass
class BuildResult:
    site: Path
    pages: int
    records: int
    seconds: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def load_recipes(project: Project, catalog: Catalog) -> dict[str, dict[str, Any]]:
    """Every baselines/recipes/<id>/ folder: its presets (*.yaml text), README, the papers its presets name (from
    the catalog validation read), the folder itself (its files are published next to the recipe's page) and its
    card (recipe_card) for the pages of the works it reproduces."""
    out: dict[str, dict[str, Any]] = {}
    if not project.recipes.is_dir():
        return out
    for folder in sorted(p for p in project.recipes.iterdir() if p.is_dir() and not p.name.startswith(".")):
        presets = {
            path.stem: path.read_text(encoding="utf-8", errors="replace") for path in sorted(folder.glob("*.yaml"))
        }
        papers = set(catalog.papers.get(folder.name, ()))
        recipe: dict[str, Any] = {"presets": presets, "papers": papers, "readme": "", "folder": folder}
        readme = folder / "README.md"
        if readme.is_file():
            recipe["readme"] = readme.read_text(encoding="utf-8", errors="replace")
        recipe["card"] = recipe_card(folder, recipe["readme"])
        out[folder.name] = recipe
    return out


GENERATED = re.compile(r"<!-- begin generated.*?-->(.*?)<!-- end generated -->", re.S)


def plan_summary(readme: str) -> dict[str, str]:
    """preset -> 'memory per GPU, GPUs, fits' from the Memory plan table in the generated block of a recipe's
    README (written by `rl4lrm baseline pages` from rl4lrm.baselines.plan, which the site does not import)."""
    block = GENERATED.search(readme)
    text = block.group(1) if block else ""
    _, found, rest = text.partition("## Memory plan")
    if not found:
        return {}
    table = [line for line in rest.strip().splitlines() if line.startswith("|")]
    if len(table) < 3:
        return {}
    header = [c.strip() for c in table[0].strip("|").split("|")]
    out = {}
    for line in table[2:]:
        row = dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=False))
        memory, gpus, fits = row.get("Total per GPU (GiB)"), row.get("GPUs"), row.get("Fits")
        if row.get("Preset") and memory:
            out[row["Preset"]] = " · ".join(
                p
                for p in (
                    memory + " GiB",
                    gpus and gpus + " GPU" + ("s" if gpus != "1" else ""),
                    fits and "fits: " + fits,
                )
                if p
            )
    return out


def recipe_card(folder: Path, readme: str) -> dict[str, Any]:
    """What a work's page shows of a recipe that reproduces it, read with rl4lrm.baselines.recipe: the algorithm's
    description, one row per preset (trainer, model, task, global batch, memory plan), the settings that define
    the algorithm (values of every preset, ' / '-joined where they differ) and the smoke command. Presets that do
    not load are left out (`rl4lrm baseline check` reports them)."""
    from ..baselines.recipe import all_recipes, load_recipe
    from ..kb.problems import DataError

    loaded = []
    for path in all_recipes(folder.parent):
        if path.parent == folder:
            try:
                loaded.append(load_recipe(path).recipe)
            except DataError:
                continue
    defining: dict[str, list[str]] = {}
    for rec in loaded:
        for key, setting in rec.defining.items():
            value = json.dumps(setting.value)
            if value not in defining.setdefault(key, []):
                defining[key].append(value)
    presets = sorted(p.stem for p in folder.glob("*.yaml"))
    return {
        "id": folder.name,
        "description": loaded[0].description if loaded else "",
        "presets": [
            {
                "preset": rec.preset,
                "trainer": rec.trainer,
                "model": rec.model.name,
                "task": rec.task.name,
                "batch": rec.global_batch_size,
            }
            for rec in loaded
        ],
        "defining": [(key, " / ".join(values)) for key, values in defining.items()],
        "plan": plan_summary(readme),
        "smoke": "cpu-smoke" if "cpu-smoke" in presets or not presets else presets[0],
    }


def copy_recipe_files(recipe: dict[str, Any], target: Path) -> None:
    """The recipe folder's files except README.md (presets, results/...), so the README's relative links work."""
    folder: Path = recipe["folder"]
    for path in folder.rglob("*"):
        if path.is_file() and path.name != "README.md" and not any(p.startswith(".") for p in path.parts):
            dest = target / path.relative_to(folder)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)


def _type_name(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " | ".join(_type_name(s) for s in schema["anyOf"])
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"list[{_type_name(schema.get('items', {}))}]"
    return str(schema.get("type", "any"))


def schema_fields() -> tuple[list[tuple[str, str, str, bool]], list[tuple[str, str]]]:
    """(name, type, description, required) of every Record field, and (name, description) of every link."""
    props = Record.model_json_schema()["properties"]
    fields = [
        (name, _type_name(props.get(name, {})), info.description or "", info.is_required())
        for name, info in Record.model_fields.items()
    ]
    links = [(name, info.description or "") for name, info in Links.model_fields.items()]
    return fields, links


def atom_feed(records: list[Record], site_url: str) -> str:
    """Atom feed of the newest additions (by `added`, then date), from templates/feed.xml."""
    base = site_url.rstrip("/") + "/"
    newest = sorted(records, key=lambda r: (r.added, r.date, r.id), reverse=True)[:FEED_SIZE]
    entries = [
        {
            "url": base + "papers/" + r.id + ".html",
            "title": r.title,
            "added": r.added,
            "summary": r.summary or r.abstract or "",
        }
        for r in newest
    ]
    updated = (newest[0].added if newest else "1970-01-01") + "T00:00:00Z"
    return render("feed.xml", base=base, updated=updated, entries=entries)


def _js_data(name: str, value: Any) -> str:
    """A script assigning JSON to window[name]; '<' is escaped so no record text can close the script."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return f"window.{name}={text};\n"


def _write(docs: Path, relpath: str, text: str) -> None:
    path = docs / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(
    project: Project,
    records: list[Record],
    taxonomy,
    catalog: Catalog,
    docs: Path,
    config: dict[str, Any],
    times: dict[str, float] | None = None,
) -> int:
    """Write every page source and data file into docs (config: mkdocs.yml); returns the number of pages."""
    repository = str((config.get("extra") or {}).get("repository") or "")
    data = pages.SiteData(taxonomy, records, load_recipes(project, catalog), repository)
    start = time.perf_counter()
    data.related_ids = related_works(data.records, taxonomy)
    if times is not None:
        times["related"] = time.perf_counter() - start
    site_src = project.site
    if (site_src / "assets").is_dir():
        shutil.copytree(site_src / "assets", docs / "assets", dirs_exist_ok=True)
    intro_path = site_src / "home.md"
    intro = intro_path.read_text(encoding="utf-8") if intro_path.is_file() else "# rl4lrm"
    count = 0

    def page(relpath: str, text: str) -> None:
        nonlocal count
        _write(docs, relpath, text)
        count += 1

    page("index.md", pages.home_page(data, intro))
    page("taxonomy/index.md", pages.taxonomy_index_page(data))
    page("explorer.md", pages.explorer_page())
    results = project.baselines / "results"
    result_pages = sorted(results.glob("*.md")) if results.is_dir() else []
    page("baselines/index.md", pages.recipes_index_page(data, [p.stem for p in result_pages]))
    for path in results.iterdir() if results.is_dir() else ():
        if path.suffix == ".md":
            text = path.read_text(encoding="utf-8", errors="replace")
            title = text.partition("\n")[0].lstrip("# ").strip() or path.stem
            page(f"baselines/results/{path.name}", pages.markdown_page(title, text))
        elif path.is_file():
            (docs / "baselines/results").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, docs / "baselines/results" / path.name)
    page("data.md", pages.data_page(len(records)))
    page("schema.md", pages.schema_page(*schema_fields(), taxonomy))
    for node_id in taxonomy.nodes:
        page(pages.node_path(node_id), pages.node_page(data, node_id))
    for recipe_id, recipe in data.recipes.items():
        page(pages.recipe_path(recipe_id), pages.recipe_page(data, recipe_id))
        copy_recipe_files(recipe, docs / pages.recipe_path(recipe_id).rsplit("/", 1)[0])
    bibtex = {}
    for record in data.records:
        bibtex[record.id] = record_bibtex(record)
        page(pages.paper_path(record.id), pages.paper_page(data, record, bibtex[record.id]))
    as_json = records_json(data.records)
    _write(docs, "papers.json", json.dumps(as_json, ensure_ascii=False, indent=1) + "\n")
    _write(docs, "papers.bib", "\n".join(bibtex.values()))
    _write(docs, "feed.xml", atom_feed(data.records, str(config["site_url"])))
    _write(docs, "record.schema.json", json.dumps(record_json_schema(data.taxonomy), indent=2) + "\n")
    _write(docs, "data/explorer.js", _js_data("RL4LRM_EXPLORER", datafiles.explorer_data(data.records, data.taxonomy)))
    _write(docs, "data/bibtex.js", _js_data("RL4LRM_BIBTEX", {"text": bibtex}))
    _write(docs, "data/records.js", _js_data("RL4LRM_RECORDS", as_json))
    start = time.perf_counter()
    search.write_index(search.documents(data.records, data.taxonomy), docs / "data" / "search")
    if times is not None:
        times["search index"] = time.perf_counter() - start
    return count


def mkdocs_build(project: Project, docs: Path, site: Path, strict: bool, search: str) -> None:
    """Render docs into site with the repo's mkdocs.yml; the search engine is told to the pages' script through
    config.extra (lunr turns on mkdocs-material's own search plugin)."""
    os.environ.update(QUIET_ENV)
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    config_file = project.root / "mkdocs.yml"
    if not config_file.is_file():
        raise BuildError(f"{config_file}: not found (the site configuration)")
    hooks = [str(Path(__file__).with_name("mkdocs_hooks.py"))]  # this package's copy, wherever the project is
    overrides: dict[str, Any] = {"docs_dir": str(docs), "site_dir": str(site), "strict": strict, "hooks": hooks}
    overrides["extra"] = {**(site_config(project).get("extra") or {}), "search": search}
    if search == "lunr":
        overrides["plugins"] = ["search"]
    warnings = _WarningList()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(warnings)
    try:
        config = load_config(str(config_file), **overrides)
        build(config)
    except (Abort, ConfigurationError) as exc:
        details = "".join(f"\n  {message}" for message in warnings.messages)
        raise BuildError(f"mkdocs: {exc}{details}") from None
    finally:
        logger.removeHandler(warnings)


class _WarningList(logging.Handler):
    """Collects mkdocs' warnings so that a failed strict build says what went wrong."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def pagefind_index(site: Path) -> None:
    """Index the built pages with Pagefind (the binary ships with the pagefind[bin] package)."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--silent"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BuildError(f"pagefind failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-2000:]}")


def build_site(project: Project, out: Path, strict: bool = False, search: str = "index") -> BuildResult:
    """Generate, render and index the site into out/site; returns what was built and how long each step took."""
    if search not in SEARCH_ENGINES:
        raise BuildError(f"unknown search engine '{search}' (choose from {', '.join(SEARCH_ENGINES)})")
    times: dict[str, float] = {}
    start = time.perf_counter()
    report = validate(project)
    problems = [p.text() for p in report.problems]
    if strict and problems:
        raise BuildError(f"{len(problems)} validation problem(s), first: {problems[0]} (run: rl4lrm validate)")
    records = report.records.records
    config = site_config(project)
    times["load"] = time.perf_counter() - start
    # The records, taxonomy and their pydantic models live until the end: moved out of the collector's sight, the
    # garbage collections triggered while pages and the index are made stop walking them (seconds at 20,000).
    gc.collect()
    gc.freeze()
    try:
        return _build(project, out, strict, search, report, records, config, times, problems)
    finally:
        gc.unfreeze()


def _build(
    project: Project,
    out: Path,
    strict: bool,
    search: str,
    report: Any,
    records: list[Record],
    config: dict[str, Any],
    times: dict[str, float],
    problems: list[str],
) -> BuildResult:
    """build_site after validation: generate into docs.tmp, render into site.tmp, swap both in."""
    out.mkdir(parents=True, exist_ok=True)
    docs_tmp, site_tmp = out / "docs.tmp", out / "site.tmp"
    for path in (docs_tmp, site_tmp):
        shutil.rmtree(path, ignore_errors=True)
    start = time.perf_counter()
    count = generate(project, records, report.taxonomy, report.catalog, docs_tmp, config, times)
    times["generate"] = time.perf_counter() - start - times.get("related", 0) - times.get("search index", 0)
    start = time.perf_counter()
    mkdocs_build(project, docs_tmp, site_tmp, strict, search)
    times["mkdocs"] = time.perf_counter() - start
    if search == "pagefind":
        start = time.perf_counter()
        pagefind_index(site_tmp)
        times["pagefind"] = time.perf_counter() - start
    for tmp, final in ((docs_tmp, out / "docs"), (site_tmp, out / "site")):
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
    return BuildResult(out / "site", count, len(records), times, problems)


def site_config(project: Project) -> dict[str, Any]:
    """mkdocs.yml as data; site_url is required (the sitemap and the feed need absolute links)."""
    import yaml

    config_file = project.root / "mkdocs.yml"
    if not config_file.is_file():
        raise BuildError(f"{config_file}: not found (the site configuration)")
    try:
        config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BuildError(f"{config_file}: cannot read the site configuration ({exc})") from None
    if not isinstance(config, dict) or not config.get("site_url"):
        raise BuildError(f"{config_file}: site_url is not set (the sitemap and the feed need it)")
    return config
