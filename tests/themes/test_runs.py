import logging
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from ideas.models import ClusteringRun, RunState, Theme, ThemeEvent, ThemeMembership, ThemeStatus
from ideas.themes import runs
from ideas.themes.selectors import published_run, theme_members_of_run
from ideas.themes.services import idea_embed_and_assign, theme_update
from tests.factories import IdeaFactory
from tests.themes.data import GROUPS


def theme_of(run: ClusteringRun) -> dict[int, int]:
    return dict(ThemeMembership.objects.filter(run=run).values_list("idea", "theme"))


def majority_theme(ideas, themes: dict[int, int]) -> tuple[int | None, float]:  # type: ignore[no-untyped-def]
    counts = Counter(themes.get(i.pk) for i in ideas)
    theme, n = counts.most_common(1)[0]
    return theme, n / len(ideas)


@pytest.fixture
def three_themes(make_ideas):  # type: ignore[no-untyped-def]
    groups = make_ideas(GROUPS)
    run = runs.run_recluster(trigger="manual")
    return groups, run


def test_a_run_groups_similar_ideas_in_both_languages(three_themes):
    groups, run = three_themes
    assert run.state == RunState.PUBLISHED
    assert run.idea_count == 24
    themes = theme_of(run)
    found = []
    for name, ideas in groups.items():
        theme, share = majority_theme(ideas, themes)
        assert theme is not None, name
        assert share >= 0.75, (name, share)
        found.append(theme)
    assert len(set(found)) == 3
    assert Theme.objects.filter(is_active=True).count() >= 3
    assert ThemeEvent.objects.filter(run=run, kind=ThemeEvent.Kind.CREATED).count() >= 3


def test_themes_keep_their_id_name_note_and_status_across_runs(three_themes, product_manager):
    groups, first = three_themes
    card_theme_id, _ = majority_theme(groups["card"], theme_of(first))
    theme = Theme.objects.get(pk=card_theme_id)
    theme_update(
        theme=theme,
        editor=product_manager,
        name="Card freeze",
        note="Q3",
        status=ThemeStatus.ON_ROADMAP,
    )
    second = runs.run_recluster(trigger="manual")
    assert second.pk != first.pk
    again, _ = majority_theme(groups["card"], theme_of(second))
    assert again == card_theme_id
    theme.refresh_from_db()
    assert (theme.name, theme.note, theme.status) == ("Card freeze", "Q3", ThemeStatus.ON_ROADMAP)
    assert ThemeEvent.objects.filter(run=second, theme=theme, kind="continued").exists()
    first.refresh_from_db()
    assert first.state == RunState.SUPERSEDED
    assert published_run() == second


def test_a_failed_run_leaves_the_published_themes_untouched(three_themes, monkeypatch):
    _, first = three_themes
    before = theme_members_of_run(first)

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise MemoryError("simulated crash in the engine")

    monkeypatch.setattr(runs, "build_themes", crash)
    with pytest.raises(MemoryError):
        runs.run_recluster(trigger="manual")
    failed = ClusteringRun.objects.latest("started_at")
    assert failed.state == RunState.FAILED
    assert "simulated crash" in failed.error
    assert published_run() == first
    assert theme_members_of_run(first) == before


def test_only_one_run_at_a_time_and_the_log_says_why_once(db, caplog):
    ClusteringRun.objects.create(trigger="manual", task_id="a")
    with caplog.at_level(logging.INFO, logger="ideas.themes.runs"):
        assert runs.run_recluster(trigger="manual", task_id="b") is None
    assert [r.getMessage() for r in caplog.records] == [
        "A clustering run is already under way; not starting another"
    ]


def test_a_redelivered_task_takes_over_its_lost_run(db):
    lost = ClusteringRun.objects.create(trigger="manual", task_id="same-task")
    run = runs.run_claim(trigger="manual", task_id="same-task")
    assert run is not None
    lost.refresh_from_db()
    assert lost.state == RunState.FAILED


def test_a_new_idea_joins_the_nearest_theme_when_close_enough(three_themes):
    groups, run = three_themes
    card_theme_id, _ = majority_theme(groups["card"], theme_of(run))
    close = IdeaFactory(title="Block my card in the app right away", body="Lost card: freeze it")
    membership = idea_embed_and_assign(idea=close)
    assert membership is not None
    assert membership.theme_id == card_theme_id
    assert membership.incremental
    assert idea_embed_and_assign(idea=close) == membership  # idempotent


def test_an_unrelated_idea_stays_unthemed_until_the_next_run(three_themes):
    far = IdeaFactory(
        title="Sponsor the local football club", body="The under-12 team needs shirts"
    )
    assert idea_embed_and_assign(idea=far) is None
    assert not ThemeMembership.objects.filter(idea=far).exists()


def test_a_run_with_no_ideas_publishes_no_themes(db):
    run = runs.run_recluster(trigger="manual")
    assert run.state == RunState.PUBLISHED
    assert run.theme_count == 0


def test_a_run_stopped_while_embedding_keeps_the_vectors_it_stored(make_ideas, monkeypatch):
    """A change of encoders re-embeds every idea, which can outlast the task's time limit: the
    next run must go on from what the stopped one stored, not start again."""
    from celery.exceptions import SoftTimeLimitExceeded

    from ideas.models import IdeaVector
    from ideas.themes import embedding

    make_ideas(GROUPS)  # 24 ideas
    monkeypatch.setattr(embedding, "EMBED_CHUNK", 10)
    embedder = embedding.stable_embedder()
    real_embed = embedder.embed
    calls = []

    def stopped_on_the_third_chunk(texts, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        if len(calls) == 5:  # each chunk embeds its texts, then its titles
            raise SoftTimeLimitExceeded()  # what Celery raises when the soft limit passes
        return real_embed(texts, *args, **kwargs)

    monkeypatch.setattr(embedder, "embed", stopped_on_the_third_chunk)
    with pytest.raises(SoftTimeLimitExceeded):
        runs.run_recluster(trigger="nightly")
    assert IdeaVector.objects.filter(backend=embedder.name).count() == 20
    assert ClusteringRun.objects.get().state == RunState.FAILED

    embedded_again = []

    def counted(texts, *args, **kwargs):  # type: ignore[no-untyped-def]
        embedded_again.extend(texts)
        return real_embed(texts, *args, **kwargs)

    monkeypatch.setattr(embedder, "embed", counted)
    run = runs.run_recluster(trigger="nightly")
    assert run.state == RunState.PUBLISHED
    assert IdeaVector.objects.filter(backend=embedder.name).count() == 24
    # Only what the stopped run had not stored: 4 texts, then their 4 titles.
    assert len(embedded_again) == 8


def test_a_run_whose_heartbeat_went_silent_gives_way_to_a_new_one(db, settings):
    silent = timezone.now() - timedelta(seconds=settings.THEMES_RUN_STALE_SECONDS + 1)
    lost = ClusteringRun.objects.create(trigger="manual", task_id="a", heartbeat_at=silent)
    assert runs.run_under_way() is None
    assert runs.run_claim(trigger="manual", task_id="b") is not None
    lost.refresh_from_db()
    assert lost.state == RunState.FAILED


def test_a_run_with_a_fresh_heartbeat_is_under_way(db):
    alive = ClusteringRun.objects.create(trigger="manual", heartbeat_at=timezone.now())
    assert runs.run_under_way() == alive
    assert runs.run_claim(trigger="manual") is None
