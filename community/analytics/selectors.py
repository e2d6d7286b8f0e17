"""The figures of the staff analytics, in a fixed number of queries whatever the data: each
breakdown is one query grouped by week (TruncWeek) and value in the database, then folded here
over a few dozen grouped rows, never over ideas, votes or members one by one.

Every figure goes through the privacy floor (community.analytics.privacy) before it leaves this
module, and `analytics_for` checks the permission itself, so no caller can get raw counts.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncQuarter, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.access import require_permission
from accounts.models import AgeBand, CustomerType, Region, User
from accounts.roles import MANAGE_THEMES, PARTNER, staff_accounts
from community.analytics.privacy import Cell, Figure, Hidden, period_figures, single_figure
from community.models import Comment
from ideas.models import Campaign, Category, Idea, Status, StatusChange, Vote, public_q

# The permission that opens the analytics: product managers and admins (as for themes).
VIEW_ANALYTICS = MANAGE_THEMES
NOT_ALLOWED = gettext_noop("Only product managers and admins can see analytics.")

METRICS = ("members", "ideas", "votes", "comments")
ROLES = ("customer", "partner", "staff")
SEGMENTS = {"age_band": AgeBand, "customer_type": CustomerType, "region": Region}
NOT_SHARED = ""
FUNNEL = (Status.NEW, Status.UNDER_REVIEW, Status.PLANNED, Status.IN_PROGRESS, Status.DONE)


def min_group() -> int:
    return int(getattr(settings, "ANALYTICS_MIN_GROUP", 10))


@dataclass(frozen=True)
class Period:
    """Whole weeks, Monday to Sunday, in the site's time zone."""

    start: date  # a Monday
    end: date  # a Sunday

    @classmethod
    def covering(cls, first: date, last: date) -> "Period":
        return cls(
            first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())
        )

    @classmethod
    def default(cls, *, today: date | None = None, weeks: int = 12) -> "Period":
        today = today or timezone.localdate()
        return cls.covering(today - timedelta(weeks=weeks - 1), today)

    @property
    def weeks(self) -> list[date]:
        count = (self.end - self.start).days // 7 + 1
        return [self.start + timedelta(weeks=n) for n in range(count)]

    def bounds(self) -> tuple[datetime, datetime]:
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    figure: Figure


@dataclass
class Breakdown:
    """One table: a row per value, each a number or hidden."""

    slug: str
    title: str
    rows: list[Row]
    unit: str


@dataclass
class Analytics:
    period: Period
    k: int
    weekly: dict[str, list[tuple[date, Figure]]]
    answered: Figure  # ideas posted in the period with an official answer
    posted: Figure  # ideas posted in the period
    median_wait: timedelta | None
    median_hidden: Hidden | None
    funnel: list[Row]
    adopted: list[Row]
    breakdowns: dict[str, Breakdown] = field(default_factory=dict)

    @property
    def answered_share(self) -> float | None:
        if not (self.answered.shown and self.posted.shown) or not self.posted.value:
            return None
        return (self.answered.value or 0) / self.posted.value


# --- Queries --------------------------------------------------------------------------------------


def _in_group(path: str, *names: str) -> Exists:
    return Exists(User.groups.through.objects.filter(user_id=OuterRef(path), group__name__in=names))


def _staff(path: str) -> Exists:
    """Staff as two-factor and the staff badge count them (accounts.roles.staff_accounts): a
    group of any name given a staff power, a permission given directly, the Django admin."""
    return Exists(staff_accounts().filter(pk=OuterRef(path)))


def _by_week_and_profile(
    queryset: QuerySet[Any], *, when: str, person: str
) -> list[dict[str, Any]]:
    """Counts per week × role × the three segments, with distinct members. Each member has one
    role and one value of each segment, so distinct members add up across these rows."""
    prefix = f"{person}__" if person != "pk" else ""
    return list(
        queryset.annotate(
            week=TruncWeek(when, output_field=DateField()),
            is_partner=_in_group(person, PARTNER),
            is_staff_role=_staff(person),
        )
        .values(
            "week",
            "is_partner",
            "is_staff_role",
            f"{prefix}age_band",
            f"{prefix}customer_type",
            f"{prefix}region",
        )
        .annotate(count=Count("pk"), members=Count(person, distinct=True))
        .order_by()
    )


