"""Page sources of the site as plain functions of the data: each returns markdown text (front matter + HTML).

Every string that comes from a record, a recipe or the taxonomy goes through ``esc`` before it reaches a page.
Page paths are relative to the docs folder (``papers/<id>.md``, ``taxonomy/<node>.md``,
``baselines/<id>/index.md``).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import quote

from ..kb.formatting import authors_line
from ..kb.schema import Record
from ..kb.taxonomy import Taxonomy
from .mkdocs_hooks import RAW_MARK
from .plots import quarter, trend_svg

NEWEST = 20
NODE_ROWS = 200
RELATED = 6
RELATED_POOL = 500


def esc(value: Any) -> str:
    """HTML-escape any value (quotes included)."""
    return escape(str(value), quote=True)


def paper_path(record_id: str) -> str:
    return f"papers/{record_id}.md"


def node_path(node_id: str) -> str:
    return f"taxonomy/{node_id}.md"


def recipe_path(recipe_id: str) -> str:
    """A recipe's page sits in its own folder, next to copies of its preset files and results."""
    return f"baselines/{recipe_id}/index.md"


def link(src: str, dest: str) -> str:
    """Relative URL from page src to page or file dest (docs paths); .md becomes .html."""
    target = (dest[:-3] + ".html" if dest.endswith(".md") else dest).split("/")
    here = src.split("/")[:-1]
    common = 0
    while common < min(len(here), len(target) - 1) and here[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + target[common:])


def front_matter(title: str, html: bool = True) -> str:
    """YAML front matter (the title as a JSON scalar, HTML-escaped because themes print it raw), then the mark
    telling the mkdocs hooks that the body is finished HTML (html=False for hand-written markdown)."""
    return f"---\ntitle: {json.dumps(esc(title))}\n---\n" + (RAW_MARK if html else "\n")


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
        """Works sharing the most taxonomy nodes with record (among the newest RELATED_POOL of each node, which
        bounds the cost on a large base); ties go to the newest of its first node."""
        shared: Counter[str] = Counter()
        for node_id in record.taxonomy:
            shared.update(self.direct_ids.get(node_id, ())[:RELATED_POOL])
        return [self.by_id[i] for i, _ in shared.most_common(RELATED + 1) if i != record.id][:RELATED]


def _label(record: Record) -> str:
    return record.name or record.title


def _info(record: Record) -> str:
    """One line for search results: name, year, kind and the first authors."""
    authors = authors_line(record, limit=3)
    return " · ".join(p for p in (record.name, record.date[:4], record.kind, authors) if p)


def works_table(data: SiteData, records: list[Record], src: str, limit: int | None = None, rest: str = "") -> str:
    """Works newest first: date, name, title, links, code, baseline badge; beyond limit, a link to rest."""
    shown = records if limit is None else records[:limit]
    rows = []
    for r in shown:
        urls = r.links.urls()
        links = " ".join(f'<a href="{esc(u)}" rel="noopener">{esc(k)}</a>' for k, u in urls.items() if k != "code")
        code = f'<a href="{esc(urls["code"])}" rel="noopener">code</a>' if "code" in urls else ""
        badge = " ".join(
            f'<a class="rl4lrm-badge" href="{esc(link(src, recipe_path(b)))}">baseline</a>'
            for b in r.baselines[:1]
            if b in data.recipes
        )
        rows.append(
            f'<tr><td>{esc(r.date)}</td><td><a href="{esc(link(src, paper_path(r.id)))}">{esc(_label(r))}'
            f"</a></td><td>{esc(r.title)}</td><td>{links}</td><td>{code}</td><td>{badge}</td></tr>"
        )
    more = ""
    if limit is not None and len(records) > limit:
        more = (
            f"<p>Showing the newest {limit} of {len(records)}; see all in the "
            f'<a href="{esc(rest or link(src, "explorer.md"))}">explorer</a>.</p>'
        )
    return (
        '<table class="rl4lrm-works"><thead><tr><th>Date</th><th>Name</th><th>Title</th><th>Links</th>'
        f"<th>Code</th><th>Baseline</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"
    )


def _node_tree(data: SiteData, parent: str | None, src: str) -> str:
    nodes = data.taxonomy.facets if parent is None else data.taxonomy.children(parent)
    if not nodes:
        return ""
    items = []
    for node in nodes:
        count = len(data.by_node.get(node.id, ()))
        items.append(
            f'<li><span class="rl4lrm-section">§{esc(node.section)}</span> '
            f'<a href="{esc(link(src, node_path(node.id)))}">{esc(node.title)}</a> '
            f'<span class="rl4lrm-count">({count})</span>{_node_tree(data, node.id, src)}</li>'
        )
    return f'<ul class="rl4lrm-tree">{"".join(items)}</ul>'


