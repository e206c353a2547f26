"""Suggest taxonomy nodes for a paper from the words of its title and abstract."""

from __future__ import annotations

import math
import re
from collections import Counter

from ..kb.taxonomy import Taxonomy

_WORD = re.compile(r"[a-z][a-z0-9]+")
_STOP = set(
    "a an and are as at be by can for from has have in into is it its of on or such that the their them these this "
    "to use used using via was we were which while with without e g eg ie model models method methods approach "
    "paper work show results based new large language llm llms reasoning learning reinforcement rl".split()
)


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """Lowercase, stemmed content words of a text."""
    return [_stem(w) for w in _WORD.findall(text.lower().replace("-", " ")) if w not in _STOP]


def suggest_nodes(tax: Taxonomy, title: str, abstract: str = "", limit: int = 3) -> list[tuple[str, float]]:
    """Up to ``limit`` (node id, score) pairs, best first: node words found in the text, weighted by rarity.

    A node's title and id count twice as much as its description; facet roots are never suggested.
    """
    nodes = [n for n in tax.nodes.values() if n.parent is not None]
    if not nodes:
        return []
    vocab: dict[str, Counter[str]] = {}
    for node in nodes:
        terms: Counter[str] = Counter()
        for word in set(words(node.title) + words(node.id.split("/", 1)[1].replace("/", " "))):
            terms[word] += 2
        for word in set(words(node.description)):
            terms[word] += 1
        vocab[node.id] = terms
    spread = Counter(word for terms in vocab.values() for word in terms)
    text = Counter(words(title) * 2 + words(abstract))
    scored = []
    for node_id, terms in vocab.items():
        score = sum(
            weight * math.log(1 + len(nodes) / spread[word]) * (1 + math.log(text[word]))
            for word, weight in terms.items()
            if text[word]
        )
        if score > 0:
            scored.append((node_id, round(score / math.sqrt(sum(terms.values())), 3)))
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:limit]
