"""Full clustering runs: claim, compute in memory, publish in one transaction.

1. Claim: a partial unique index allows one `running` run at a time. While it computes, the run
   writes a heartbeat every THEMES_RUN_HEARTBEAT_SECONDS (a thread, `_heartbeat`). A running run
   whose heartbeat is older than THEMES_RUN_STALE_SECONDS lost its worker (killed, machine gone)
   and is marked failed by the next claim, so "Re-run now" works again within minutes instead
   of waiting for the broker's visibility timeout; so is one older than the task time limit, and
   one whose own task is redelivered (same task id).
2. Compute: read the ideas, get their stored vectors (embedding the missing ones), let the
   engine find themes. Nothing visible changes yet.
3. Publish, in one transaction: match new clusters to old themes (stable identity), write the
   themes and memberships, record what happened to each theme, flip the run to `published`.
   Readers only ever see the latest published run, so a failed or killed run leaves the
   previous themes exactly as they were.
"""

import logging
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from accounts.models import User
from config.outbox.events import record
from ideas.clustering import (
    ClusteringParams,
    ThemeModel,
    build_themes,
    embed_texts,
    project_centroids_2d,
)
from ideas.events import ThemeRunPublished
from ideas.models import (
    ClusteringRun,
    Idea,
    RunState,
    Signal,
    SignalMembership,
    Theme,
    ThemeEvent,
    ThemeMembership,
    ThemeSettings,
)
from ideas.outside.clustering import OutsideCluster, outside_only_clusters, themes_of_ideas
from ideas.outside.embedding import signal_text, signal_vectors_for
from ideas.themes.embedding import idea_text, stable_embedder, vectors_for
from ideas.themes.identity import match_themes
from ideas.themes.selectors import (
    lost_runs,
    published_run,
    run_started_since,
    theme_members_of_run,
)

logger = logging.getLogger(__name__)


def run_claim(
    *,
    trigger: str,
    requested_by: User | None = None,
    task_id: str = "",
    unless_started_since: datetime | None = None,
) -> ClusteringRun | None:
    """Start a run, or return None when another one is under way, or when one was claimed at
    or after `unless_started_since` (a "Re-run now" it answers already: a second click, or its
    event delivered again, while or after that run computes). Checked in the claim's
    transaction: a run claimed meanwhile by another worker holds the one-running index, so
    this claim fails on it rather than start a second run."""
    now = timezone.now()
    with transaction.atomic():
        if unless_started_since is not None and run_started_since(since=unless_started_since):
            logger.info("A run was claimed since %s; not starting another", unless_started_since)
            return None
        lost = lost_runs(now=now) | ClusteringRun.objects.filter(
            state=RunState.RUNNING, task_id=task_id
        ).exclude(task_id="")
        lost.update(state=RunState.FAILED, finished_at=now, error="The worker was lost mid-run.")
        try:
            with transaction.atomic():
                return ClusteringRun.objects.create(
                    trigger=trigger, requested_by=requested_by, task_id=task_id, heartbeat_at=now
                )
        except IntegrityError:
            logger.info("A clustering run is already under way; not starting another")
            return None


def run_under_way() -> ClusteringRun | None:
    """The run a live worker is computing, if any (for "Re-run now" to say so)."""
    lost = lost_runs(now=timezone.now()).values("pk")
    return ClusteringRun.objects.filter(state=RunState.RUNNING).exclude(pk__in=lost).first()