def home_page(data: SiteData, intro: str) -> str:
    """Home: intro, counts, the taxonomy tree, newest additions and the trend per facet."""
    src = "index.md"
    kinds = Counter(r.kind for r in data.records)
    counts = ", ".join(f"{n} {esc(k)}" for k, n in kinds.most_common())
    with_code = sum(1 for r in data.records if r.links.code)
    newest = sorted(data.records, key=lambda r: (r.added, r.date, r.id), reverse=True)[:NEWEST]
    series = {f.title: Counter(quarter(r.date) for r in data.by_node.get(f.id, ())) for f in data.taxonomy.facets}
    return (
        front_matter("Home", html=False)
        + intro.strip()
        + "\n\n"
        + f'<p class="rl4lrm-counts"><strong>{len(data.records)}</strong> works ({counts}); {with_code} with code; '
        f"{len(data.taxonomy.nodes)} taxonomy nodes; {len(data.recipes)} baseline recipes.</p>\n\n"
        + '<h2 id="trend">Works per quarter</h2>\n\n'
        + trend_svg(series, "Works per quarter per top-level facet")
        + '\n\n<h2 id="taxonomy">Taxonomy</h2>\n\n'
        + _node_tree(data, None, src)
        + '\n\n<h2 id="newest">Newest additions</h2>\n\n'
        + works_table(data, newest, src)
        + "\n"
    )


def taxonomy_index_page(data: SiteData) -> str:
    return (
        front_matter("Taxonomy") + "<h1>Taxonomy</h1>\n\n<p>The taxonomy of the survey (arXiv 2509.08827); "
        "section numbers refer to it.</p>\n\n" + _node_tree(data, None, "taxonomy/index.md") + "\n"
    )


def node_page(data: SiteData, node_id: str, limit: int | None = NODE_ROWS) -> str:
    """One taxonomy node: description, section, sub-nodes, trend plot and its works newest first (the newest
    limit of them; the explorer, filtered on the node, lists all)."""
    node = data.taxonomy.nodes[node_id]
    src = node_path(node_id)
    explorer = link(src, "explorer.md") + "?node=" + quote(node_id, safe="")
    works = data.by_node.get(node_id, [])
    crumbs = [data.taxonomy.nodes[a] for a in reversed(data.taxonomy.ancestors(node_id)) if a in data.taxonomy.nodes]
    trail = " / ".join(f'<a href="{esc(link(src, node_path(a.id)))}">{esc(a.title)}</a>' for a in crumbs)
    children = _node_tree(data, node_id, src)
    plot = trend_svg(
        {node.title: Counter(quarter(r.date) for r in works)}, f"Works per quarter: {node.title}", width=480, height=160
    )
    return (
        front_matter(node.title)
        + "<div data-pagefind-body>\n"
        + (f'<p class="rl4lrm-trail">{trail}</p>\n' if trail else "")
        + f"<h1>{esc(node.title)}</h1>\n"
        + f'<p><span class="rl4lrm-section">Survey §{esc(node.section)}</span> · <code>{esc(node.id)}</code></p>\n'
        + f"<p>{esc(node.description)}</p>\n</div>\n\n"
        + (f'<h2 id="subnodes">Sub-nodes</h2>\n\n{children}\n\n' if children else "")
        + (f'<h2 id="trend">Trend</h2>\n\n{plot}\n\n' if plot else "")
        + f'<h2 id="works">Works ({len(works)})</h2>\n\n'
        + (works_table(data, works, src, limit, explorer) if works else "<p>No works yet.</p>")
        + "\n"
    )


