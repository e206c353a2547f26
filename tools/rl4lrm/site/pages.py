"""Page sources of the site as plain functions of the data: each returns markdown text (front matter + HTML),
rendered from the Jinja2 templates in templates/ (render.py: autoescape on, the one escaping rule).

Page paths are relative to the docs folder (``papers/<id>.md``, ``taxonomy/<node>.md``,
``baselines/<id>/index.md``).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from ..kb.formatting import authors_line
from ..kb.schema import Record
from ..kb.taxonomy import Taxonomy
from .plots import bars_svg, quarter, trend_svg
from .render import link, node_path, paper_path, recipe_path, render

__all__ = ["link", "node_path", "paper_path", "recipe_path"]

NEWEST = 20
NODE_ROWS = 200
RELATED = 6
RELATED_POOL = 500


def sub_tokens(name: str) -> list[str]:
    """Parts and suffixes of a name, hidden on its page, so that word-prefix engines (Pagefind, lunr) find
    'DanceGRPO' for 'GRPO' too."""
    parts = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)
    out = {p for p in parts if len(p) > 1}
    compact = re.sub(r"[^A-Za-z0-9]", "", name)
    out.update(compact[i:] for i in range(1, len(compact) - 2))
    out.discard(name)
    return sorted(out)


@dataclass
class SiteData:
    """Everything the pages are generated from, with the indexes they share."""

    taxonomy: Taxonomy
    records: list[Record]
    recipes: dict[str, dict[str, Any]] = field(default_factory=dict)
    repository: str = ""
    by_node: dict[str, list[Record]] = field(default_factory=dict)
    direct_ids: dict[str, list[str]] = field(default_factory=dict)
    by_id: dict[str, Record] = field(default_factory=dict)
    related_ids: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.records = sorted(self.records, key=lambda r: (r.date, r.id), reverse=True)
        self.by_node = defaultdict(list)
        self.direct_ids = defaultdict(list)
        self.by_id = {r.id: r for r in self.records}
        for record in self.records:
            for node_id in record.taxonomy:
                self.direct_ids[node_id].append(record.id)
            for target in self.taxonomy.closure(record.taxonomy):
                self.by_node[target].append(record)

    def related(self, record: Record) -> list[Record]:
        """The related works computed for the build (related.py), else the works sharing the most taxonomy nodes
        with record (among the newest RELATED_POOL of each node); ties go to the newest of its first node."""
        if record.id in self.related_ids:
            return [self.by_id[i] for i in self.related_ids[record.id] if i in self.by_id]
        shared: Counter[str] = Counter()
        for node_id in record.taxonomy:
            shared.update(self.direct_ids.get(node_id, ())[:RELATED_POOL])
        return [self.by_id[i] for i, _ in shared.most_common(RELATED + 1) if i != record.id][:RELATED]


def _info(record: Record) -> str:
    """One line for search results: name, year, kind and the first authors."""
    authors = authors_line(record, limit=3)
    return " · ".join(p for p in (record.name, record.date[:4], record.kind, authors) if p)


def home_page(data: SiteData, intro: str) -> str:
    """Home: intro (hand-written markdown), counts, the trend per facet, the taxonomy tree, newest additions."""
    kinds = Counter(r.kind for r in data.records)
    newest = sorted(data.records, key=lambda r: (r.added, r.date, r.id), reverse=True)[:NEWEST]
    series = {f.title: Counter(quarter(r.date) for r in data.by_node.get(f.id, ())) for f in data.taxonomy.facets}
    return render(
        "home.html",
        src="index.md",
        data=data,
        intro=Markup(intro.strip()),  # site/home.md: the project's own markdown
        records=data.records,
        kinds=kinds.most_common(),
        with_code=sum(1 for r in data.records if r.links.code),
        node_count=len(data.taxonomy.nodes),
        recipe_count=len(data.recipes),
        plot=Markup(trend_svg(series, "Works per quarter per top-level facet")),
        newest=newest,
    )


def taxonomy_index_page(data: SiteData) -> str:
    return render("taxonomy.html", data=data, src="taxonomy/index.md")


def node_page(data: SiteData, node_id: str, limit: int | None = NODE_ROWS) -> str:
    """One taxonomy node: description, section, sub-nodes, works per year, trend plot and its works newest first
    (the newest limit of them; the explorer, filtered on the node, lists all)."""
    node = data.taxonomy.nodes[node_id]
    src = node_path(node_id)
    works = data.by_node.get(node_id, [])
    crumbs = [data.taxonomy.nodes[a] for a in reversed(data.taxonomy.ancestors(node_id)) if a in data.taxonomy.nodes]
    plot = trend_svg(
        {node.title: Counter(quarter(r.date) for r in works)}, f"Works per quarter: {node.title}", width=480, height=160
    )
    per_year = bars_svg(Counter(r.year for r in works), f"Works per year: {node.title}")
    return render(
        "node.html",
        data=data,
        node=node,
        src=src,
        crumbs=crumbs,
        works=works,
        limit=limit,
        explorer=link(src, "explorer.md") + "?node=" + quote(node_id, safe=""),
        plot=Markup(plot),
        per_year=Markup(per_year),
    )


def elsewhere_links(record: Record) -> dict[str, str]:
    """Links out to where the work is discussed or cited (plain links: nothing is fetched from them)."""
    out = {}
    if record.links.arxiv:
        out["arXiv listing"] = "https://arxiv.org/abs/" + record.links.arxiv
        out["Semantic Scholar"] = "https://www.semanticscholar.org/arxiv/" + record.links.arxiv
    out["Google Scholar"] = "https://scholar.google.com/scholar?q=" + quote('"' + record.title + '"')
    return out


def paper_page(data: SiteData, record: Record, bibtex: str, cards: list[dict[str, Any]] | None = None) -> str:
    """One work: metadata, summary, abstract, BibTeX with a copy button, its recipe cards, related works and
    links out."""
    return render(
        "paper.html",
        record=record,
        src=paper_path(record.id),
        info=_info(record),
        subtokens=sub_tokens(record.name or ""),
        authors=authors_line(record),
        nodes=[_node_link(data, n) for n in record.taxonomy],
        urls=list(record.links.urls().items()),
        bibtex=bibtex,
        cards=cards if cards is not None else default_cards(data, record),
        related=data.related(record),
        elsewhere=list(elsewhere_links(record).items()),
    )


def _node_link(data: SiteData, node_id: str) -> tuple[str, str, str]:
    """(href from a paper page, title, section) of a node; no href for an unknown node."""
    node = data.taxonomy.nodes.get(node_id)
    if node is None:
        return "", node_id, ""
    return "../" + node_path(node_id)[:-3] + ".html", node.title, node.section


def default_cards(data: SiteData, record: Record) -> list[dict[str, Any]]:
    """Recipe cards from the recipes as loaded (recipe.py's cards when the build made them)."""
    cards = []
    for recipe_id in (b for b in record.baselines if b in data.recipes):
        recipe = data.recipes[recipe_id]
        card = recipe.get("card")
        if card is None:
            presets = recipe["presets"]
            smoke = "cpu-smoke" if "cpu-smoke" in presets or not presets else next(iter(presets))
            card = {"id": recipe_id, "description": "", "presets": [], "defining": [], "plan": {}, "smoke": smoke}
        cards.append(card)
    return cards


def explorer_page() -> str:
    """The explorer shell; rl4lrm.js fills it from data/explorer.js."""
    return render("explorer.html")


def recipes_index_page(data: SiteData, results: list[str] | None = None) -> str:
    """The list of recipes, then the cross-algorithm result pages (baselines/results/<name>.md)."""
    recipes = [(rid, sorted(recipe.get("papers", ()))) for rid, recipe in data.recipes.items()]
    return render("recipes_index.html", src="baselines/index.md", recipes=recipes, results=results or [])


_MD_LINK = re.compile(r"(!?\[[^\]]*\])\(([^)\s]+)\)")


def repo_links(markdown: str, folder: str, repository: str, published: dict[str, str] | None = None) -> str:
    """Point markdown links that leave folder (a repo path) at the file in the repository (or keep only their text
    when no repository is known); links inside folder stay relative, its files are published beside the page.
    published maps repo folders the site also publishes to their link from the page (a prefix for a prefix)."""

    def fix(match: re.Match) -> str:
        text, target = match.groups()
        if re.match(r"^[a-z][a-z0-9+.-]*:|^#|^/", target):
            return match.group(0)
        file, hash_, fragment = target.partition("#")
        path = posixpath.normpath(posixpath.join(folder, file))
        if path == folder or path.startswith(folder + "/"):
            return match.group(0)
        for repo_folder, site_link in (published or {}).items():
            if path.startswith(repo_folder):
                return text + "(" + site_link + path.removeprefix(repo_folder) + hash_ + fragment + ")"
        if repository and not path.startswith("../"):
            return text + "(" + repository.rstrip("/") + "/blob/main/" + path + hash_ + fragment + ")"
        return text.lstrip("!")[1:-1]

    return _MD_LINK.sub(fix, markdown)


def recipe_page(data: SiteData, recipe_id: str) -> str:
    """One recipe: its README (markdown written in the repo, links relative to the recipe folder) with the works it
    reproduces and the smoke command; without a README, every preset file and the results as text."""
    recipe = data.recipes[recipe_id]
    readme = repo_links(
        recipe.get("readme", ""),
        f"baselines/recipes/{recipe_id}",
        data.repository,
        published={"baselines/results/": "../results/"},  # recipe pages sit at baselines/<id>/, results beside
    )
    head, rest = "", readme
    if readme.startswith("# "):
        head, _, rest = readme.partition("\n")
    return render(
        "recipe.html",
        recipe_id=recipe_id,
        src=recipe_path(recipe_id),
        papers=[data.by_id[p] for p in sorted(recipe.get("papers", ())) if p in data.by_id],
        readme=bool(readme),
        head=Markup(head),  # the recipe's README: the project's own markdown
        rest=Markup(rest),
        presets=recipe.get("presets", {}),
    )


def markdown_page(title: str, text: str) -> str:
    """A hand-written markdown page of the repo (baselines/results/<name>.md) with its front matter."""
    return render("markdown.html", title=title, text=Markup(text))


def schema_page(
    fields: list[tuple[str, str, str, bool]], link_fields: list[tuple[str, str]], taxonomy: Taxonomy
) -> str:
    """Every record field: name, type, required, description; the allowed kinds; links to record.schema.json."""
    return render("schema.html", fields=fields, link_fields=link_fields, kinds=list(taxonomy.kinds.values()))


def data_page(count: int) -> str:
    return render("data.html", count=count)