def _by_week_and(
    queryset: QuerySet[Any], *, when: str, key: str, person: str
) -> list[dict[str, Any]]:
    return list(
        queryset.annotate(week=TruncWeek(when, output_field=DateField()))
        .values("week", key)
        .annotate(count=Count("pk"), members=Count(person, distinct=True))
        .order_by()
    )


def _role(row: dict[str, Any]) -> str:
    if row["is_staff_role"]:
        return "staff"
    return "partner" if row["is_partner"] else "customer"


Grid = dict[date, dict[Hashable, Cell]]


def _add(grid: Grid, week: date, key: Hashable, count: int, members: int) -> None:
    cell = grid[week].get(key, Cell(0, 0))
    grid[week][key] = Cell(cell.count + count, cell.members + members)


def _fold(rows: list[dict[str, Any]], prefix: str) -> tuple[dict[str, Grid], dict[date, int]]:
    """Grids per dimension (role and each segment) and distinct members per week."""
    grids: dict[str, Grid] = {name: defaultdict(dict) for name in ("role", *SEGMENTS)}
    week_members: dict[date, int] = defaultdict(int)
    week_counts: dict[date, int] = defaultdict(int)
    for row in rows:
        week = _as_date(row["week"])
        count, members = row["count"], row["members"]
        week_members[week] += members
        week_counts[week] += count
        _add(grids["role"], week, _role(row), count, members)
        for name in SEGMENTS:
            _add(grids[name], week, row[f"{prefix}{name}"] or NOT_SHARED, count, members)
    grids["_week"] = defaultdict(dict)
    for week in week_members:
        grids["_week"][week]["all"] = Cell(week_counts[week], week_members[week])
    return grids, dict(week_members)


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _complete(grid: Grid, weeks: Iterable[date]) -> Grid:
    return {week: dict(grid.get(week, {})) for week in weeks}


# --- The page's figures ---------------------------------------------------------------------------


def analytics_for(*, user: Any, period: Period) -> Analytics:
    """Every figure of the dashboard for `period`, floor applied. Raises PermissionDenied unless
    `user` may see analytics."""
    require_permission(user, VIEW_ANALYTICS, gettext(NOT_ALLOWED))
    k = min_group()
    start, end = period.bounds()
    weeks = period.weeks

    ideas = Idea.objects.filter(public_q(), created_at__gte=start, created_at__lt=end)
    votes = Vote.objects.filter(
        public_q("idea__"), discounted_at__isnull=True, created_at__gte=start, created_at__lt=end
    )
    comments = Comment.objects.filter(
        public_q("idea__"),
        removed_at__isnull=True,
        pending_at__isnull=True,
        created_at__gte=start,
        created_at__lt=end,
    )
    members = User.objects.filter(
        erased_at__isnull=True, date_joined__gte=start, date_joined__lt=end
    )
    sources = {
        "members": _by_week_and_profile(members, when="date_joined", person="pk"),
        "ideas": _by_week_and_profile(ideas, when="created_at", person="author"),
        "votes": _by_week_and_profile(votes, when="created_at", person="user"),
        "comments": _by_week_and_profile(comments, when="created_at", person="author"),
    }

    weekly: dict[str, list[tuple[date, Figure]]] = {}
    breakdowns: dict[str, Breakdown] = {}
    grids_by_metric: dict[str, dict[str, Grid]] = {}
    week_members_by_metric: dict[str, dict[date, int]] = {}
    for metric, rows in sources.items():
        grids, week_members = _fold(rows, "" if metric == "members" else f"{_person(metric)}__")
        grids_by_metric[metric] = grids
        week_members_by_metric[metric] = week_members
        weekly[metric] = [
            (week, single_figure(grids["_week"].get(week, {}).get("all", Cell(0, 0)), k=k))
            for week in weeks
        ]

    role_labels = {
        "customer": str(_("Customers")),
        "partner": str(_("Partners")),
        "staff": str(_("Staff")),
    }
    for metric in METRICS:
        figures = period_figures(
            _complete(grids_by_metric[metric]["role"], weeks),
            keys=ROLES,
            week_members=week_members_by_metric[metric],
            k=k,
            disjoint=True,
        )
        breakdowns[f"role-{metric}"] = Breakdown(
            f"role-{metric}",
            str(_("Partners and customers: %(metric)s") % {"metric": METRIC_LABELS[metric]}),
            [Row(key, role_labels[key], figures[key]) for key in ROLES],
            str(METRIC_LABELS[metric]),
        )
        for name, choices in SEGMENTS.items():
            keys = [*choices.values, NOT_SHARED]
            labels = {**dict(choices.choices), NOT_SHARED: _("Not shared")}
            figures = period_figures(
                _complete(grids_by_metric[metric][name], weeks),
                keys=keys,
                week_members=week_members_by_metric[metric],
                k=k,
                disjoint=True,
            )
            slug = f"{name.replace('_', '-')}-{metric}"
            breakdowns[slug] = Breakdown(
                slug,
                str(SEGMENT_TITLES[name] % {"metric": METRIC_LABELS[metric]}),
                [Row(str(key), str(labels[key]), figures[key]) for key in keys],
                str(METRIC_LABELS[metric]),
            )

    ideas_weeks = week_members_by_metric["ideas"]
    breakdowns["categories"] = _categories(ideas, weeks, ideas_weeks, k)
    breakdowns["campaigns"] = _campaigns(ideas, weeks, ideas_weeks, k)

    # Period figures about all ideas posted (the funnel, answers) are sums of the weekly ideas:
    # with a week hidden they would give it away by subtraction, so they wait for every week.
    every_week_shown = all(figure.shown for _week, figure in weekly["ideas"])
    funnel, posted, answered, answered_authors = _funnel(ideas, k, every_week_shown)
    median_wait, median_hidden = _median_wait(ideas, answered, answered_authors, k)
    return Analytics(
        period=period,
        k=k,
        weekly=weekly,
        answered=answered,
        posted=posted,
        median_wait=median_wait,
        median_hidden=median_hidden,
        funnel=funnel,
        adopted=_adopted(start, end, k),
        breakdowns=breakdowns,
    )


