"""Reads for themes: always from the latest published run."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from config.outbox.delivery import waiting
from ideas.comment_rows import comment_rows
from ideas.events import ThemeRunRequested
from ideas.models import (
    Category,
    ClusteringRun,
    Idea,
    RunState,
    Signal,
    SignalMembership,
    Theme,
    ThemeEvent,
    ThemeMembership,
    Vote,
    public_q,
)
from ideas.themes import trending


def published_run(*, for_update: bool = False) -> ClusteringRun | None:
    runs = ClusteringRun.objects.filter(state=RunState.PUBLISHED)
    if for_update:
        runs = runs.select_for_update()
    return runs.order_by("-published_at", "-pk").first()


def latest_run() -> ClusteringRun | None:
    """The last run started, with `lost` set: True when it still says running but its worker
    is gone (the dashboard then says it stopped, rather than "under way" until the next run)."""
    run = ClusteringRun.objects.order_by("-started_at", "-pk").first()
    if run is not None:
        run.lost = (  # type: ignore[attr-defined]
            run.state == RunState.RUNNING
            and lost_runs(now=timezone.now()).filter(pk=run.pk).exists()
        )
    return run


def run_started_since(*, since: datetime) -> bool:
    """Whether a run was claimed at or after `since` (whatever became of it): it answers a
    "Re-run now" made at `since` (ideas.events.ThemeRunRequested). Two clocks meet here, the
    web host's at the request and the worker's at the claim; kept in step by NTP, they differ
    by far less than a click and the claim that follows it."""
    return ClusteringRun.objects.filter(started_at__gte=since).exists()


def run_request_waiting(*, latest: ClusteringRun | None) -> datetime | None:
    """When the oldest "Re-run now" still unanswered was made (no run claimed since), or None.
    Such a request waits for a worker (busy with another run, or not running at all).
    `latest`: the last run claimed (latest_run), which answers every request made before it,
    as run_started_since reads it."""
    requests = waiting().filter(name=ThemeRunRequested.name).order_by("created_at")
    for payload in requests.values_list("payload", flat=True):
        since = datetime.fromisoformat(payload["requested_at"])
        if latest is None or latest.started_at < since:
            return since
    return None


def lost_runs(*, now: datetime) -> QuerySet[ClusteringRun]:
    """Running runs whose worker is gone: no heartbeat for THEMES_RUN_STALE_SECONDS, or older
    than the task time limit."""
    silent = now - timedelta(seconds=settings.THEMES_RUN_STALE_SECONDS)
    too_old = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return ClusteringRun.objects.filter(state=RunState.RUNNING).filter(
        Q(heartbeat_at__lt=silent)
        | Q(heartbeat_at__isnull=True, started_at__lt=silent)
        | Q(started_at__lt=too_old)
    )


def _shown_links(run: ClusteringRun) -> QuerySet[ThemeMembership]:
    """A run's memberships as product managers see them: public ideas only. An idea hidden,
    merged away or turned into a private complaint case after the run leaves every figure,
    list and export at once, not at the next run."""
    return ThemeMembership.objects.filter(public_q("idea__"), run=run)


def theme_members_of_run(run: ClusteringRun) -> dict[int, set[int]]:
    members: dict[int, set[int]] = defaultdict(set)
    for theme_id, idea_id in ThemeMembership.objects.filter(run=run).values_list("theme", "idea"):
        members[theme_id].add(idea_id)
    return dict(members)


@dataclass(frozen=True)
class SentimentMix:
    """How a theme's ideas feel: counts of scored ideas by label, and of complaints."""

    negative: int = 0
    neutral: int = 0
    positive: int = 0
    complaints: int = 0

    @property
    def scored(self) -> int:
        return self.negative + self.neutral + self.positive

    def _share(self, n: int) -> float:
        return 100 * n / self.scored if self.scored else 0.0

    @property
    def negative_pct(self) -> float:
        return self._share(self.negative)

    @property
    def neutral_pct(self) -> float:
        return self._share(self.neutral)

    @property
    def positive_pct(self) -> float:
        return self._share(self.positive)

    @property
    def complaints_pct(self) -> float:
        return self._share(self.complaints)


