"""Top-k cosine search over idea vectors that change one at a time (numpy only, no Django).

`ideas.clustering.SearchIndex` is built once from a matrix; the search process keeps 100,000
vectors for days while ideas are written, edited and deleted, so this index is addressed by
idea id and updated in place: a changed vector overwrites its row, a new one takes the next
free row (the arrays grow by a quarter when full), a removed one is replaced by the last row.
It keeps the same seeded random sketch as SearchIndex (a new row needs no refit): a query
scans the 256-float sketch for `candidates` rows, then ranks those exactly, so scores are exact.

Each row also holds its idea's language (a small code, 0 when unknown) and the index keeps
the sum of the vectors of each language, so that a search can be limited to one language, or
to all but one, and a query's language can be told from the centroids.

The sketch rows are kept apart by language (`_Sketches`), so that a search limited to some
languages reads only theirs: reading the sketch is most of a search's time at 100,000 ideas
(100,000 x 256 floats, 102 MB, bound by the memory's speed), and a similar-ideas query asks
for its own language's list and the other language's list, on the text and the title vectors.
Grouped, the four searches read each sketch once instead of twice. The full vectors, ids and
languages stay in one array each, in the order described above.

The sketch is held in int8, each row scaled by its largest value (`_quantise`): a quarter of
the bytes to read (the pass is bound by the memory's speed), converted to float32 a block of
rows at a time (`_rough`) for the BLAS product. The rounding moves a sketch score by about
0.05% of its length, a hundred times less than the sketch's own error (a 256-dimension random
projection), and only decides which 200 rows are ranked exactly: the scores returned are
still the exact cosines of the full vectors.
"""

import itertools
import logging

import numpy as np

from ideas.clustering.similarity import sketch_projection, top_k_similar

logger = logging.getLogger(__name__)

SKETCH_DIM = 256
CANDIDATES = 200
UNKNOWN_LANGUAGE = 0
# Versions are unique across indexes, so a version names one state of one index.
_VERSIONS = itertools.count(1)


# Rows of the int8 sketch converted to float32 at a time: 256 KB, held in the CPU's cache.
ROUGH_BLOCK = 256


def _quantise(sketch: np.ndarray) -> tuple[np.ndarray, float]:
    """An int8 sketch row and its scale: `codes * scale` is the row within half a step."""
    peak = float(np.abs(sketch).max())
    scale = peak / 127.0 if peak > 0 else 1.0
    return np.rint(sketch / scale).astype(np.int8), scale


class _Sketches:
    """The sketch rows of one language's vectors (int8 and a scale each), contiguous, and the
    index row of each."""

    def __init__(self, capacity: int) -> None:
        self.size = 0
        self.rows = np.zeros(capacity, dtype=np.int64)
        self.codes = np.zeros((capacity, SKETCH_DIM), dtype=np.int8)
        self.scales = np.zeros(capacity, dtype=np.float32)

    def add(self, row: int, sketch: np.ndarray) -> int:
        """Hold the sketch of this index row; its place here."""
        if self.size == self.rows.shape[0]:
            capacity = self.size + self.size // 4 + 1024
            self.rows = np.resize(self.rows, capacity)
            self.codes = np.resize(self.codes, (capacity, SKETCH_DIM))
            self.scales = np.resize(self.scales, capacity)
        slot = self.size
        self.rows[slot] = row
        self.put(slot, sketch)
        self.size += 1
        return slot

    def put(self, slot: int, sketch: np.ndarray) -> None:
        self.codes[slot], self.scales[slot] = _quantise(sketch)

    def drop(self, slot: int) -> int | None:
        """Forget the sketch at this place; the last one moves there: its index row, if any."""
        last = self.size - 1
        self.size = last
        if slot == last:
            return None
        self.rows[slot] = self.rows[last]
        self.codes[slot] = self.codes[last]
        self.scales[slot] = self.scales[last]
        return int(self.rows[slot])

    def rough(self, q_sketch: np.ndarray) -> np.ndarray:
        """The sketch scores of every row held against a query's (float32) sketch."""
        out = np.empty(self.size, dtype=np.float32)
        block = np.empty((ROUGH_BLOCK, SKETCH_DIM), dtype=np.float32)
        for start in range(0, self.size, ROUGH_BLOCK):
            stop = min(start + ROUGH_BLOCK, self.size)
            part = block[: stop - start]
            part[...] = self.codes[start:stop]
            np.dot(part, q_sketch, out=out[start:stop])
        out *= self.scales[: self.size]
        return out


