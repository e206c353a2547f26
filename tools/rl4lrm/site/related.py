"""Related works, computed once per build from the text and the taxonomy of every record.

Each work is a vector: the TF-IDF of its title, name, summary, abstract and taxonomy titles (sublinear term
frequency, English stop words dropped), next to a one-hot of its taxonomy nodes and, at half weight, their
ancestors; truncated SVD (latent semantic analysis) brings it down to at most COMPONENTS dimensions, and a work's
related works are its nearest neighbours by cosine similarity.

Why TF-IDF and SVD from scikit-learn: they are deterministic, need no model weights (nothing is fetched at build
time, and the site makes no external request), run on the CPU in seconds at 20,000 records, and the SVD relates
works that use different words for the same thing (words that co-occur land on the same dimensions), which plain
word overlap does not. The taxonomy features carry the curators' own judgement and keep short records (a title
and a one-line summary, most of the base) next to the works of their nodes. benchmarks/site_build.py prints how
often related works share a taxonomy node against random pairs; tests/site/test_related.py checks it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..kb.schema import Record
from ..kb.taxonomy import Taxonomy

RELATED = 6
COMPONENTS = 128
BLOCK = 256  # rows of the similarity matrix at a time: 256 x 20,000 floats, and argpartition's int64 copy
TAXONOMY_WEIGHT = 1.0


def _text(record: Record, taxonomy: Taxonomy) -> str:
    titles = " ".join(taxonomy.nodes[n].title for n in record.taxonomy if n in taxonomy.nodes)
    return " ".join(p for p in (record.name, record.title, record.summary, record.abstract, titles) if p)


def embed(records: Sequence[Record], taxonomy: Taxonomy) -> Any:
    """Unit-length LSA vectors of the records (numpy array, one row per record)."""
    import numpy as np
    from scipy import sparse
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    text = TfidfVectorizer(
        sublinear_tf=True,
        stop_words="english",
        min_df=2 if len(records) > 200 else 1,
        max_features=100_000,
        dtype=np.float32,
    ).fit_transform([_text(r, taxonomy) for r in records])
    columns = {node_id: i for i, node_id in enumerate(taxonomy.nodes)}
    rows, cols, vals = [], [], []
    for number, record in enumerate(records):
        weights: dict[int, float] = {}
        for node_id in record.taxonomy:
            for ancestor in taxonomy.ancestors(node_id):
                if ancestor in columns:
                    weights.setdefault(columns[ancestor], 0.5)
            if node_id in columns:
                weights[columns[node_id]] = 1.0
        rows += [number] * len(weights)
        cols += list(weights)
        vals += list(weights.values())
    nodes = sparse.csr_matrix(
        (np.array(vals, dtype=np.float32), (rows, cols)), shape=(len(records), max(1, len(columns)))
    )
    features = sparse.hstack([text, TAXONOMY_WEIGHT * normalize(nodes)]).tocsr()
    components = min(COMPONENTS, features.shape[1] - 1, len(records) - 1)
    if components < 2:
        return normalize(features.toarray())
    vectors = TruncatedSVD(n_components=components, random_state=0).fit_transform(features)
    return normalize(vectors).astype(np.float32)


def related_works(records: Sequence[Record], taxonomy: Taxonomy, k: int = RELATED) -> dict[str, list[str]]:
    """record id -> the ids of its k nearest works (most similar first).

    BLAS runs on one thread: OpenBLAS' threads spin against each other on a busy machine (a QR of 1,170 x 138
    took 3 s on two threads there, 0.02 s on one), and the build is not the only process of a CI machine."""
    import scipy.linalg  # noqa: F401 (loaded before the limit below, so that it applies to its BLAS too)
    import sklearn.decomposition  # noqa: F401
    from threadpoolctl import threadpool_limits

    if len(records) < 2:
        return {r.id: [] for r in records}
    with threadpool_limits(limits=1):
        vectors = embed(records, taxonomy)
        return _nearest(records, vectors, min(k, len(records) - 1))


def _nearest(records: Sequence[Record], vectors: Any, take: int) -> dict[str, list[str]]:
    import numpy as np

    out: dict[str, list[str]] = {}
    for start in range(0, len(records), BLOCK):
        block = vectors[start : start + BLOCK] @ vectors.T
        np.negative(block, out=block)  # distances: smallest first
        block[np.arange(block.shape[0]), np.arange(start, start + block.shape[0])] = np.inf
        best = np.argpartition(block, take - 1, axis=1)[:, :take]
        for row, candidates in enumerate(best):
            ordered = candidates[np.argsort(block[row, candidates], kind="stable")]
            out[records[start + row].id] = [records[i].id for i in ordered]
    return out


def shared_node_rates(records: Sequence[Record], related: dict[str, list[str]], seed: int = 0) -> tuple[float, float]:
    """How often a work and one of its related works share a taxonomy node (their own nodes), and how often a
    work and a random other work do (as many random pairs as related ones)."""
    import random

    by_id = {r.id: set(r.taxonomy) for r in records}
    pairs = [(a, b) for a, bs in related.items() for b in bs]
    if not pairs:
        return 0.0, 0.0
    rng = random.Random(seed)
    ids = list(by_id)
    randoms = []
    while len(randoms) < len(pairs):
        a, b = rng.choice(ids), rng.choice(ids)
        if a != b:
            randoms.append((a, b))

    def rate(some: list[tuple[str, str]]) -> float:
        return sum(1 for a, b in some if by_id[a] & by_id[b]) / len(some)

    return rate(pairs), rate(randoms)
