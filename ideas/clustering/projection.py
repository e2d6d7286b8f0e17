"""2-D coordinates of theme centroids for a map view."""

from __future__ import annotations

import numpy as np


def project_centroids_2d(centroids: np.ndarray) -> np.ndarray:
    """PCA of the centroids to (n_themes, 2) float32, scaled into [-1, 1].

    PCA rather than t-SNE/UMAP: a handful to a few hundred points, must be deterministic and
    instant, and distances between themes should stay roughly comparable across refreshes.
    Signs are fixed (largest-magnitude loading positive) so the map does not flip between runs.
    """
    cents = np.asarray(centroids, dtype=np.float64)
    n = cents.shape[0]
    out = np.zeros((n, 2), dtype=np.float32)
    if n < 2:
        return out
    centred = cents - cents.mean(axis=0)
    u, s, vt = np.linalg.svd(centred, full_matrices=False)
    comps = min(2, vt.shape[0])
    for j in range(comps):
        if vt[j, np.argmax(np.abs(vt[j]))] < 0:
            u[:, j] = -u[:, j]
    coords = u[:, :comps] * s[:comps]
    scale = np.abs(coords).max()
    out[:, :comps] = coords / scale if scale > 0 else coords
    return out
