"""What the search process keeps between queries: the query vector of a text already typed, and
each language's sample vectors. Kept values never stand in for another text's, nor outlive a
change of the stored vectors. The real encoders, no database."""

import numpy as np
import pytest

from ideas.themes import similar_search
from ideas.themes.embedding import embed_query, stable_embedder
from ideas.themes.similar_search import LANGUAGE_CODES, SimilarSearch
from ideas.themes.vector_index import VectorIndex

TEXTS = [
    "Alerte quand mon salaire arrive sur le compte",
    "Notify me when my salary lands",
    "Freeze my card from the app",
    "Bloquer ma carte depuis l'application",
]


@pytest.fixture
def embedder():
    found = stable_embedder()
    if found is None:
        pytest.skip("no sentence encoder")
    return found


def unit_rows(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    rows = rng.normal(size=(n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def searcher(embedder, *, per_language: int = 40, seed: int = 0) -> SimilarSearch:
    """A search over the four texts (ids 1-4) and random vectors in both languages."""
    rng = np.random.default_rng(seed)
    search = SimilarSearch()
    search.embedder = embedder
    search.index = VectorIndex(embedder.dim)
    search.titles = VectorIndex(embedder.dim)
    vectors = np.vstack([embedder.embed(TEXTS), unit_rows(rng, 2 * per_language, embedder.dim)])
    ids = list(range(1, len(vectors) + 1))
    codes = [1, 2, 2, 1] + [LANGUAGE_CODES["fr"]] * per_language + [2] * per_language
    search.index.upsert(ids, vectors, codes)
    search.titles.upsert(ids, vectors, codes)
    return search


def test_a_text_typed_again_is_not_embedded_again_and_never_gets_another_texts_vector(
    embedder, monkeypatch
):
    embedded: list[str] = []
    real_embed = embedder.embed

    def counting(texts):
        embedded.extend(texts)
        return real_embed(texts)

    search = searcher(embedder)
    monkeypatch.setattr(embedder, "embed", counting)
    first = {text: search.search(text, k=3) for text in TEXTS}
    assert embedded == TEXTS
    # The same texts again, one with a space typed after it (stripped): no encoder runs, and
    # each gets its own suggestions, not those of the text asked just before.
    for text in reversed(TEXTS):
        assert search.search(f"{text} ", k=3) == first[text]
    assert embedded == TEXTS
    assert [pk for pk, _ in first[TEXTS[1]]][:1] == [2]
    for text in TEXTS:
        kept = search._embed(text)
        assert kept is not None
        assert np.array_equal(kept, embed_query(text))
        assert not kept.flags.writeable  # a search cannot alter what the next one reuses


def test_the_oldest_text_is_forgotten_past_the_cache_size(embedder, monkeypatch):
    monkeypatch.setattr(similar_search, "QUERY_CACHE_SIZE", 2)
    search = searcher(embedder)
    for text in TEXTS[:3]:
        search.search(text, k=3)
    assert list(search._queries) == TEXTS[1:3]
    search.search(TEXTS[1], k=3)  # asked again: now the most recent
    search.search(TEXTS[3], k=3)
    assert list(search._queries) == [TEXTS[1], TEXTS[3]]


def test_kept_samples_are_gathered_again_when_the_stored_vectors_change(embedder):
    """A query's scores are standardised over a sample of each language's ideas, gathered once
    and kept: after vectors are added and changed, the rank scores are those of a search that
    never kept anything."""
    search = searcher(embedder)
    query = embed_query(TEXTS[0])
    assert query is not None
    assert search.index is not None
    assert search.titles is not None
    before = search._search(search.index, query, TEXTS[0], k=5, exclude=None)
    assert before == searcher(embedder)._search(search.index, query, TEXTS[0], k=5, exclude=None)
    rng = np.random.default_rng(1)
    # Ideas close to the query in both languages: the sample's mean and spread move.
    close = query + 0.8 * unit_rows(rng, 30, embedder.dim)
    close /= np.linalg.norm(close, axis=1, keepdims=True)
    ids = list(range(1_000, 1_030))
    codes = [1 + pk % 2 for pk in ids]
    for view in (search.index, search.titles):
        view.upsert(ids, close, codes)
        view.upsert([5], unit_rows(rng, 1, embedder.dim), [2])
    after = search._search(search.index, query, TEXTS[0], k=5, exclude=None)
    fresh = SimilarSearch()
    fresh.embedder, fresh.index, fresh.titles = embedder, search.index, search.titles
    assert after == fresh._search(search.index, query, TEXTS[0], k=5, exclude=None)
    assert [rank for *_, rank in after] != [rank for *_, rank in before]


def _stored(idea, vector, title):  # type: ignore[no-untyped-def]
    from ideas.models import IdeaVector

    return IdeaVector.objects.create(
        idea=idea,
        backend="t",
        data=np.asarray(vector, dtype="<f4").tobytes(),
        title_data=np.asarray(title, dtype="<f4").tobytes(),
        text_hash="h",
    )


@pytest.mark.django_db
def test_an_idea_whose_stored_vector_is_damaged_is_in_neither_view_and_not_read_again():
    """Both views hold the same ids (a search reads an id found in one from the other), and the
    refresh's count of the table agrees with the views, so it does not read every id again."""
    import types

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ideas.models import IdeaVector
    from tests.factories import IdeaFactory

    body_damaged, title_damaged, fine = IdeaFactory.create_batch(3)
    good = [1.0, 0.0, 0.0, 0.0]
    _stored(body_damaged, [np.nan, 0, 0, 1], good)
    _stored(title_damaged, good, [0, np.inf, 0, 1])
    _stored(fine, good, good)
    search = SimilarSearch()
    search.embedder = types.SimpleNamespace(name="t", dim=4)  # type: ignore[assignment]
    search.refresh()
    assert search.index is not None
    assert search.titles is not None
    assert sorted(search.index.rows) == sorted(search.titles.rows) == [fine.pk]
    assert search.skipped == {body_damaged.pk, title_damaged.pk}
    with CaptureQueriesContext(connection) as queries:
        search.refresh()
    every_id = [
        q["sql"] for q in queries if "updated_at" not in q["sql"] and "COUNT" not in q["sql"]
    ]
    assert every_id == []  # nothing re-read: 3 rows, 1 held + 2 left out

    IdeaVector.objects.filter(idea=body_damaged).update(
        data=np.asarray(good, dtype="<f4").tobytes()
    )
    search.checked_until = None  # as if the next look-back window held the rewrite
    search.stamps.pop(body_damaged.pk)
    search.refresh()
    assert sorted(search.index.rows) == sorted(search.titles.rows) == [body_damaged.pk, fine.pk]
    assert search.skipped == {title_damaged.pk}
    IdeaVector.objects.filter(idea=title_damaged).delete()
    search.refresh()
    assert search.skipped == set()
