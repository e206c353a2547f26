"""Counts over the base: records per taxonomy node (direct and with sub-nodes), kind and year, and gaps."""

from __future__ import annotations

from collections import Counter

from .schema import Record
from .taxonomy import Taxonomy


def compute(records: list[Record], tax: Taxonomy) -> dict:
    """Counts as a JSON-ready mapping: per node (direct and with sub-nodes), kind, year, and gaps."""
    direct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for record in records:
        direct.update(record.taxonomy)
        total.update(tax.closure(record.taxonomy))
    return {
        "records": len(records),
        "nodes": {
            node_id: {"section": node.section, "title": node.title, "direct": direct[node_id], "total": total[node_id]}
            for node_id, node in tax.nodes.items()
        },
        "kinds": dict(Counter(r.kind for r in records).most_common()),
        "years": dict(sorted(Counter(r.year for r in records).items())),
        "missing": {
            "authors": sorted(r.id for r in records if not r.authors),
            "code": sorted(r.id for r in records if not r.links.code),
            "arxiv": sorted(r.id for r in records if not r.links.arxiv),
            "summary": sorted(r.id for r in records if not r.summary),
        },
        "empty_nodes": [node_id for node_id in tax.nodes if not total[node_id]],
    }