def theme_sentiment_mix(
    run: ClusteringRun, *, theme_ids: list[int], category: Category | None = None
) -> dict[int, SentimentMix]:
    """Sentiment mix of each theme's ideas (their own text, not comments), in one query."""
    links = _shown_links(run).filter(theme__in=theme_ids)
    if category is not None:
        links = links.filter(idea__category=category)
    own = Q(idea__sentiments__comment__isnull=True)

    def ideas_where(condition: Q) -> Count:
        # distinct: the join to sentiments also brings the rows of the ideas' comments
        return Count("idea", filter=own & condition, distinct=True)

    rows = links.values("theme").annotate(
        negative=ideas_where(Q(idea__sentiments__label="negative")),
        neutral=ideas_where(Q(idea__sentiments__label="neutral")),
        positive=ideas_where(Q(idea__sentiments__label="positive")),
        complaints=ideas_where(Q(idea__sentiments__complaint=True)),
    )
    return {
        row["theme"]: SentimentMix(
            negative=row["negative"],
            neutral=row["neutral"],
            positive=row["positive"],
            complaints=row["complaints"],
        )
        for row in rows
    }


@dataclass
class ThemeSummary:
    theme: Theme
    size: int
    votes: int
    daily: list[int]  # activity per day, oldest first, last item today
    trend: trending.Trend
    top_ideas: list[Idea] = field(default_factory=list)
    mix: SentimentMix = field(default_factory=SentimentMix)
    is_new: bool = False  # appeared in the published run, after an earlier one

    @property
    def sparkline_points(self) -> str:
        """SVG polyline points for a 120×32 line chart (2 px margins)."""
        peak = max(self.daily) or 1
        step = 116 / max(1, len(self.daily) - 1)
        return " ".join(
            f"{2 + i * step:.1f},{30 - 26 * value / peak:.1f}" for i, value in enumerate(self.daily)
        )

    @property
    def sparkline_end(self) -> tuple[float, float]:
        """Where the line ends (today), marked with a dot."""
        peak = max(self.daily) or 1
        return 118.0, 30 - 26 * (self.daily[-1] if self.daily else 0) / peak

    @property
    def recent_band_x(self) -> float:
        """Left edge of the shaded band of the last RECENT_DAYS days the trend looks at."""
        step = 116 / max(1, len(self.daily) - 1)
        return max(0.0, 2 + (len(self.daily) - trending.RECENT_DAYS) * step - step / 2)

    @property
    def recent_band_width(self) -> float:
        return 120 - self.recent_band_x