METRIC_LABELS = {
    "members": _("new members"),
    "ideas": _("ideas"),
    "votes": _("votes"),
    "comments": _("comments"),
}
SEGMENT_TITLES = {
    "age_band": _("Age band: %(metric)s"),
    "customer_type": _("Customer type: %(metric)s"),
    "region": _("Region: %(metric)s"),
}


def _person(metric: str) -> str:
    return {"ideas": "author", "votes": "user", "comments": "author"}[metric]


def _categories(
    ideas: QuerySet[Idea], weeks: list[date], week_members: dict[date, int], k: int
) -> Breakdown:
    grid: Grid = defaultdict(dict)
    for row in _by_week_and(ideas, when="created_at", key="category_id", person="author"):
        _add(grid, _as_date(row["week"]), row["category_id"], row["count"], row["members"])
    categories = list(Category.objects.all())
    figures = period_figures(
        _complete(grid, weeks),
        keys=[category.pk for category in categories],
        week_members=week_members,
        k=k,
        # A member may post in several categories: the bound is the largest one (privacy.py).
        disjoint=False,
    )
    rows = [Row(category.slug, category.name, figures[category.pk]) for category in categories]
    return Breakdown("categories", str(_("Ideas by category")), _ranked(rows), str(_("ideas")))


def _campaigns(
    ideas: QuerySet[Idea], weeks: list[date], week_members: dict[date, int], k: int
) -> Breakdown:
    grid: Grid = defaultdict(dict)
    seen: set[int] = set()
    for row in _by_week_and(ideas, when="created_at", key="campaign_id", person="author"):
        key = row["campaign_id"] or 0
        seen.add(key)
        _add(grid, _as_date(row["week"]), key, row["count"], row["members"])
    campaigns = list(Campaign.objects.filter(pk__in=seen - {0}).only("pk", "slug", "title"))
    keys = [*(campaign.pk for campaign in campaigns), 0]
    figures = period_figures(
        _complete(grid, weeks), keys=keys, week_members=week_members, k=k, disjoint=False
    )
    rows = [Row(campaign.slug, campaign.title, figures[campaign.pk]) for campaign in campaigns]
    rows = _ranked(rows)
    rows.append(Row("none", str(_("No campaign")), figures[0]))
    return Breakdown("campaigns", str(_("Ideas by campaign")), rows, str(_("ideas")))


