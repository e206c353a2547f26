"""Suggest taxonomy nodes and a kind for a work, with a model trained on the base's own records when asked.

Nothing is stored: every call fits the model on the records as they are now (about a second for the whole
base), so a new record or a moved one changes the next suggestion.

- Features: TF-IDF of words (1-2 grams, English stop words dropped), of crudely stemmed words (1-2 grams, so
  'rewards' is 'reward') and of characters (2-5 grams inside words, which catch 'GRPO'-like names and word
  pieces) over a record's title and short name. A record with a summary
  or an abstract is seen twice, once as its title alone and once with that text, so one model serves both.
- Nodes: one linear SVM per node (one-vs-rest, classes balanced), trained on each record's nodes *and their
  ancestors* (``Taxonomy.closure``), so a record on search agents also teaches `applications/agentic`. A facet
  root is a target only when it has no nodes of its own (`frontier`, `related-surveys`). Every node also learns
  from its own title and description, so a base with few records (or none) still gets sensible suggestions.
- Kind: one linear SVM over the kinds, which also learn from their descriptions in taxonomy/kinds.yaml; a base
  whose records all have one kind suggests that kind, an empty base none.
- A list of suggestions holds at most one node of a branch: a node below or above one already listed is
  left out, except that a node below replaces its listed ancestor when its own score passes ``SPECIFIC``
  (the more specific placement, when the model is confident of it).

Scores are the SVMs' margins: comparable within one suggestion list, and > 0 where the model would place the
work. The settings were chosen by cross-validation on a training split only; `benchmarks/tagging_bench.py`
measures hit@3 on held-out records.

scikit-learn is imported only when a model is fitted (install the `tag` extra: ``pip install -e '.[tag]'``).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..kb.project import Project
from ..kb.records import load_records
from ..kb.schema import Record
from ..kb.taxonomy import Taxonomy, load_taxonomy

# Chosen by 5-fold cross-validation on the training split of benchmarks/tagging_bench.py (never its test split).
NODE_C = 1.0
KIND_C = 0.5
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
SPECIFIC = 0.5
DEFAULT_TOP = 3


class TaggingError(Exception):
    """The tagger cannot run (scikit-learn missing, broken taxonomy); str() is one line."""


@dataclass(frozen=True)
class Suggestion:
    """Nodes best first as (node id, score), and the most likely kind with its score."""

    nodes: list[tuple[str, float]]
    kind: str | None
    kind_score: float = 0.0

    @property
    def best(self) -> str | None:
        return self.nodes[0][0] if self.nodes else None

    def confident(self) -> list[str]:
        """The first node, then every other suggested node the model would place the work in (score > 0)."""
        return [node for index, (node, score) in enumerate(self.nodes) if index == 0 or score > 0]

    def as_json(self) -> dict[str, Any]:
        return {
            "nodes": [{"node": node, "score": score} for node, score in self.nodes],
            "kind": self.kind,
            "kind_score": self.kind_score,
        }


def record_text(title: str, name: str | None = None, text: str | None = None) -> str:
    """What the model reads of a work: title, short name and any summary or abstract."""
    return " ".join(part for part in (title, name or "", text or "") if part).strip()


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]+")


def stem(word: str) -> str:
    """A crude English stem: 'rewards' -> 'reward', 'sampling' -> 'sampl' (stems keep at least 4 letters)."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def stemmed_words(text: str) -> list[str]:
    """Lowercase stemmed words of a text, hyphenated words split ('Critic-Free' -> 'critic', 'free')."""
    return [stem(word.lower()) for word in _WORD.findall(text.replace("-", " "))]


def _sklearn():
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import make_union
        from sklearn.preprocessing import MultiLabelBinarizer
        from sklearn.svm import LinearSVC
    except ImportError:
        raise TaggingError(
            "suggestions need scikit-learn: install the tag extra (pip install -e '.[tag]', or make install)"
        ) from None
    return TfidfVectorizer, OneVsRestClassifier, make_union, MultiLabelBinarizer, LinearSVC


def vectorizer():
    """Word, stemmed-word and in-word character n-grams, TF-IDF with sublinear counts (an unfitted union)."""
    tfidf, _, union, _, _ = _sklearn()
    return union(
        tfidf(ngram_range=WORD_NGRAMS, sublinear_tf=True, stop_words="english"),
        tfidf(tokenizer=stemmed_words, lowercase=False, token_pattern=None, ngram_range=WORD_NGRAMS, sublinear_tf=True),
        tfidf(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, min_df=2),
    )


def targets(tax: Taxonomy) -> set[str]:
    """Nodes the tagger may suggest: every node but the facet roots that have nodes below them."""
    parents = {node.parent for node in tax.nodes.values() if node.parent}
    return {node_id for node_id, node in tax.nodes.items() if node.parent is not None or node_id not in parents}