def paper_page(data: SiteData, record: Record, bibtex: str) -> str:
    """One work: metadata, taxonomy, links, BibTeX with a copy button, its recipe and related works."""
    src = paper_path(record.id)
    rows = []
    if record.name:
        rows.append(("Name", esc(record.name)))
    authors = esc(authors_line(record))
    rows += [("Kind", esc(record.kind)), ("Authors", authors or "—"), ("Date", esc(record.date))]
    if record.venue:
        rows.append(("Venue", esc(record.venue)))
    nodes = []
    for node_id in record.taxonomy:
        node = data.taxonomy.nodes.get(node_id)
        title = node.title if node else node_id
        section = f' <span class="rl4lrm-section">§{esc(node.section)}</span>' if node else ""
        nodes.append(
            f'<a href="{esc(link(src, node_path(node_id)))}">{esc(title)}</a>{section}' if node else esc(title)
        )
    rows.append(("Taxonomy", "<br>".join(nodes)))
    urls = record.links.urls()
    if urls:
        rows.append(("Links", " · ".join(f'<a href="{esc(u)}" rel="noopener">{esc(k)}</a>' for k, u in urls.items())))
    rows.append(("Added", esc(record.added)))
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    tokens = " ".join(esc(t) for t in sub_tokens(record.name or ""))
    parts = [
        front_matter(record.title),
        "<div data-pagefind-body>\n",
        f"<h1>{esc(record.title)}</h1>\n",
        f'<p class="rl4lrm-info" data-pagefind-meta="info" hidden>{esc(_info(record))}</p>\n',
        f'<p class="rl4lrm-subtokens" hidden>{tokens}</p>\n' if tokens else "",
        f'<table class="rl4lrm-meta"><tbody>{table}</tbody></table>\n',
    ]
    if record.summary:
        parts.append(f'<h2 id="summary">Summary</h2>\n<p>{esc(record.summary)}</p>\n')
    parts.append("</div>\n\n")
    if record.abstract:
        parts.append(f'<h2 id="abstract">Abstract</h2>\n<p class="rl4lrm-abstract">{esc(record.abstract)}</p>\n\n')
    parts.append(
        '<h2 id="bibtex">BibTeX</h2>\n'
        f'<div class="rl4lrm-bibtex"><button type="button" class="md-button rl4lrm-copy" '
        f'data-copy-target="bibtex-{esc(record.id)}">Copy</button>'
        f'<pre><code id="bibtex-{esc(record.id)}">{esc(bibtex.strip())}</code></pre></div>\n\n'
    )
    if any(b in data.recipes for b in record.baselines):
        parts.append('<h2 id="baseline">Baseline recipe</h2>\n')
        for recipe_id in (b for b in record.baselines if b in data.recipes):
            presets = data.recipes[recipe_id]["presets"]
            preset = "cpu-smoke" if "cpu-smoke" in presets or not presets else next(iter(presets))
            parts.append(
                f'<p><a href="{esc(link(src, recipe_path(recipe_id)))}">{esc(recipe_id)}</a></p>\n'
                f"<pre><code>rl4lrm baseline run {esc(recipe_id)} --preset {esc(preset)}</code></pre>\n"
            )
        parts.append("\n")
    related = data.related(record)
    if related:
        items = "".join(
            f'<li><a href="{esc(link(src, paper_path(r.id)))}">{esc(_label(r))}</a> — {esc(r.title)} '
            f"({esc(r.date[:4])})</li>"
            for r in related
        )
        parts.append(f'<h2 id="related">Related works</h2>\n<ul>{items}</ul>\n')
    return "".join(parts)


def explorer_page() -> str:
    """The explorer shell; rl4lrm.js fills it from data/explorer.js."""
    return (
        front_matter("Explorer") + "<h1>Explorer</h1>\n\n"
        "<p>Every record, filtered by all the facets you set (AND). The address bar keeps the filters, so a "
        "view can be shared. The selection downloads as BibTeX or JSON.</p>\n\n"
        '<div id="rl4lrm-explorer" data-data="../data/explorer.js"><noscript>The explorer needs JavaScript; '
        'the same data is in <a href="papers.json">papers.json</a>.</noscript></div>\n'
    )


def recipes_index_page(data: SiteData, results: list[str] | None = None) -> str:
    """The list of recipes, then the cross-algorithm result pages (baselines/results/<name>.md)."""
    items = []
    for recipe_id, recipe in data.recipes.items():
        papers = ", ".join(esc(p) for p in sorted(recipe.get("papers", ())))
        items.append(
            f'<li><a href="{esc(link("baselines/index.md", recipe_path(recipe_id)))}">{esc(recipe_id)}</a>'
            f"{' — reproduces ' + papers if papers else ''}</li>"
        )
    body = f"<ul>{''.join(items)}</ul>" if items else "<p>No baseline recipes yet.</p>"
    if results:
        links = "".join(
            f'<li><a href="{esc(link("baselines/index.md", f"baselines/results/{name}.md"))}">{esc(name)}</a></li>'
            for name in results
        )
        body += f"\n<h2>Results across algorithms</h2>\n<ul>{links}</ul>"
    return (
        front_matter("Baselines") + "<h1>Baselines</h1>\n\n<p>Runnable recipes that reproduce works of the "
        "knowledge base. Each runs on CPU with <code>--preset cpu-smoke</code>.</p>\n\n" + body + "\n"
    )


_MD_LINK = re.compile(r"(!?\[[^\]]*\])\(([^)\s]+)\)")


def repo_links(markdown: str, folder: str, repository: str) -> str:
    """Point markdown links that leave folder (a repo path) at the file in the repository (or keep only their text
    when no repository is known); links inside folder stay relative, its files are published beside the page."""

    def fix(match: re.Match) -> str:
        text, target = match.groups()
        if re.match(r"^[a-z][a-z0-9+.-]*:|^#|^/", target):
            return match.group(0)
        file, hash_, fragment = target.partition("#")
        path = posixpath.normpath(posixpath.join(folder, file))
        if path == folder or path.startswith(folder + "/"):
            return match.group(0)
        if repository and not path.startswith("../"):
            return f"{text}({repository.rstrip('/')}/blob/main/{path}{hash_}{fragment})"
        return text.lstrip("!")[1:-1]

    return _MD_LINK.sub(fix, markdown)


