"""Idea vectors: the title is embedded and stored beside the text, and vectors stored before
titles were get theirs from the next call (the worker's or a themes run's), title alone."""

import numpy as np
import pytest

from ideas.models import IdeaVector
from ideas.themes import embedding
from tests.factories import IdeaFactory


@pytest.fixture
def embedder():  # type: ignore[no-untyped-def]
    found = embedding.stable_embedder()
    if found is None:
        pytest.skip("no sentence encoder: vectors are not stored")
    return found


def test_the_title_is_stored_beside_the_text_vector(db, embedder):
    body = "Payday notifications, explained at length. " * 10
    idea = IdeaFactory.create(title="Notify me when my salary lands", body=body)
    embedding.vectors_for([idea])
    stored = IdeaVector.objects.get(idea=idea)
    title = stored.title_array()
    assert title is not None
    assert np.allclose(title, embedder.embed([idea.title])[0], atol=1e-5)
    assert not np.allclose(title, stored.as_array(), atol=1e-3)  # the body is in the other one


def test_a_vector_stored_before_titles_gets_its_title_alone(db, embedder, monkeypatch):
    idea = IdeaFactory.create(title="Freeze my card from the app", body="When I lose it.")
    embedding.vectors_for([idea])
    IdeaVector.objects.filter(idea=idea).update(title_data=b"")  # as the migration leaves it
    before = IdeaVector.objects.get(idea=idea)
    embedded: list[str] = []
    real_embed = embedder.embed

    def counted(texts, *args, **kwargs):  # type: ignore[no-untyped-def]
        embedded.extend(texts)
        return real_embed(texts, *args, **kwargs)

    monkeypatch.setattr(embedder, "embed", counted)
    embedding.vectors_for([idea])
    after = IdeaVector.objects.get(idea=idea)
    assert embedded == [idea.title]
    assert after.data == before.data
    assert after.title_array() is not None
    assert after.updated_at > before.updated_at  # the search process reads it on its next look
    embedding.vectors_for([idea])
    assert embedded == [idea.title]  # nothing missing: nothing embedded
