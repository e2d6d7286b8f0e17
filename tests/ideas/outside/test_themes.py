"""Signals are clustered with the ideas: each theme counts its outside signals per source, the
trend counts them on their own dates, the theme's ideas stay ideas, and only product managers
see them."""

from datetime import timedelta

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone

from ideas.models import Signal, SignalMembership, Theme, ThemeMembership
from ideas.themes import runs, selectors
from ideas.themes.trending import WEIGHTS
from tests.ideas.outside.conftest import csv_bytes, post, run_import, store_vectors
from tests.themes.data import GROUPS

CARD_POSTS = [
    ("Lost my card again, why can't I freeze it in the app??", "X"),
    ("Impossible de bloquer ma carte depuis l'appli, c'est dingue", "X"),
    (
        "Ticket: customer wants to temporarily lock the debit card from the mobile app",
        "Service desk",
    ),
]
DARK_POSTS = [("Your banking app burns my eyes at night, dark mode please", "App Store")]


@pytest.fixture
def themed(make_ideas, product_manager):  # type: ignore[no-untyped-def]
    groups = make_ideas(GROUPS)
    today = timezone.localdate().isoformat()
    rows = [
        post(text, today, source, url=f"https://x.test/{n}")
        for n, (text, source) in enumerate(CARD_POSTS + DARK_POSTS)
    ]
    assert run_import(product_manager, csv_bytes(rows)).imported == 4
    signals = {s.text: s for s in Signal.objects.all()}
    with_signals = {
        name: ideas
        + [signals[text] for text, _ in {"card": CARD_POSTS, "dark": DARK_POSTS}.get(name, [])]
        for name, ideas in groups.items()
    }
    store_vectors(with_signals)
    run = runs.run_recluster(trigger="manual")
    card = ThemeMembership.objects.get(run=run, idea=groups["card"][0]).theme
    return run, card


def test_signals_join_the_theme_of_their_subject_and_are_counted_per_source(themed):
    run, card = themed
    assert card.signal_count == 3
    assert card.signal_sources == {"X": 2, "Service desk": 1}
    in_card = set(
        SignalMembership.objects.filter(run=run, theme=card).values_list("signal__text", flat=True)
    )
    assert in_card == {text for text, _source in CARD_POSTS}
    dark = SignalMembership.objects.get(run=run, signal__source="App Store").theme
    assert (dark.signal_count, dark.signal_sources) == (1, {"App Store": 1})
    assert run.parameters["signals"] == 4


def test_a_themes_ideas_stay_ideas(themed):
    run, card = themed
    assert run.idea_count == 24
    assert ThemeMembership.objects.filter(run=run).count() <= 24
    assert card.size == ThemeMembership.objects.filter(run=run, theme=card).count()
    assert card.representative_idea is not None
    # Names come from the ideas' titles, never from an outside post.
    for text, _source in CARD_POSTS:
        assert card.label_en not in text
        assert card.label_fr not in text


def test_the_trend_counts_signals_on_the_day_they_were_posted(themed):
    run, card = themed
    _run, summaries = selectors.theme_summaries(days=7)
    summary = next(s for s in summaries if s.theme.pk == card.pk)
    without = selectors._daily_activity(run, days=7, theme_ids=[card.pk])[card.pk]
    assert summary.daily[-1] == without[-1]
    # Move the card signals back 3 days: today's activity drops, 3 days ago rises by as much.
    Signal.objects.filter(memberships__theme=card).update(
        posted_at=timezone.now() - timedelta(days=3)
    )
    moved = selectors._daily_activity(run, days=7, theme_ids=[card.pk])[card.pk]
    assert without[-1] - moved[-1] == WEIGHTS["signals"] * card.signal_count
    assert moved[-4] - without[-4] == WEIGHTS["signals"] * card.signal_count


def test_product_managers_see_the_counts_and_the_masked_signals(themed, client, product_manager):
    _run, card = themed
    client.force_login(product_manager)
    dashboard = client.get(reverse("themes:dashboard")).content.decode()
    assert f"{card.signal_count} outside signals" in dashboard
    page = client.get(reverse("themes:detail", args=[card.pk])).content.decode()
    assert "Outside signals in this theme" in page
    assert Signal.objects.filter(memberships__theme=card).first().text[:30] in page


def test_a_run_without_signals_is_as_before(make_ideas):
    groups = make_ideas(GROUPS)
    store_vectors(groups)
    run = runs.run_recluster(trigger="manual")
    assert run.parameters["signals"] == 0
    assert not Theme.objects.filter(signal_count__gt=0).exists()


def test_signals_of_a_cluster_without_ideas_stay_unthemed():
    """The engine's clusters are renumbered to those holding ideas (no Django here)."""
    from ideas.clustering import ThemeModel
    from ideas.clustering.labels import Theme as Described
    from ideas.outside.clustering import themes_of_ideas

    vectors = np.eye(4, dtype=np.float32)[[0, 0, 2, 2, 1, 3]]
    texts = ["Dark mode", "Mode sombre", "Card freeze", "Bloquer la carte", "post a", "post b"]
    described = [
        Described(
            id=n,
            size=0,
            top_terms=(),
            label="",
            representative_index=-1,
            centroid=np.eye(4, dtype=np.float32)[n],
            threshold=0.5,
        )
        for n in range(4)
    ]
    model = ThemeModel(labels=np.array([0, 0, 2, 2, 1, 2]), themes=described, backend="test")
    ideas_model, signal_labels = themes_of_ideas(model, texts=texts, vectors=vectors, n_ideas=4)
    assert list(ideas_model.labels) == [0, 0, 1, 1]
    assert [t.size for t in ideas_model.themes] == [2, 2]
    assert list(signal_labels) == [-1, 1]  # cluster 1 had only a signal: no theme
    assert all(t.representative_index < 4 for t in ideas_model.themes)