def _daily_activity(
    run: ClusteringRun, *, days: int, theme_ids: list[int] | None = None
) -> dict[int, list[int]]:
    """Weighted activity (ideas, comments, votes) per theme and day over the last `days` days."""
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    since = timezone.now() - timedelta(days=days + 1)
    links = _shown_links(run)
    if theme_ids is not None:
        links = links.filter(theme__in=theme_ids)
    theme_of = dict(links.values_list("idea", "theme"))
    series: dict[int, list[int]] = {t: [0] * days for t in set(theme_of.values())}

    def add(rows: QuerySet, weight: int) -> None:  # type: ignore[type-arg]
        for idea_id, day, n in rows:
            offset = (day - start).days if isinstance(day, date) else -1
            if idea_id in theme_of and 0 <= offset < days:
                series[theme_of[idea_id]][offset] += weight * n

    # A subquery, not the ids: at 100,000 themed ideas a list of ids made three statements of
    # 100,000 parameters each (5.3 s for the dashboard, docs/benchmarks.md).
    ideas = links.values("idea")
    add(
        Idea.objects.filter(pk__in=ideas, created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values_list("pk", "day")
        .annotate(n=Count("pk")),
        trending.WEIGHTS["ideas"],
    )
    source: QuerySet  # type: ignore[type-arg]
    for source, weight in (
        (comment_rows().every(), trending.WEIGHTS["comments"]),
        # Votes a moderator discounted (a vote ring) do not make a theme trend.
        (Vote.objects.filter(discounted_at__isnull=True), trending.WEIGHTS["votes"]),
    ):
        add(
            source.filter(idea__in=ideas, created_at__gte=since)
            .annotate(day=TruncDate("created_at"))
            .values_list("idea", "day")
            .annotate(n=Count("pk")),
            weight,
        )
    # Outside signals count on the day they were posted outside, not the day they were imported.
    signals = SignalMembership.objects.filter(run=run, signal__posted_at__gte=since)
    if theme_ids is not None:
        signals = signals.filter(theme__in=theme_ids)
    for theme_id, day, n in (
        signals.annotate(day=TruncDate("signal__posted_at"))
        .values_list("theme", "day")
        .annotate(n=Count("pk"))
    ):
        offset = (day - start).days if isinstance(day, date) else -1
        if 0 <= offset < days:
            series.setdefault(theme_id, [0] * days)[offset] += trending.WEIGHTS["signals"] * n
    return series


def theme_summaries(
    *,
    sort: str = "trend",
    category: Category | None = None,
    days: int = 35,
    top_ideas: int = 3,
) -> tuple[ClusteringRun | None, list[ThemeSummary]]:
    """The dashboard: active themes with size, votes, daily activity, trend and top ideas."""
    run = published_run()
    if run is None:
        return None, []
    links = _shown_links(run)
    if category is not None:
        links = links.filter(idea__category=category)
    stats = {
        row["theme"]: row
        for row in links.values("theme").annotate(size=Count("idea"), votes=Sum("idea__vote_count"))
    }
    themes = Theme.objects.filter(pk__in=stats).select_related("representative_idea")
    window = max(days, trending.RECENT_DAYS + trending.BASELINE_DAYS)
    daily = _daily_activity(run, days=window, theme_ids=list(stats))
    mixes = theme_sentiment_mix(run, theme_ids=list(stats), category=category)
    pace = trending.portal_pace(list(daily.values()))
    # "New" only means something once there was an earlier run to be new against.
    first_run = (  # a published run is superseded by the next: published_at stays
        ClusteringRun.objects.filter(published_at__isnull=False)
        .order_by("published_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    summaries = [
        ThemeSummary(
            theme=theme,
            size=stats[theme.pk]["size"],
            votes=stats[theme.pk]["votes"] or 0,
            daily=daily.get(theme.pk, [0] * window)[-days:],
            trend=trending.trend(daily.get(theme.pk, []), pace=pace),
            mix=mixes.get(theme.pk, SentimentMix()),
            is_new=theme.first_run_id == run.pk and run.pk != first_run,
        )
        for theme in themes
    ]
    if sort == "size":
        summaries.sort(key=lambda s: (-s.size, s.theme.pk))
    elif sort == "votes":
        summaries.sort(key=lambda s: (-s.votes, s.theme.pk))
    else:
        summaries.sort(key=lambda s: (-s.trend.z, -s.size, s.theme.pk))
    if top_ideas:
        best = _top_ideas(run, [s.theme.pk for s in summaries], top_ideas, category)
        for summary in summaries:
            summary.top_ideas = best.get(summary.theme.pk, [])
    return run, summaries


def _top_ideas(
    run: ClusteringRun, theme_ids: list[int], n: int, category: Category | None
) -> dict[int, list[Idea]]:
    links = _shown_links(run).filter(theme__in=theme_ids).select_related("idea")
    if category is not None:
        links = links.filter(idea__category=category)
    best: dict[int, list[Idea]] = defaultdict(list)
    for link in links.order_by("theme", "-idea__vote_count", "idea"):
        if len(best[link.theme_id]) < n:
            best[link.theme_id].append(link.idea)
    return best


def theme_get(*, pk: int) -> Theme:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Theme.objects.select_related("representative_idea"), pk=pk)


def theme_ideas(*, theme: Theme) -> QuerySet[Idea]:
    run = published_run()
    return (
        Idea.objects.public()
        .filter(theme_memberships__run=run, theme_memberships__theme=theme)
        .select_related("category", "author")
        .order_by("-vote_count", "-created_at")
    )


def theme_signals(*, theme: Theme) -> QuerySet[Signal]:
    """The outside signals the published run put in this theme, newest first (product
    managers only: the themes pages' permission)."""
    return Signal.objects.filter(
        memberships__run=published_run(), memberships__theme=theme
    ).order_by("-posted_at", "-pk")


def theme_activity(*, theme: Theme, days: int = 90) -> list[int]:
    run = published_run()
    if run is None:
        return [0] * days
    return _daily_activity(run, days=days, theme_ids=[theme.pk]).get(theme.pk, [0] * days)


def theme_mix(*, theme: Theme) -> SentimentMix:
    run = published_run()
    if run is None:
        return SentimentMix()
    return theme_sentiment_mix(run, theme_ids=[theme.pk]).get(theme.pk, SentimentMix())


def theme_events(*, theme: Theme) -> QuerySet[ThemeEvent]:
    return (
        (ThemeEvent.objects.filter(theme=theme) | ThemeEvent.objects.filter(other=theme))
        .select_related("run", "theme", "other")
        .order_by("-created_at", "-pk")
    )


EXPORT_FIELDS = [
    "theme_id",
    "theme_name",
    "theme_label",
    "theme_terms",
    "theme_status",
    "theme_size",
    "theme_trend_ratio",
    "theme_trend_z",
    "trending",
    "theme_signals",
    "idea_id",
    "idea_title",
    "idea_category",
    "idea_status",
    "idea_votes",
    "idea_comments",
    "idea_created",
    "similarity",
]


def theme_export_rows(*, category: Category | None = None) -> Iterator[dict[str, object]]:
    """One row per (theme, idea) of the published run, read 2,000 at a time: at 100,000 themed
    ideas a list of rows held 700 MB in the web process. No personal data: no names, no
    emails."""
    run, summaries = theme_summaries(category=category, top_ideas=0)
    if run is None:
        return
    by_theme = {s.theme.pk: s for s in summaries}
    links = (
        _shown_links(run).filter(theme__in=by_theme).order_by("theme", "-idea__vote_count", "idea")
    )
    if category is not None:
        links = links.filter(idea__category=category)
    columns = (
        "theme_id", "similarity", "idea_id", "idea__title", "idea__category__slug",
        "idea__status", "idea__vote_count", "idea__comment_count", "idea__created_at",
    )  # fmt: skip
    for (
        theme_id,
        similarity,
        idea_id,
        title,
        slug,
        status,
        votes,
        comments,
        created,
    ) in links.values_list(*columns).iterator(chunk_size=2000):
        summary = by_theme[theme_id]
        theme = summary.theme
        yield {
            "theme_id": theme_id,
            "theme_name": theme.display_name,
            "theme_label": theme.engine_label,
            "theme_terms": " · ".join(theme.key_terms),
            "theme_status": theme.status,
            "theme_size": summary.size,
            "theme_trend_ratio": round(summary.trend.ratio, 2),
            "theme_trend_z": round(summary.trend.z, 2),
            "trending": int(summary.trend.is_trending),
            "theme_signals": theme.signal_count,
            "idea_id": idea_id,
            "idea_title": title,
            "idea_category": slug,
            "idea_status": status,
            "idea_votes": votes,
            "idea_comments": comments,
            "idea_created": created.date().isoformat(),
            "similarity": round(similarity, 3),
        }