@contextmanager
def _heartbeat(run: ClusteringRun) -> Iterator[None]:
    """Write the run's heartbeat from a thread until the block ends (the compute holds the GIL
    in numpy most of the time, which releases it)."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.THEMES_RUN_HEARTBEAT_SECONDS):
                try:
                    ClusteringRun.objects.filter(pk=run.pk, state=RunState.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # the database blinked: the next beat tries again
                    logger.warning("Could not write the heartbeat of run %s", run.pk, exc_info=True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name=f"themes-run-{run.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def run_recluster(
    *,
    trigger: str,
    requested_by: User | None = None,
    task_id: str = "",
    seed: int = 0,
    unless_started_since: datetime | None = None,
) -> ClusteringRun | None:
    """A full run over every idea. Returns the published run, or None if one was already running
    (or one claimed since `unless_started_since` answers the request already, see run_claim)."""
    run = run_claim(
        trigger=trigger,
        requested_by=requested_by,
        task_id=task_id,
        unless_started_since=unless_started_since,
    )
    if run is None:  # run_claim said why
        return None
    started = time.monotonic()
    try:
        with _heartbeat(run):
            # Hidden ideas (spam, abuse) never shape themes.
            ideas = list(Idea.objects.public().order_by("pk").only("pk", "title", "body"))
            # Outside feedback is clustered with the ideas (ideas.outside), when there are ideas.
            signals = (
                list(Signal.objects.order_by("pk").only("pk", "text", "source")) if ideas else []
            )
            texts = [idea_text(idea) for idea in ideas] + [signal_text(s) for s in signals]
            vectors = vectors_for(ideas)
            embedder = stable_embedder()
            if vectors is None or embedder is None:
                vectors, embedder = embed_texts(texts, backend="tfidf", seed=seed)
            elif (signal_vectors := signal_vectors_for(signals)) is not None:
                vectors = np.vstack([vectors, signal_vectors])
            # The product managers' granularity (ThemeSettings), read when the run starts.
            target = ThemeSettings.current().target_themes
            params = ClusteringParams(target_themes=target) if target is not None else None
            whole, _ = build_themes(
                texts, vectors=vectors, backend=embedder, seed=seed, params=params
            )
            model, signal_labels = themes_of_ideas(
                whole, texts=texts, vectors=vectors, n_ideas=len(ideas)
            )
            only = outside_only_clusters(whole, vectors=vectors, n_ideas=len(ideas))
            run_publish(
                run=run,
                ideas=ideas,
                vectors=vectors[: len(ideas)],
                model=model,
                duration=time.monotonic() - started,
                seed=seed,
                signals=OutsideSignals(signals, vectors[len(ideas) :], signal_labels, only),
                target_themes=target,
            )
    except BaseException:
        ClusteringRun.objects.filter(pk=run.pk, state=RunState.RUNNING).update(
            state=RunState.FAILED, finished_at=timezone.now(), error=traceback.format_exc()[-4000:]
        )
        raise
    run.refresh_from_db()
    return run


@dataclass(frozen=True)
class OutsideSignals:
    """The signals of a run, their vectors, their themes (cluster numbers, -1: none) and the
    clusters of signals without ideas."""

    signals: list[Signal] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.empty((0, 0), np.float32))
    labels: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    only: list[OutsideCluster] = field(default_factory=list)


OUTSIDE_EXAMPLES = 3  # signals kept to show an "Outside only" cluster, most central first


def _outside_only(outside: OutsideSignals) -> list[dict[str, object]]:
    """The run's "Outside only" list (ClusteringRun.outside_clusters): sizes, sources, the
    engine's names and key terms, and the examples as signal ids, not copies (they are read
    from the signals, so retention and deletions apply to them at once)."""
    found = []
    for cluster in outside.only:
        members = [outside.signals[int(i)] for i in cluster.members]
        found.append(
            {
                "size": cluster.size,
                "sources": dict(Counter(s.source for s in members)),
                "names": dict(cluster.names),
                "terms": {language: list(terms) for language, terms in cluster.terms.items()},
                "examples": [s.pk for s in members[:OUTSIDE_EXAMPLES]],
            }
        )
    return found


def _similarities(vectors: np.ndarray, labels: np.ndarray, model: ThemeModel) -> np.ndarray:
    sims = np.zeros(len(labels), dtype=np.float32)
    themed = labels >= 0
    if themed.any():
        sims[themed] = np.einsum("ij,ij->i", vectors[themed], model.centroids[labels[themed]])
    return sims


@transaction.atomic
def run_publish(
    *,
    run: ClusteringRun,
    ideas: list[Idea],
    vectors: np.ndarray,
    model: ThemeModel,
    duration: float,
    seed: int,
    signals: OutsideSignals | None = None,
    target_themes: int | None = None,
) -> None:
    outside = signals or OutsideSignals()
    previous = published_run(for_update=True)
    old = theme_members_of_run(previous) if previous else {}
    labels = model.labels
    new = {
        cluster: {ideas[i].pk for i in np.flatnonzero(labels == cluster)}
        for cluster in range(model.n_themes)
    }
    matching = match_themes(old, new)
    coords = (
        project_centroids_2d(model.centroids) if model.n_themes else np.zeros((0, 2), np.float32)
    )

    themes: dict[int, Theme] = {}
    existing = Theme.objects.in_bulk(list(matching.continued.values()))
    sources = _sources_per_theme(outside)
    for cluster, described in enumerate(model.themes):
        theme = existing.get(matching.continued.get(cluster, -1)) or Theme(first_run=run)
        theme.label = described.label[:200]
        theme.terms = list(described.top_terms)
        # Product managers' own name (theme.name) is never touched: it wins over these.
        theme.label_en = described.names.get("en", "")[:200]
        theme.label_fr = described.names.get("fr", "")[:200]
        theme.terms_en = list(described.terms.get("en", ()))
        theme.terms_fr = list(described.terms.get("fr", ()))
        index = described.representative_index
        theme.representative_idea = ideas[index] if index >= 0 else None
        theme.centroid = np.asarray(described.centroid, dtype="<f4").tobytes()
        theme.threshold = float(described.threshold)
        theme.size = int(described.size)
        theme.map_x, theme.map_y = (float(c) for c in coords[cluster])
        per_source = sources.get(cluster, Counter())
        theme.signal_count = sum(per_source.values())
        theme.signal_sources = dict(per_source.most_common())
        theme.is_active = True
        theme.last_run = run
        theme.save()
        themes[cluster] = theme
    Theme.objects.filter(is_active=True).exclude(pk__in=[t.pk for t in themes.values()]).update(
        is_active=False
    )

    sims = _similarities(vectors, labels, model)
    ThemeMembership.objects.bulk_create(
        [
            ThemeMembership(
                run=run, theme=themes[int(label)], idea=ideas[i], similarity=float(sims[i])
            )
            for i, label in enumerate(labels)
            if label >= 0
        ],
        batch_size=2000,
    )
    signal_sims = _similarities(outside.vectors, outside.labels, model)
    SignalMembership.objects.bulk_create(
        (
            SignalMembership(
                run=run, theme=themes[int(label)], signal=signal, similarity=float(sim)
            )
            for signal, label, sim in zip(outside.signals, outside.labels, signal_sims, strict=True)
            if label >= 0
        ),
        batch_size=2000,
    )
    ThemeEvent.objects.bulk_create(_events(run, matching, themes))

    now = timezone.now()
    if previous is not None:
        previous.state = RunState.SUPERSEDED
        previous.outside_clusters = []  # only the published run's list is read
        previous.save(update_fields=["state", "outside_clusters"])
        # Keep the memberships of the last two published runs only.
        ThemeMembership.objects.exclude(run__in=[run, previous]).delete()
        SignalMembership.objects.exclude(run__in=[run, previous]).delete()
    run.state = RunState.PUBLISHED
    run.finished_at = run.published_at = now
    run.backend = model.backend
    run.idea_count = len(ideas)
    run.theme_count = model.n_themes
    run.themed_count = int((labels >= 0).sum())
    run.duration_seconds = duration
    run.outside_clusters = _outside_only(outside)
    run.parameters = {
        "seed": seed,
        "backend": model.backend,
        "signals": len(outside.signals),
        "themed_signals": int((outside.labels >= 0).sum()),
        # None: automatic; else the number of themes product managers asked for.
        "target_themes": target_themes,
    }
    run.save()
    record(ThemeRunPublished(run_id=run.pk))
    logger.info(
        "Run %s published: %s ideas, %s themes, %.0f%% themed, %.1f s",
        run.pk,
        run.idea_count,
        run.theme_count,
        100 * run.themed_share,
        duration,
    )


def _sources_per_theme(outside: OutsideSignals) -> dict[int, Counter[str]]:
    sources: dict[int, Counter[str]] = {}
    for signal, label in zip(outside.signals, outside.labels, strict=True):
        if label >= 0:
            sources.setdefault(int(label), Counter())[signal.source] += 1
    return sources


def _events(run: ClusteringRun, matching, themes: dict[int, Theme]) -> list[ThemeEvent]:  # type: ignore[no-untyped-def]
    kind = ThemeEvent.Kind
    events = []
    for cluster, old in matching.continued.items():
        shared = matching.overlap.get((cluster, old))
        events.append(
            ThemeEvent(run=run, theme=themes[cluster], kind=kind.CONTINUED, overlap=shared)
        )
    for cluster in matching.created:
        origin = matching.split.get(cluster)
        if origin is None:
            events.append(ThemeEvent(run=run, theme=themes[cluster], kind=kind.CREATED))
        else:
            events.append(
                ThemeEvent(
                    run=run,
                    theme=themes[cluster],
                    kind=kind.SPLIT,
                    other_id=origin,
                    overlap=matching.overlap.get((cluster, origin)),
                )
            )
    for old, cluster in matching.merged.items():
        events.append(
            ThemeEvent(
                run=run,
                theme_id=old,
                kind=kind.MERGED,
                other=themes[cluster],
                overlap=matching.overlap.get((cluster, old)),
            )
        )
    for old in matching.retired:
        events.append(ThemeEvent(run=run, theme_id=old, kind=kind.RETIRED))
    return events
