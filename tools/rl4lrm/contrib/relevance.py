"""How relevant a new paper is to the base: a classifier over titles, fitted when asked.

Positives: the titles (and short names) of every record in the base, plus the in-scope titles of the labelled
fixture ``data/relevance_titles.yaml`` (real arXiv titles of 2025-11..2026-11, labelled by hand). Negatives: the
fixture's out-of-scope titles (speech, 3D vision, time series, graph learning, classic RL and VLMs for driving
and robots, LLM systems work without RL). Features: the tagger's (word, stemmed-word and in-word character
n-grams, TF-IDF). Model: logistic regression with balanced classes. The score is the probability of being in
scope; a paper is a candidate at ``THRESHOLD`` or above.

``THRESHOLD`` (0.73) was chosen on the fixture: the F1-best threshold of 5-fold cross-validated scores (each
fold's scores from a model fitted without that fold's titles), rounded; ``RELEVANCE_C`` by the same
cross-validation (1, 4 and 16 score within 0.005 F1). ``benchmarks/discover_bench.py`` recomputes both and
reports precision and recall with the threshold picked inside each training fold only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..kb.safeyaml import load_file
from ..kb.schema import Record
from .tagging import TaggingError, record_text, vectorizer

FIXTURE = Path(__file__).resolve().parent / "data" / "relevance_titles.yaml"
THRESHOLD = 0.73
RELEVANCE_C = 4.0


@dataclass(frozen=True)
class Labelled:
    """One title of the fixture."""

    arxiv: str
    title: str
    in_scope: bool
    source: str = ""


def load_fixture(path: Path = FIXTURE) -> list[Labelled]:
    """The labelled titles; raises TaggingError naming the file when it cannot be read."""
    try:
        data = load_file(path, path.name).data
    except Exception as exc:  # a YamlProblem or an OSError: either way the fixture is unusable
        raise TaggingError(f"cannot read the relevance fixture {path.name}: {exc}") from None
    items = data.get("titles") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise TaggingError(f"{path.name}: expected 'titles:' with a list of labelled titles")
    out = []
    for index, item in enumerate(items):
        good = isinstance(item, dict) and isinstance(item.get("title"), str)
        if not (good and isinstance(item.get("in_scope"), bool)):
            raise TaggingError(f"{path.name}: titles[{index}] needs a title and in_scope: true or false")
        out.append(Labelled(str(item.get("arxiv", "")), item["title"], item["in_scope"], str(item.get("source", ""))))
    return out


class Relevance:
    """A fitted relevance classifier; :meth:`fit` builds one."""

    def __init__(self, features: Any, model: Any, threshold: float):
        self._features, self._model, self.threshold = features, model, threshold

    @classmethod
    def fit(cls, positives: Iterable[str], labelled: Sequence[Labelled], threshold: float = THRESHOLD) -> Relevance:
        """Fit on positive titles (the base's) and labelled titles (the fixture's)."""
        try:
            from sklearn.linear_model import LogisticRegression
        except ImportError:
            raise TaggingError(
                "relevance needs scikit-learn: install the tag extra (pip install -e '.[tag]', or make install)"
            ) from None
        docs = list(positives) + [item.title for item in labelled]
        labels = [1] * (len(docs) - len(labelled)) + [int(item.in_scope) for item in labelled]
        if len(set(labels)) < 2:
            raise TaggingError("relevance needs both in-scope and out-of-scope titles")
        features = vectorizer()
        model = LogisticRegression(C=RELEVANCE_C, class_weight="balanced", max_iter=2000)
        model.fit(features.fit_transform(docs), labels)
        return cls(features, model, threshold)

    def scores(self, titles: Sequence[str]) -> list[float]:
        """Probability that each title is in scope, in order."""
        if not titles:
            return []
        return [round(float(p), 4) for p in self._model.predict_proba(self._features.transform(list(titles)))[:, 1]]


def base_titles(records: Iterable[Record]) -> list[str]:
    return [record_text(record.title, record.name) for record in records]


def relevance_for(records: Iterable[Record], fixture: Path = FIXTURE, threshold: float = THRESHOLD) -> Relevance:
    """The classifier fitted on the base's records and the shipped fixture."""
    return Relevance.fit(base_titles(records), load_fixture(fixture), threshold)