class VectorIndex:
    def __init__(self, dim: int, capacity: int = 1024, seed: int = 0) -> None:
        self.dim = dim
        self.size = 0
        self.ids = np.zeros(capacity, dtype=np.int64)
        self.languages = np.zeros(capacity, dtype=np.int8)
        self.matrix = np.zeros((capacity, dim), dtype=np.float32)
        self.rows: dict[int, int] = {}
        # Per language code: (sum of its vectors in float64, count). Kept on every change.
        self.language_sums: dict[int, np.ndarray] = {}
        self.language_counts: dict[int, int] = {}
        self.projection: np.ndarray | None = None
        # Per language code, its rows' sketches; `slots[row]` is a row's place in its language's.
        self.sketches: dict[int, _Sketches] = {}
        self.slots = np.zeros(capacity, dtype=np.int64)
        # Moves on every change, so that what is derived from the rows can be kept until then.
        self.version = next(_VERSIONS)
        if dim >= 2 * SKETCH_DIM:
            self.projection = sketch_projection(dim, SKETCH_DIM, seed)

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
        self.languages = np.resize(self.languages, capacity)
        self.matrix = np.resize(self.matrix, (capacity, self.dim))
        self.slots = np.resize(self.slots, capacity)

    def _count(self, row: int, sign: int) -> None:
        code = int(self.languages[row])
        if code not in self.language_sums:
            self.language_sums[code] = np.zeros(self.dim, dtype=np.float64)
            self.language_counts[code] = 0
        self.language_sums[code] += sign * self.matrix[row]
        self.language_counts[code] += sign

    def upsert(
        self, ids: list[int], vectors: np.ndarray, languages: list[int] | None = None
    ) -> None:
        """Store these vectors (rows of `vectors`, L2-normalised) under these ids, with their
        languages' codes (unknown when not given). A vector holding NaN or an infinity (a stored
        vector damaged) is not indexed, and its idea's previous vector is forgotten: it would
        score NaN against every query and its int8 sketch would be any value at all."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        codes = languages if languages is not None else [UNKNOWN_LANGUAGE] * len(ids)
        mask = np.asarray(np.isfinite(vectors).all(axis=1), dtype=bool)
        if not mask.all():
            finite = [bool(ok) for ok in mask.tolist()]
            damaged = [pk for pk, ok in zip(ids, finite, strict=True) if not ok]
            logger.warning("Not indexed, vectors not finite: ideas %s", damaged[:20])
            self.remove(damaged)
            ids = [pk for pk, ok in zip(ids, finite, strict=True) if ok]
            codes = [code for code, ok in zip(codes, finite, strict=True) if ok]
            vectors = vectors[mask]
        self.version = next(_VERSIONS)
        self._grow(self.size + sum(1 for pk in ids if pk not in self.rows))
        for pk, vector, code in zip(ids, vectors, codes, strict=True):
            row = self.rows.get(pk)
            moves = True
            if row is None:
                row = self.rows[pk] = self.size
                self.ids[row] = pk
                self.size += 1
            else:
                self._count(row, -1)
                moves = int(self.languages[row]) != code
                if moves:
                    self._drop_sketch(row)
            self.matrix[row] = vector
            self.languages[row] = code
            self._count(row, +1)
            if self.projection is not None:
                sketch = vector @ self.projection
                sketches = self.sketches.get(int(code))
                if sketches is None:
                    # As large as the index: pages never written are never resident.
                    sketches = self.sketches[int(code)] = _Sketches(self.ids.shape[0])
                if moves:
                    self.slots[row] = sketches.add(row, sketch)
                else:
                    sketches.put(int(self.slots[row]), sketch)

    def _drop_sketch(self, row: int) -> None:
        if self.projection is None:
            return
        moved = self.sketches[int(self.languages[row])].drop(int(self.slots[row]))
        if moved is not None:
            self.slots[moved] = self.slots[row]

    def remove(self, ids: list[int]) -> None:
        self.version = next(_VERSIONS)
        for pk in ids:
            row = self.rows.pop(pk, None)
            if row is None:
                continue
            self._count(row, -1)
            self._drop_sketch(row)
            last = self.size - 1
            if row != last:
                moved = int(self.ids[last])
                self.ids[row] = moved
                self.matrix[row] = self.matrix[last]
                self.languages[row] = self.languages[last]
                if self.projection is not None:
                    self.slots[row] = self.slots[last]
                    self.sketches[int(self.languages[row])].rows[self.slots[row]] = row
                self.rows[moved] = row
            self.size = last

    def centroid(self, code: int) -> tuple[np.ndarray | None, int]:
        """The mean vector of the rows in this language and how many there are."""
        count = self.language_counts.get(code, 0)
        if count <= 0:
            return None, 0
        return (self.language_sums[code] / count).astype(np.float32), count

    def language_sample(self, code: int, size: int) -> np.ndarray:
        """The ids of up to `size` stored vectors of this language, evenly spaced over the rows
        (the same ids for every query until the index changes)."""
        rows = np.flatnonzero(self.languages[: self.size] == code)
        if rows.size > size:
            rows = rows[np.linspace(0, rows.size - 1, size).astype(np.int64)]
        return self.ids[rows]

    def vectors(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of these ids (all held), one row each."""
        return self.matrix[[self.rows[pk] for pk in ids]]

    def search(
        self,
        query: np.ndarray,
        k: int,
        *,
        language: int | None = None,
        other_languages: bool = False,
    ) -> list[tuple[int, float]]:
        """The k stored ids most similar to `query`, best first, with their cosine.

        With `language`, only the rows in that language and those of unknown language; with
        `other_languages` too, only the rows in another known language.
        """
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        mask: np.ndarray | None = None
        codes = list(self.sketches) if self.projection is not None else []
        if language is not None:
            languages = self.languages[: self.size]
            if other_languages:
                mask = (languages != language) & (languages != UNKNOWN_LANGUAGE)
                codes = [c for c in codes if c not in (language, UNKNOWN_LANGUAGE)]
            else:
                mask = (languages == language) | (languages == UNKNOWN_LANGUAGE)
                codes = [c for c in codes if c in (language, UNKNOWN_LANGUAGE)]
        parts = [self.sketches[c] for c in codes if self.sketches[c].size]
        if mask is None and (self.projection is None or self.size <= CANDIDATES):
            found = top_k_similar(q, self.matrix[: self.size], k=k)
            return [
                (int(self.ids[i]), float(s))
                for i, s in zip(found.indices, found.scores, strict=True)
            ]
        if self.projection is None or sum(p.size for p in parts) <= CANDIDATES:
            pool = np.flatnonzero(mask) if mask is not None else np.arange(self.size)
        else:
            # Only the sketches of the languages asked for are read.
            q_sketch = q @ self.projection
            rough = np.concatenate([p.rough(q_sketch) for p in parts])
            rows = np.concatenate([p.rows[: p.size] for p in parts])
            pool = rows[np.argpartition(-rough, CANDIDATES - 1)[:CANDIDATES]]
        if pool.size == 0:
            return []
        found = top_k_similar(q, self.matrix[pool], k=k)
        rows = pool[found.indices]
        # Ties broken on the id, so equal scores come back in the same order every time.
        order = np.lexsort((self.ids[rows], -found.scores))
        return [(int(self.ids[rows[i]]), float(found.scores[i])) for i in order]
