"""The search process's index: vectors added, replaced and removed one by one are found exactly
as a full scan of the same vectors finds them."""

import numpy as np

from ideas.themes.vector_index import CANDIDATES, VectorIndex


def unit_rows(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    rows = rng.normal(size=(n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def full_scan(held: dict[int, np.ndarray], query: np.ndarray, k: int) -> list[int]:
    ids = sorted(held)
    scores = np.stack([held[i] for i in ids]) @ query
    return [ids[i] for i in np.lexsort((ids, -scores))[:k]]


def test_updates_in_place_give_the_same_top_k_as_a_full_scan():
    rng = np.random.default_rng(3)
    dim = 600  # over twice the sketch: the sketch is used
    index = VectorIndex(dim, capacity=16)  # grows several times
    held: dict[int, np.ndarray] = {}
    ids = list(range(1, 2 * CANDIDATES + 301))
    vectors = unit_rows(rng, len(ids), dim)
    # Five close variants of a few ideas, so the true top 5 stand clear of the random rest
    # (among unrelated vectors the sketch is allowed to miss near-zero cosines).
    row = {pk: n for n, pk in enumerate(ids)}
    for first in (100, 200, 300):
        for offset in range(1, 5):
            near = vectors[row[first]] + 0.5 * unit_rows(rng, 1, dim)[0]
            vectors[row[first + offset]] = near / np.linalg.norm(near)
    index.upsert(ids, vectors)
    held.update(zip(ids, vectors, strict=True))
    # Edits, deletions and additions, as the refresh applies them.
    edited = ids[:50]
    new_vectors = unit_rows(rng, 50, dim)
    index.upsert(edited, new_vectors)
    held.update(zip(edited, new_vectors, strict=True))
    index.remove([7, 8, 9, 10_000])  # an id never held is ignored
    for pk in (7, 8, 9):
        del held[pk]
    index.upsert([5_001, 5_002], unit_rows(rng, 2, dim))
    held[5_001], held[5_002] = index.matrix[index.rows[5_001]], index.matrix[index.rows[5_002]]

    assert len(index) == len(held)
    assert index.id_sum() == sum(held)
    assert index.projection is not None
    index.upsert([300], [held[100]])  # an edit that joins another group
    held[300] = held[100]
    for pk in (100, 200, 302):
        query = held[pk] + 0.3 * unit_rows(rng, 1, dim)[0]
        query /= np.linalg.norm(query)
        found = index.search(query, k=5)
        assert found[0][0] == pk or held[found[0][0]] is held[pk]
        assert [i for i, _ in found] == full_scan(held, query, 5)
        assert abs(found[0][1] - float(held[pk] @ query)) < 1e-5


def test_a_small_index_scans_every_vector():
    rng = np.random.default_rng(4)
    index = VectorIndex(8)
    rows = unit_rows(rng, 3, 8)
    index.upsert([10, 20, 30], rows)
    index.remove([20])
    assert [pk for pk, _ in index.search(rows[1], k=5)] == full_scan(
        {10: rows[0], 30: rows[2]}, rows[1], 5
    )


def test_a_search_limited_to_a_language_finds_what_a_scan_of_that_language_finds():
    rng = np.random.default_rng(5)
    dim = 600  # the sketch is used
    index = VectorIndex(dim, capacity=16)
    ids = list(range(1, 2 * CANDIDATES + 201))
    vectors = unit_rows(rng, len(ids), dim)
    codes = [1 + pk % 2 for pk in ids]  # odd ids language 2, even ids language 1
    codes[:10] = [0] * 10  # unknown language: kept with the query's own language
    index.upsert(ids, vectors, codes)
    index.upsert([2], unit_rows(rng, 1, dim), [2])  # an edit that changes the language
    codes[1] = 2
    index.remove([3, 4])
    held = {pk: index.matrix[index.rows[pk]] for pk in index.rows}
    language = {pk: codes[pk - 1] for pk in index.rows}
    for code in (1, 2):
        members = [pk for pk in held if language[pk] == code]
        centroid, count = index.centroid(code)
        assert count == len(members)
        assert centroid is not None
        assert np.allclose(centroid, np.mean([held[pk] for pk in members], axis=0), atol=1e-5)
    for pk in (50, 51, 120, 121):  # even ids in language 1, odd ones in language 2
        query = held[pk] + 0.3 * unit_rows(rng, 1, dim)[0]
        query /= np.linalg.norm(query)
        own = index.search(query, k=5, language=1)
        other = index.search(query, k=5, language=1, other_languages=True)
        assert all(language[i] in (0, 1) for i, _ in own)
        assert all(language[i] == 2 for i, _ in other)
        # The idea the query is near comes first in its own language's list, with its cosine.
        first = own[0] if language[pk] == 1 else other[0]
        assert first[0] == pk
        assert abs(first[1] - float(held[pk] @ query)) < 1e-5


def test_a_language_sample_holds_only_that_languages_rows_and_at_most_the_size_asked():
    rng = np.random.default_rng(5)
    index = VectorIndex(8)
    vectors = unit_rows(rng, 30, 8)
    index.upsert(list(range(1, 31)), vectors, [1 if pk % 3 else 2 for pk in range(1, 31)])
    english = index.language_sample(2, 100)
    assert sorted(english.tolist()) == [pk for pk in range(1, 31) if pk % 3 == 0]
    assert index.language_sample(1, 5).shape == (5,)


def test_language_changes_and_removals_keep_each_languages_sketch_in_step():
    """The sketch rows are kept apart by language: after edits that move ideas between
    languages and removals that move rows, each language's sketch holds exactly its rows, and
    limited searches still find what a scan of those languages finds."""
    rng = np.random.default_rng(6)
    dim = 600  # the sketch is used
    index = VectorIndex(dim, capacity=16)
    ids = list(range(1, 3 * CANDIDATES + 1))
    index.upsert(ids, unit_rows(rng, len(ids), dim), [pk % 3 for pk in ids])
    moved = ids[::7]
    index.upsert(moved, unit_rows(rng, len(moved), dim), [(pk + 1) % 3 for pk in moved])
    index.upsert(ids[1::7], unit_rows(rng, len(ids[1::7]), dim), [pk % 3 for pk in ids[1::7]])
    index.remove(ids[::5] + ids[-3:])
    assert index.projection is not None
    for code, sketches in index.sketches.items():
        rows = sketches.rows[: sketches.size]
        expected = np.flatnonzero(index.languages[: index.size] == code)
        assert sorted(rows.tolist()) == expected.tolist()
        assert np.array_equal(index.slots[rows], np.arange(sketches.size))
        exact = index.matrix[rows] @ index.projection
        held_sketch = sketches.codes[: sketches.size] * sketches.scales[: sketches.size, None]
        half_step = sketches.scales[: sketches.size, None] / 2
        assert np.all(np.abs(held_sketch - exact) <= half_step * 1.001 + 1e-7)
    held = {pk: index.matrix[index.rows[pk]] for pk in index.rows}
    language = {pk: int(index.languages[index.rows[pk]]) for pk in index.rows}
    for pk in list(held)[::40]:
        query = held[pk] + 0.3 * unit_rows(rng, 1, dim)[0]
        query /= np.linalg.norm(query)
        for code in (1, 2):
            for other in (False, True):
                wanted = {i for i, c in language.items() if (c in (0, code)) != other}
                found = index.search(query, k=5, language=code, other_languages=other)
                scan = full_scan({i: held[i] for i in wanted}, query, 5)
                assert [i for i, _ in found][:1] == scan[:1]
                assert {i for i, _ in found} <= wanted


def test_the_int8_sketch_scores_rows_as_the_float_sketch_does_within_its_rounding():
    """The rough pass reads int8 sketch rows, each with its own scale: its scores are the
    float32 sketch's within half a step per value (a scale dropped or misapplied fails)."""
    rng = np.random.default_rng(8)
    dim = 600
    index = VectorIndex(dim, capacity=16)
    ids = list(range(1, 3_001))  # several blocks of rows, the last one partial
    vectors = unit_rows(rng, len(ids), dim) * rng.uniform(0.2, 1.0, size=(len(ids), 1))
    index.upsert(ids, vectors, [1] * len(ids))
    assert index.projection is not None
    sketches = index.sketches[1]
    assert sketches.codes.dtype == np.int8
    query = unit_rows(rng, 1, dim)[0]
    q_sketch = query @ index.projection
    exact = (index.matrix[sketches.rows[: sketches.size]] @ index.projection) @ q_sketch
    bound = sketches.scales[: sketches.size] / 2 * np.abs(q_sketch).sum()
    rough = sketches.rough(q_sketch)
    assert rough.shape == exact.shape
    assert np.all(np.abs(rough - exact) <= bound * 1.001 + 1e-6)
    # And far closer than that bound in practice: the rounding errors average out.
    assert np.corrcoef(rough, exact)[0, 1] > 0.9999


def test_the_quantised_search_returns_the_exact_top_k_of_a_full_scan_at_scale():
    """20,000 vectors in two languages with groups of near neighbours among random ones: every
    query's top 10 (ids, order and cosines) is what a full float32 scan finds."""
    rng = np.random.default_rng(9)
    dim = 640
    n = 20_000
    vectors = unit_rows(rng, n, dim)
    centres = unit_rows(rng, 40, dim)
    for g, centre in enumerate(centres):  # 40 groups of 30 neighbours at graded distances
        members = np.arange(g * 30, g * 30 + 30)
        noise = unit_rows(rng, 30, dim) * np.linspace(0.4, 1.6, 30)[:, None]
        near = centre + noise
        vectors[members] = near / np.linalg.norm(near, axis=1, keepdims=True)
    ids = list(range(1, n + 1))
    codes = [1 + (pk % 2) for pk in ids]
    index = VectorIndex(dim, capacity=1024)
    index.upsert(ids, vectors, codes)
    language = np.asarray(codes)
    for g in range(0, 40, 3):
        query = centres[g] + 0.3 * unit_rows(rng, 1, dim)[0]
        query /= np.linalg.norm(query)
        scores = vectors @ query
        for code in (1, 2):
            wanted = np.flatnonzero(language == code)
            order = wanted[np.lexsort((wanted, -scores[wanted]))][:10]
            found = index.search(query, k=10, language=code)
            assert [pk for pk, _ in found] == [int(i) + 1 for i in order]
            assert np.allclose([s for _, s in found], scores[order], atol=1e-5)


def test_a_vector_that_is_not_finite_is_not_indexed_and_its_old_one_is_forgotten(caplog):
    rng = np.random.default_rng(9)
    dim = 600  # the sketch is used
    index = VectorIndex(dim)
    ids = list(range(1, CANDIDATES + 2))
    vectors = unit_rows(rng, len(ids), dim)
    index.upsert(ids, vectors, [1] * len(ids))
    damaged = vectors[:3].copy()
    damaged[0, 5], damaged[2, 0] = np.nan, np.inf
    index.upsert(ids[:3], damaged, [1, 1, 1])  # ideas 1 and 3 damaged, 2 fine
    assert "ideas [1, 3]" in caplog.text
    assert sorted(index.rows) == ids[1:2] + ids[3:]
    assert np.isfinite(index.matrix[: index.size]).all()
    found = index.search(vectors[1], k=3, language=1)
    assert found[0][0] == 2
    assert all(np.isfinite(score) for _, score in found)
    assert index.sketches[1].size == len(ids) - 2
