"""Top-k cosine search over idea vectors that change one at a time (numpy only, no Django).

`ideas.clustering.SearchIndex` is built once from a matrix; the search process keeps 100,000
vectors for days while ideas are written, edited and deleted, so this index is addressed by
idea id and updated in place: a changed vector overwrites its row, a new one takes the next
free row (the arrays grow by a quarter when full), a removed one is replaced by the last row.
It keeps the same seeded random sketch as SearchIndex (a new row needs no refit): a query
scans the 256-float sketch for `candidates` rows, then ranks those exactly, so scores are exact.
"""

import numpy as np

from ideas.clustering.similarity import sketch_projection, top_k_similar

SKETCH_DIM = 256
CANDIDATES = 200


class VectorIndex:
    def __init__(self, dim: int, capacity: int = 1024, seed: int = 0) -> None:
        self.dim = dim
        self.size = 0
        self.ids = np.zeros(capacity, dtype=np.int64)
        self.matrix = np.zeros((capacity, dim), dtype=np.float32)
        self.rows: dict[int, int] = {}
        self.projection: np.ndarray | None = None
        self.sketch: np.ndarray | None = None
        if dim >= 2 * SKETCH_DIM:
            self.projection = sketch_projection(dim, SKETCH_DIM, seed)
            self.sketch = np.zeros((capacity, SKETCH_DIM), dtype=np.float32)

    def __len__(self) -> int:
        return self.size

    def id_sum(self) -> int:
        return int(self.ids[: self.size].sum())

    def _grow(self, needed: int) -> None:
        capacity = self.ids.shape[0]
        if needed <= capacity:
            return
        capacity = max(needed, capacity + capacity // 4 + 1024)
        self.ids = np.resize(self.ids, capacity)
        self.matrix = np.resize(self.matrix, (capacity, self.dim))
        if self.sketch is not None:
            self.sketch = np.resize(self.sketch, (capacity, SKETCH_DIM))

    def upsert(self, ids: list[int], vectors: np.ndarray) -> None:
        """Store these vectors (rows of `vectors`, L2-normalised) under these ids."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        self._grow(self.size + sum(1 for pk in ids if pk not in self.rows))
        positions = []
        for pk in ids:
            row = self.rows.get(pk)
            if row is None:
                row = self.rows[pk] = self.size
                self.ids[row] = pk
                self.size += 1
            positions.append(row)
        self.matrix[positions] = vectors
        if self.sketch is not None and self.projection is not None:
            self.sketch[positions] = vectors @ self.projection

    def remove(self, ids: list[int]) -> None:
        for pk in ids:
            row = self.rows.pop(pk, None)
            if row is None:
                continue
            last = self.size - 1
            if row != last:
                moved = int(self.ids[last])
                self.ids[row] = moved
                self.matrix[row] = self.matrix[last]
                if self.sketch is not None:
                    self.sketch[row] = self.sketch[last]
                self.rows[moved] = row
            self.size = last

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k stored ids most similar to `query`, best first, with their cosine."""
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        matrix = self.matrix[: self.size]
        if self.sketch is None or self.projection is None or self.size <= CANDIDATES:
            found = top_k_similar(q, matrix, k=k)
            return [
                (int(self.ids[i]), float(s))
                for i, s in zip(found.indices, found.scores, strict=True)
            ]
        rough = self.sketch[: self.size] @ (q @ self.projection)
        pool = np.argpartition(-rough, CANDIDATES - 1)[:CANDIDATES]
        found = top_k_similar(q, matrix[pool], k=k)
        rows = pool[found.indices]
        # Ties broken on the id, so equal scores come back in the same order every time.
        order = np.lexsort((self.ids[rows], -found.scores))
        return [(int(self.ids[rows[i]]), float(found.scores[i])) for i in order]
