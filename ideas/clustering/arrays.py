"""Array helpers shared by the encoders (vectors, minilm) and the clustering: a module of its own
so that neither encoder module imports the other to get them."""

import numpy as np


def l2_normalise(matrix: np.ndarray) -> np.ndarray:
    """Row-normalise to unit length as float32; all-zero rows stay zero (no NaN)."""
    out = np.asarray(matrix, dtype=np.float32)
    if out.ndim == 1:
        out = out[None, :]
    norms = np.sqrt(np.einsum("ij,ij->i", out, out))[:, None]
    if out.flags.c_contiguous and np.all((np.abs(norms - 1.0) < 1e-5) | (norms == 0.0)):
        return out  # already normalised (stored vectors): no copy of a possibly huge matrix
    # Dividing zero rows by 1 keeps them zero, so cosine with them is 0 rather than NaN.
    norms[norms == 0.0] = 1.0
    return np.ascontiguousarray(out / norms, dtype=np.float32)