class Tagger:
    """A fitted model; build one with :meth:`fit` (or :func:`tagger_for` for a project)."""

    def __init__(self, tax: Taxonomy, features: Any, nodes: Any, classes: list[str], kinds: Any, kind_ids: list[str]):
        self.tax = tax
        self._features, self._nodes, self._classes = features, nodes, classes
        self._kinds, self._kind_ids = kinds, kind_ids

    @classmethod
    def fit(cls, tax: Taxonomy, records: Iterable[Record]) -> Tagger:
        _, one_vs_rest, _, binarizer, svm = _sklearn()
        allowed = targets(tax)
        docs: list[str] = []
        labels: list[list[str]] = []
        kind_docs: list[str] = []
        kind_labels: list[str] = []
        for record in records:
            nodes = [n for n in tax.closure(n for n in record.taxonomy if n in tax.nodes) if n in allowed]
            texts = [record_text(record.title, record.name)]
            extra = " ".join(t for t in (record.summary, record.abstract) if t)
            if extra:
                texts.append(record_text(record.title, record.name, extra))
            if nodes:
                docs += texts
                labels += [nodes] * len(texts)
            if record.kind in tax.kinds:
                kind_docs += texts
                kind_labels += [record.kind] * len(texts)
        for node_id in sorted(allowed):
            node = tax.nodes[node_id]
            docs.append(f"{node.title} {node.description}")
            labels.append([n for n in tax.closure([node_id]) if n in allowed])
        if len(set(kind_labels)) > 1:  # with one kind (or none) in the base, that kind (or None) is the answer
            for kind in tax.kinds.values():
                kind_docs.append(f"{kind.title} {kind.description}")
                kind_labels.append(kind.id)
        if not docs:
            raise TaggingError("the taxonomy has no nodes to suggest")
        features = vectorizer()
        matrix = features.fit_transform(docs + kind_docs)
        node_x, kind_x = matrix[: len(docs)], matrix[len(docs) :]
        classes = binarizer(classes=sorted(allowed))
        y = classes.fit_transform(labels)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence notes and labels present everywhere (a one-node taxonomy)
            nodes_model = one_vs_rest(svm(C=NODE_C, class_weight="balanced", random_state=0, max_iter=5000))
            nodes_model.fit(node_x, y)
            kinds_model = None
            if len(set(kind_labels)) > 1:
                kinds_model = svm(C=KIND_C, random_state=0, max_iter=5000).fit(kind_x, kind_labels)
        kind_ids = sorted(set(kind_labels))
        return cls(tax, features, nodes_model, list(classes.classes_), kinds_model, kind_ids)

    def suggest_many(self, items: Sequence[tuple[str, str]], top: int = DEFAULT_TOP) -> list[Suggestion]:
        """One suggestion per (title, text) pair, in order; text may be '' (a title alone)."""
        if not items:
            return []
        x = self._features.transform([record_text(title, None, text) for title, text in items])
        scores = self._nodes.decision_function(x)
        if scores.ndim == 1:  # a single target node
            scores = scores.reshape(-1, 1)
        kind_scores = self._kinds.decision_function(x) if self._kinds is not None else None
        out = []
        for row, line in enumerate(scores):
            ranked = sorted(zip(self._classes, line.tolist(), strict=True), key=lambda pair: (-pair[1], pair[0]))
            chosen = self._one_per_branch(ranked, top)
            kind, kind_score = (self._kind_ids[0], 0.0) if self._kind_ids else (None, 0.0)
            if kind_scores is not None:
                kinds_row = kind_scores[row]
                if kinds_row.ndim == 0:  # two kinds: one margin for the second
                    pick = int(kinds_row > 0)
                    kind, kind_score = self._kinds.classes_[pick], abs(float(kinds_row))
                else:
                    pick = int(kinds_row.argmax())
                    kind, kind_score = self._kinds.classes_[pick], float(kinds_row[pick])
            out.append(Suggestion(chosen, str(kind) if kind is not None else None, round(kind_score, 3)))
        return out

    def _one_per_branch(self, ranked: list[tuple[str, float]], top: int) -> list[tuple[str, float]]:
        chosen: list[tuple[str, float]] = []
        for node, score in ranked:
            if len(chosen) >= top:
                break
            if any(node in self.tax.ancestors(other) for other, _ in chosen):
                continue  # an ancestor of a listed node
            above = [i for i, (other, _) in enumerate(chosen) if other in self.tax.ancestors(node)]
            if above:
                if score > SPECIFIC:
                    chosen[above[0]] = (node, round(score, 3))
                continue
            chosen.append((node, round(score, 3)))
        return chosen

    def suggest(self, title: str, text: str = "", top: int = DEFAULT_TOP) -> Suggestion:
        return self.suggest_many([(title, text)], top)[0]


def tagger_for(project: Project, tax: Taxonomy | None = None, records: Iterable[Record] | None = None) -> Tagger:
    """A tagger fitted on the project's records (those that are valid) and taxonomy."""
    tax = tax or load_taxonomy(project.taxonomy, project.root)
    if tax.problems or not tax.nodes:
        raise TaggingError("the taxonomy has problems; run 'rl4lrm validate' first")
    if records is None:
        records = load_records(project.papers, project.root).records
    return Tagger.fit(tax, records)