def _ranked(rows: list[Row]) -> list[Row]:
    """Largest first; hidden ones last, in their own fixed order (never by their size)."""
    return sorted(rows, key=lambda row: (not row.figure.shown, -(row.figure.value or 0)))


def _reached(statuses: Iterable[str]) -> Exists:
    return Exists(StatusChange.objects.filter(idea=OuterRef("pk"), to_status__in=list(statuses)))


def _funnel(
    ideas: QuerySet[Idea], k: int, every_week_shown: bool
) -> tuple[list[Row], Figure, Figure, int]:
    """How many ideas posted in the period reached each stage (at any time, even if declined
    later), and how many had an official answer: one query."""
    annotations: dict[str, Any] = {
        "answered": Exists(StatusChange.objects.filter(idea=OuterRef("pk")))
    }
    for index, status in enumerate(FUNNEL[1:], start=1):
        annotations[f"reached_{status}"] = _reached(FUNNEL[index:])
    aggregates: dict[str, Any] = {
        "posted": Count("pk"),
        "posted_authors": Count("author", distinct=True),
        "answered_count": Count("pk", filter=Q(answered=True)),
        "answered_authors": Count("author", distinct=True, filter=Q(answered=True)),
    }
    for status in FUNNEL[1:]:
        aggregates[f"{status}_count"] = Count("pk", filter=Q(**{f"reached_{status}": True}))
        aggregates[f"{status}_authors"] = Count(
            "author", distinct=True, filter=Q(**{f"reached_{status}": True})
        )
    totals = ideas.annotate(**annotations).aggregate(**aggregates)

    def figure(count: int, authors: int) -> Figure:
        if not every_week_shown:
            return Figure(None, Hidden.COMPLEMENT)
        return single_figure(Cell(count, authors), k=k)

    posted = figure(totals["posted"], totals["posted_authors"])
    rows = [Row(Status.NEW, str(Status.NEW.label), posted)]
    for status in FUNNEL[1:]:
        rows.append(
            Row(
                status,
                str(Status(status).label),
                figure(totals[f"{status}_count"] or 0, totals[f"{status}_authors"] or 0),
            )
        )
    answered = figure(totals["answered_count"] or 0, totals["answered_authors"] or 0)
    return rows, posted, answered, totals["answered_authors"] or 0


def _median_wait(
    ideas: QuerySet[Idea], answered: Figure, answered_authors: int, k: int
) -> tuple[timedelta | None, Hidden | None]:
    """The median time from posting to the first official answer, computed in the database:
    order the waits and read the middle one or two (one query)."""
    if not answered.shown:
        return None, answered.hidden
    count = answered.value or 0
    if count == 0:
        return None, None
    first = (
        StatusChange.objects.filter(idea=OuterRef("pk")).order_by("created_at").values("created_at")
    )
    waits = (
        ideas.annotate(first_answer=Subquery(first[:1]))
        .filter(first_answer__isnull=False)
        .annotate(
            wait=ExpressionWrapper(
                F("first_answer") - F("created_at"), output_field=DurationField()
            )
        )
        .order_by("wait", "pk")
        .values_list("wait", flat=True)
    )
    middle = list(waits[(count - 1) // 2 : count // 2 + 1])
    if not middle:
        return None, None
    return sum(middle, timedelta()) / len(middle), None


def _adopted(start: datetime, end: datetime, k: int) -> list[Row]:
    """Ideas that reached Done, by the quarter they did (one query). An idea done twice (back to
    In progress, then Done again) counts once in each quarter it was done in."""
    rows = (
        StatusChange.objects.filter(
            public_q("idea__"), to_status=Status.DONE, created_at__gte=start, created_at__lt=end
        )
        .annotate(quarter=TruncQuarter("created_at", output_field=DateField()))
        .values("quarter")
        .annotate(count=Count("idea", distinct=True), members=Count("idea__author", distinct=True))
        .order_by("quarter")
    )
    result = []
    for row in rows:
        quarter = _as_date(row["quarter"])
        label = f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}"
        result.append(Row(label, label, single_figure(Cell(row["count"], row["members"]), k=k)))
    return result
