"""A French title finds its English twin among the suggestions, and the other way round
(issue #14), measured on 78 hand-written pairs among the demo ideas with the real encoders
and the in-process search (SIMILAR_SEARCH_URL=inprocess in the test settings)."""

import pytest
from django.urls import reverse

from ideas.themes.embedding import stable_embedder, vectors_for
from tests.factories import CategoryFactory, UserFactory
from tests.themes.crosslang import create_demo_ideas, create_ideas, load_pairs, recall_at_5

# Issue #14 asks 0.95 both ways. With the title vectors (2026-12-03), the replica of this
# search on these pairs among the demo ideas gave 77/78 French to English and 76/78 English to
# French (0.99, 0.97; the text vectors alone 0.95, 0.92): docs/benchmarks.md. This test measured
# the same, 0.987 and 0.974, on 2026-12-03. The floor is the issue's target: one pair of margin.
FLOOR = 0.95


@pytest.mark.django_db
@pytest.mark.usefixtures("texts_embedded_once")
def test_french_and_english_twins_are_suggested_both_ways():
    if stable_embedder() is None:
        pytest.skip("no sentence encoder: suggestions fall back to title words")
    pairs = load_pairs()
    assert len(pairs) >= 78
    assert sum(p.demo is not None for p in pairs) >= 30  # some twins are demo ideas
    members = create_ideas(pairs)
    french, missed_fr = recall_at_5(pairs, members, source="fr", split=None)
    english, missed_en = recall_at_5(pairs, members, source="en", split=None)
    print(f"\nrecall@5 on {len(pairs)} pairs: FR->EN {french:.3f}, EN->FR {english:.3f}")
    assert min(french, english) >= FLOOR, (
        f"recall@5 FR->EN {french:.3f} (missed {missed_fr}), EN->FR {english:.3f} "
        f"(missed {missed_en})"
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("texts_embedded_once")
def test_the_issues_french_title_suggests_the_english_demo_idea(client):
    """Tried as in issue #14: a member types this French title on the submit form, and the
    English demo idea saying the same (28 votes in the demo) is among the five suggestions,
    although its body, a paragraph about payday notifications, dilutes its text vector."""
    if stable_embedder() is None:
        pytest.skip("no sentence encoder: suggestions fall back to title words")
    demo = create_demo_ideas(author=UserFactory.create(), category=CategoryFactory.create())
    vectors_for(list(demo.values()))  # what the worker does when the demo ideas are written
    twin = demo["instant-notifications-en-4"]
    assert twin.title == "Notify me when my salary lands"
    client.force_login(UserFactory.create())
    typed = "Recevoir une alerte quand mon salaire arrive"
    response = client.post(reverse("ideas:similar"), {"title": typed})
    assert response.status_code == 200
    suggested = [idea.title for idea, _ in response.context["matches"]]
    assert len(suggested) <= 5
    assert twin.title in suggested, suggested