def recipe_page(data: SiteData, recipe_id: str) -> str:
    """One recipe: its README (markdown written in the repo, links relative to the recipe folder) with the works it
    reproduces and the smoke command; without a README, every preset file and the results as text."""
    recipe = data.recipes[recipe_id]
    src = recipe_path(recipe_id)
    papers = [data.by_id[p] for p in sorted(recipe.get("papers", ())) if p in data.by_id]
    facts = f"<p>Run: <code>rl4lrm baseline run {esc(recipe_id)} --preset cpu-smoke</code></p>"
    if papers:
        facts = (
            "<p>Reproduces: "
            + ", ".join(f'<a href="{esc(link(src, paper_path(r.id)))}">{esc(_label(r))}</a>' for r in papers)
            + "</p>\n"
            + facts
        )
    readme = repo_links(recipe.get("readme", ""), f"baselines/recipes/{recipe_id}", data.repository)
    if readme:
        head, _, rest = readme.partition("\n") if readme.startswith("# ") else ("", "", readme)
        return front_matter(recipe_id, html=False) + (head + "\n\n" if head else "") + facts + "\n\n" + rest
    parts = [front_matter(recipe_id), f"<h1>{esc(recipe_id)}</h1>\n", facts, "\n"]
    for preset, text in recipe.get("presets", {}).items():
        parts.append(
            f'<h2 id="preset-{esc(preset)}">Preset {esc(preset)}</h2>\n'
            f"<pre><code>rl4lrm baseline run {esc(recipe_id)} --preset {esc(preset)}</code></pre>\n"
            f"<pre><code>{esc(text)}</code></pre>\n\n"
        )
    if not recipe.get("presets"):
        parts.append("<p>No presets yet.</p>\n")
    return "".join(parts)


def schema_page(
    fields: list[tuple[str, str, str, bool]], link_fields: list[tuple[str, str]], taxonomy: Taxonomy
) -> str:
    """Every record field: name, type, required, description; the allowed kinds; links to record.schema.json."""
    rows = "".join(
        f"<tr><td><code>{esc(n)}</code></td><td><code>{esc(t)}</code></td><td>{'yes' if req else 'no'}"
        f"</td><td>{esc(d)}</td></tr>"
        for n, t, d, req in fields
    )
    link_rows = "".join(f"<tr><td><code>links.{esc(n)}</code></td><td>{esc(d)}</td></tr>" for n, d in link_fields)
    kind_rows = "".join(
        f"<tr><td><code>{esc(k.id)}</code></td><td>{esc(k.title)}</td><td>{esc(k.description)}</td></tr>"
        for k in taxonomy.kinds.values()
    )
    return (
        front_matter("Record schema") + "<h1>Record schema</h1>\n\n<p>Each work is one YAML file "
        "<code>papers/&lt;id&gt;.yaml</code>. Editors can validate it against the JSON Schema "
        '<a href="record.schema.json">record.schema.json</a> (generated from the same model).</p>\n\n'
        '<table class="rl4lrm-schema"><thead><tr><th>Field</th><th>Type</th><th>Required</th>'
        f"<th>Description</th></tr></thead><tbody>{rows}</tbody></table>\n\n"
        '<h2 id="links">Links</h2>\n\n<table class="rl4lrm-schema"><thead><tr><th>Field</th><th>Description'
        f"</th></tr></thead><tbody>{link_rows}</tbody></table>\n\n"
        '<h2 id="kinds">Kinds</h2>\n\n<table class="rl4lrm-schema"><thead><tr><th>kind</th><th>Title</th>'
        f"<th>Description</th></tr></thead><tbody>{kind_rows}</tbody></table>\n\n"
        f"<p>Taxonomy node ids are listed, with their survey sections, on the "
        f'<a href="taxonomy/index.html">taxonomy</a> page.</p>\n'
    )


def data_page(count: int) -> str:
    return (
        front_matter("Data") + "<h1>Data</h1>\n\n<p>The site's own data, rebuilt with every change:</p>\n<ul>"
        f'<li><a href="papers.json">papers.json</a>: all {count} records as JSON.</li>'
        '<li><a href="papers.bib">papers.bib</a>: all records as BibTeX.</li>'
        '<li><a href="feed.xml">feed.xml</a>: Atom feed of new additions.</li>'
        '<li><a href="record.schema.json">record.schema.json</a>: the JSON Schema of a record '
        '(see <a href="schema.html">Record schema</a>).</li></ul>\n'
    )
