"""Precision and recall of discover's relevance filter on the labelled fixture, cross-validated.

The fixture (tools/rl4lrm/contrib/data/relevance_titles.yaml) holds real arXiv titles of 2025-11..2026-11
labelled in scope or out of scope. It is split into 5 stratified folds (seeded). For each fold, the classifier is
fitted on the base's record titles (positives; records whose normalised title is a fixture title are left out,
so no held-out title is ever seen) and the other 4 folds, and scores the held-out fold.

Reported:
- at the stated threshold (contrib/relevance.py THRESHOLD): precision and recall of "score ≥ threshold" over
  all out-of-fold scores;
- nested: in each fold the threshold is chosen (F1-best) from the training folds' own cross-validated scores
  only, then applied to the held-out fold; precision and recall of those decisions;
- the F1-best threshold over all out-of-fold scores, which is how THRESHOLD was chosen (rounded).
``--tune`` also prints cross-validated F1 for a few values of the regularisation C.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from rl4lrm.contrib import relevance as rel
from rl4lrm.contrib.relevance import Labelled, Relevance, base_titles, load_fixture
from rl4lrm.kb.identity import normalize_title
from rl4lrm.kb.records import load_records

REPO = Path(__file__).resolve().parents[1]
SEED = 13
FOLDS = 5


def folds(items: list[Labelled], k: int, seed: int) -> list[list[int]]:
    """Stratified folds: indices of each label shuffled and dealt round-robin."""
    out: list[list[int]] = [[] for _ in range(k)]
    for label in (True, False):
        ids = [i for i, item in enumerate(items) if item.in_scope is label]
        random.Random(seed).shuffle(ids)
        for n, i in enumerate(ids):
            out[n % k].append(i)
    return out


def out_of_fold(positives: list[str], items: list[Labelled], k: int, seed: int) -> list[float]:
    scores = [0.0] * len(items)
    for held in folds(items, k, seed):
        held_set = set(held)
        model = Relevance.fit(positives, [x for i, x in enumerate(items) if i not in held_set])
        for i, score in zip(held, model.scores([items[i].title for i in held]), strict=True):
            scores[i] = score
    return scores


def pr(labels: list[bool], decided: list[bool]) -> tuple[float, float, float]:
    tp = sum(a and b for a, b in zip(labels, decided, strict=True))
    fp = sum(b and not a for a, b in zip(labels, decided, strict=True))
    fn = sum(a and not b for a, b in zip(labels, decided, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def best_threshold(labels: list[bool], scores: list[float]) -> float:
    """The threshold (among the scores themselves) with the best F1; ties go to the higher threshold."""
    best = (-1.0, 0.5)
    for t in sorted(set(scores)):
        f1 = pr(labels, [s >= t for s in scores])[2]
        if f1 >= best[0]:
            best = (f1, t)
    return best[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--tune", action="store_true", help="also print cross-validated F1 for a few C")
    args = parser.parse_args()
    started = time.perf_counter()
    items = load_fixture()
    held_titles = {normalize_title(x.title) for x in items}
    records = [r for r in load_records(REPO / "papers", REPO).records if normalize_title(r.title) not in held_titles]
    positives = base_titles(records)
    labels = [x.in_scope for x in items]
    if args.tune:
        stated_c = rel.RELEVANCE_C
        for c in (1.0, 4.0, 16.0):
            rel.RELEVANCE_C = c
            scores = out_of_fold(positives, items, FOLDS, args.seed)
            t = best_threshold(labels, scores)
            print(f"  C={c:<5} best F1 {pr(labels, [s >= t for s in scores])[2]:.3f} at threshold {t:.3f}")
        rel.RELEVANCE_C = stated_c
    scores = out_of_fold(positives, items, FOLDS, args.seed)
    at_stated = pr(labels, [s >= rel.THRESHOLD for s in scores])
    nested: list[bool] = [False] * len(items)
    for fold, held in enumerate(folds(items, FOLDS, args.seed)):
        held_set = set(held)
        train = [x for i, x in enumerate(items) if i not in held_set]
        inner = out_of_fold(positives, train, FOLDS, args.seed + fold + 1)
        t = best_threshold([x.in_scope for x in train], inner)
        model = Relevance.fit(positives, train)
        for i, score in zip(held, model.scores([items[i].title for i in held]), strict=True):
            nested[i] = score >= t
    nested_pr = pr(labels, nested)
    best = best_threshold(labels, scores)
    seconds = time.perf_counter() - started
    print(
        f"fixture: {len(items)} titles ({sum(labels)} in scope, {len(labels) - sum(labels)} out of scope), "
        f"{FOLDS}-fold stratified (seed {args.seed}); positives also from {len(records)} base records"
    )
    print(f"  stated threshold {rel.THRESHOLD:.2f}:  precision {at_stated[0]:.3f}  recall {at_stated[1]:.3f}")
    print(f"  nested (threshold from training folds only):  precision {nested_pr[0]:.3f}  recall {nested_pr[1]:.3f}")
    print(f"  F1-best threshold over the out-of-fold scores: {best:.3f} (THRESHOLD is this, rounded); {seconds:.0f} s")


if __name__ == "__main__":
    main()
