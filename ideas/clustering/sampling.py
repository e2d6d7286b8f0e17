"""Large inputs: sentence embeddings for a sample, lexical neighbours for the rest.

Embedding is the cost of clustering raw texts: the default ensemble of three encoders runs at
about 55 texts a second on two cores, so 100,000 texts would take about 30 minutes. Above
`EMBED_LIMIT` texts the engine embeds a random sample of that size, finds the themes in it as
usual, and gives every other text the theme of its nearest sampled texts in a TF-IDF + LSA space
fitted on all texts (a weighted vote of the `k` nearest; unthemed when the neighbours disagree
or are too far).
"""

from __future__ import annotations

import numpy as np

# How many texts get sentence embeddings at most (about 4.5 minutes on two cores). 100,000 raw
# texts took 381 s end to end (NMI 0.716 / ARI 0.428); with 20,000, 546 s (0.723 / 0.438):
# too close to the 10-minute budget for a small gain.
EMBED_LIMIT = 15_000
NEIGHBOURS = 10
# A text joins a theme when that theme holds at least this share of its neighbours' weight and
# its nearest neighbour is at least this similar (cosine in the lexical space).
VOTE_SHARE = 0.5
MIN_SIMILARITY = 0.3
CHUNK = 2_048


def sample_rows(n: int, size: int, seed: int) -> np.ndarray:
    """`size` distinct row indices out of `n`, sorted; the same for the same seed."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=size, replace=False))


def propagate_labels(
    known: np.ndarray,
    known_labels: np.ndarray,
    queries: np.ndarray,
    k: int = NEIGHBOURS,
    vote_share: float = VOTE_SHARE,
    min_similarity: float = MIN_SIMILARITY,
) -> np.ndarray:
    """Label each row of `queries` by a similarity-weighted vote of its `k` nearest rows of
    `known` (both L2-normalised, same space). -1 (unthemed) neighbours vote too, so a text
    among outliers stays an outlier."""
    out = np.full(queries.shape[0], -1, dtype=np.int64)
    if known.shape[0] == 0 or queries.shape[0] == 0:
        return out
    k = min(k, known.shape[0])
    n_labels = int(known_labels.max()) + 2  # slot 0 is "unthemed"
    for start in range(0, queries.shape[0], CHUNK):
        sims = queries[start : start + CHUNK] @ known.T
        nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        weights = np.clip(np.take_along_axis(sims, nearest, axis=1), 0.0, None)
        slots = known_labels[nearest] + 1
        votes = np.zeros((sims.shape[0], n_labels), dtype=np.float64)
        np.add.at(votes, (np.arange(sims.shape[0])[:, None], slots), weights)
        best = votes.argmax(axis=1)
        total = votes.sum(axis=1)
        share = np.divide(
            votes[np.arange(len(best)), best], total, where=total > 0, out=np.zeros_like(total)
        )
        ok = (best > 0) & (share >= vote_share) & (weights.max(axis=1) >= min_similarity)
        out[start : start + CHUNK] = np.where(ok, best - 1, -1)
    return out
