"""The signed-in idea list's and home page's own reads, compiled once per process and shape.

A signed-in list page was rendered per request, its cards from shared fragments (ideas.cards),
yet building and compiling its ORM queries and turning their rows into ideas, authors and
categories cost about 40% of its CPU (docs/benchmarks.md). Here each read is compiled once per
shape (sort, cursor direction, filters, kind of viewer, page size) by config.db.Prepared from the
same querysets as before (ideas.selectors: the same visibility rule), then run with the
request's values:

- the page's rows: only what the page itself needs, the id, the vote count, the viewer's vote
  and the sort keys (`IdeaRow`); everything else on a card comes from its fragment, and a card
  missing from the cache is rendered from rows read again (ideas.cards, as it already did);
- the count: the tallies' sum and the member's own hidden or waiting ideas in one statement;
- the categories with their counts, and the home page's latest official answers.

Only while the fragments are on (config.page_cache.enabled): without them every card is rendered
from the page's rows, and full rows from the ORM cost one query fewer than slim rows read again.
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import BooleanField, Exists, OuterRef, QuerySet, Value

from accounts.roles import MODERATE_CONTENT
from config.db import (
    MARK_FLOAT,
    MARK_FOURTH_ID,
    MARK_ID,
    MARK_OTHER_ID,
    MARK_TEXT,
    MARK_THIRD_ID,
    MARK_TIME,
    Prepared,
    aware,
    compiled,
    sql_of,
)
from config.page_cache import enabled as fragments_enabled
from ideas import selectors
from ideas.models import Category, Idea, IdeaTally, StatusChange, Vote
from ideas.pagination import KeysetPage, RowCompare, keyset_fetch, keyset_page

# Where each sort key's cursor value goes in a compiled statement.
_KEY_MARKERS: dict[str, Any] = {
    "trending_score": MARK_FLOAT,
    "vote_count": MARK_THIRD_ID,
    "created_at": MARK_TIME,
    "id": MARK_FOURTH_ID,
}
_COLUMNS = ("id", "vote_count", "viewer_voted", "trending_score", "created_at")
ANONYMOUS, MEMBER, MODERATOR = "anonymous", "member", "moderator"


class IdeaRow:
    """An idea as a list page needs it once its card is a fragment: what the vote button
    shows and the sort keys its cursors carry (ideas.pagination)."""

    __slots__ = ("created_at", "pk", "snippet", "trending_score", "viewer_voted", "vote_count")

    def __init__(
        self, pk: int, vote_count: int, viewer_voted: bool, trending_score: float, created: Any
    ) -> None:
        self.pk = pk
        self.vote_count = vote_count
        self.viewer_voted = viewer_voted
        self.trending_score = trending_score
        self.created_at = aware(created)
        self.snippet = None

    @property
    def id(self) -> int:
        return self.pk


def viewer_kind(viewer: Any) -> str:
    if viewer is None or not viewer.is_authenticated:
        return ANONYMOUS
    return MODERATOR if viewer.has_perm(MODERATE_CONTENT) else MEMBER


def idea_page(
    *,
    viewer: Any,
    sort: str,
    category: Category | None = None,
    status: str | None = None,
    per_page: int,
    after: str = "",
    before: str = "",
) -> KeysetPage:
    """A page of the idea list without a search query (selectors.idea_list's ideas, in the
    order of selectors.list_ordering(sort)): IdeaRows while the fragments are on, Ideas from
    the ORM otherwise."""
    keys = selectors.list_ordering(sort)
    if not fragments_enabled():
        ideas = selectors.idea_list(
            viewer=viewer, sort=sort, category=category, status=status, people=False
        )
        return keyset_page(ideas, keys=keys, per_page=per_page, after=after, before=before)
    kind = viewer_kind(viewer)

    def fetch(operator: str, values: Sequence[Any], limit: int) -> list[Any]:
        shape = (kind, keys, operator, category is not None, bool(status), limit)
        given = [] if kind == ANONYMOUS else [viewer.pk]
        given += [category.pk] if category is not None else []
        given += [status] if status else []
        given += list(values)
        rows = compiled(_PAGE_STATEMENTS, shape, _compile_page).fetchall(Idea.objects.db, *given)
        return [IdeaRow(pk, votes, bool(voted), score, at) for pk, votes, voted, score, at in rows]

    return keyset_fetch(fetch, keys=keys, per_page=per_page, after=after, before=before)


def first_ideas(*, viewer: Any, sort: str, limit: int) -> list[Any]:
    """The first `limit` ideas of a list (the home page's trending ideas)."""
    return idea_page(viewer=viewer, sort=sort, per_page=limit).object_list


_PAGE_STATEMENTS: dict[tuple[Any, ...], Prepared] = {}


def _compile_page(
    kind: str, keys: tuple[str, ...], operator: str, category: bool, status: bool, limit: int
) -> Prepared:
    markers: list[Any] = [] if kind == ANONYMOUS else [MARK_ID]
    markers += [MARK_OTHER_ID] if category else []
    markers += [MARK_TEXT] if status else []
    markers += [_KEY_MARKERS[key] for key in keys] if operator else []

    def build(using: str, *marks: Any) -> tuple[str, Sequence[Any]]:
        given = iter(marks)
        if kind == ANONYMOUS:
            ideas: QuerySet[Idea] = Idea.objects.public()
            voted: Any = Value(False, output_field=BooleanField())
        else:
            viewer_id = next(given)
            ideas = selectors.visible_to_member(viewer_id, moderator=kind == MODERATOR)
            voted = Exists(Vote.objects.filter(user_id=viewer_id, idea=OuterRef("pk")))
        ideas = ideas.using(using).annotate(viewer_voted=voted)
        if category:
            ideas = ideas.filter(category_id=next(given))
        if status:
            ideas = ideas.filter(status=next(given))
        if operator:
            ideas = ideas.filter(RowCompare(keys, operator, [next(given) for _ in keys]))
        order = list(keys) if operator == ">" else [f"-{key}" for key in keys]
        query = ideas.order_by(*order).values_list(*_COLUMNS)[:limit]
        return sql_of(query, using)

    return Prepared(build, *markers)


def idea_count(*, viewer: Any, category: Category | None = None, status: str | None = None) -> int:
    """How many ideas a list without a search query shows this viewer (selectors.count_querysets:
    the tallies the database keeps, plus a member's own hidden or waiting ideas), in one
    statement compiled once per shape."""
    kind = viewer_kind(viewer)
    given = [] if kind != MEMBER else [viewer.pk]
    given += [category.pk] if category is not None else []
    given += [status] if status else []
    shape = (kind, category is not None, bool(status))
    statement = compiled(_COUNT_STATEMENTS, shape, _compile_count)
    ((total,),) = statement.fetchall(IdeaTally.objects.db, *given)
    return int(total)


_COUNT_STATEMENTS: dict[tuple[Any, ...], Prepared] = {}


def _compile_count(kind: str, category: bool, status: bool) -> Prepared:
    markers: list[Any] = [MARK_ID] if kind == MEMBER else []
    markers += [MARK_OTHER_ID] if category else []
    markers += [MARK_TEXT] if status else []

    def build(using: str, *marks: Any) -> tuple[str, Sequence[Any]]:
        given = iter(marks)
        tallies, own = selectors.count_querysets(
            viewer_id=next(given) if kind == MEMBER else None,
            moderator=kind == MODERATOR,
            category_id=next(given) if category else None,
            status=next(given) if status else None,
        )
        sum_sql, sum_params = sql_of(tallies.using(using).values_list("n"), using)
        # The ORM's own compiled SQL around two subqueries, as its count() does: no value in it.
        statement = f"SELECT COALESCE((SELECT SUM(t.n) FROM ({sum_sql}) t), 0)"  # noqa: S608
        params = list(sum_params)
        if own is not None:
            own_sql, own_params = sql_of(own.using(using).values_list("pk"), using)
            statement += f" + (SELECT COUNT(*) FROM ({own_sql}) o)"  # noqa: S608
            params += own_params
        return statement, params

    return Prepared(build, *markers)


def categories_with_counts() -> list[Category]:
    """selectors.categories_with_counts, its statement compiled once per process."""
    using = Category.objects.db
    rows = _CATEGORIES.fetchall(using)
    names, width = _CATEGORY_FIELDS, len(_CATEGORY_FIELDS)
    categories = []
    for row in rows:
        category = Category.from_db(using, names, row[:width])
        category.idea_count, category.open_count = row[width:]  # type: ignore[attr-defined]
        categories.append(category)
    return categories


_CATEGORY_FIELDS = [f.attname for f in Category._meta.concrete_fields]


def _categories_sql(using: str) -> tuple[str, Sequence[Any]]:
    query = selectors.categories_with_counts().using(using)
    return sql_of(query.values_list(*_CATEGORY_FIELDS, "idea_count", "open_count"), using)


_CATEGORIES = Prepared(_categories_sql)


def recent_answers(*, limit: int = 5) -> list[StatusChange]:
    """selectors.recent_status_changes for the home page, compiled once per process: each
    change with what the page shows of it (its status and time, its idea's title and link)."""
    statement = compiled(_ANSWERS, (limit,), _compile_answers)
    using = StatusChange.objects.db
    changes = []
    for pk, idea_id, to_status, created, title in statement.fetchall(using):
        change = StatusChange.from_db(
            using, ["id", "idea_id", "to_status", "created_at"], [pk, idea_id, to_status, None]
        )
        change.created_at = aware(created)
        change.idea = Idea.from_db(using, ["id", "title"], [idea_id, title])
        changes.append(change)
    return changes


_ANSWERS: dict[tuple[Any, ...], Prepared] = {}


def _compile_answers(limit: int) -> Prepared:
    def build(using: str) -> tuple[str, Sequence[Any]]:
        changes = selectors.recent_status_changes(limit=limit).using(using)
        rows = changes.values_list("id", "idea_id", "to_status", "created_at", "idea__title")
        return sql_of(rows, using)

    return Prepared(build)
