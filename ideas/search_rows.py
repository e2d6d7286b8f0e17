"""The search list's reads (`/ideas/?q=...`), compiled once per process and shape.

A signed-in search built and compiled its full-text queries with the ORM on every request (the
count, then the page: the query parsed in two languages, ranked and highlighted, several times
over), about 14 ms of CPU of a page whose cards come from fragments (docs/benchmarks.md). Here,
as in ideas.list_rows, each statement is compiled once per shape (viewer kind, sort, cursor
direction, filters, whether the matches are many, page size) by config.db.Prepared from the
same querysets as the ORM path (ideas.selectors' visibility rule, ideas.search.ideas_matching:
the same match, rank and headline on PostgreSQL, the same `icontains` on SQLite), then run with
the request's values, the query text among them:

- the count, up to selectors.SEARCH_COUNT_LIMIT + 1, as selectors.idea_search_count;
- the page's rows (`SearchRow`): the id, the vote count, the viewer's vote, the sort keys, the
  rank and the headline; the rest of a card comes from its fragment (ideas.cards), read again
  for the cards missing from the cache.

The page's rows come whole from the ORM while the fragments are off (config.page_cache.enabled),
as the list's do.
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import BooleanField, Exists, OuterRef, QuerySet, Value

from config.db import (
    MARK_FLOAT,
    MARK_FOURTH_ID,
    MARK_ID,
    MARK_OTHER_ID,
    MARK_OTHER_TEXT,
    MARK_TEXT,
    MARK_THIRD_ID,
    MARK_TIME,
    Prepared,
    compiled,
    sql_of,
)
from config.page_cache import enabled as fragments_enabled
from ideas import selectors
from ideas.list_rows import ANONYMOUS, MEMBER, MODERATOR, IdeaRow, viewer_kind
from ideas.models import Category, Idea, Vote
from ideas.pagination import KeysetPage, RowCompare, keyset_fetch, keyset_page
from ideas.search import ideas_matching

_KEY_MARKERS: dict[str, Any] = {
    "rank": MARK_FLOAT,
    "trending_score": MARK_FLOAT,
    "vote_count": MARK_THIRD_ID,
    "created_at": MARK_TIME,
    "id": MARK_FOURTH_ID,
}
_COLUMNS = ("id", "vote_count", "viewer_voted", "trending_score", "created_at", "rank", "headline")


class SearchRow(IdeaRow):
    """A search result as its page needs it once its card is a fragment: an IdeaRow with its
    rank (a sort key) and its headline (the snippet the view highlights)."""

    __slots__ = ("headline", "rank")

    def __init__(self, *row: Any) -> None:
        super().__init__(*row[:5])
        self.rank, self.headline = row[5], row[6]


def search_count(
    *, viewer: Any, category: Category | None = None, status: str | None = None, query: str
) -> int:
    """selectors.idea_search_count, in one statement compiled once per shape."""
    kind = viewer_kind(viewer)
    shape = (kind, category is not None, bool(status), selectors.SEARCH_COUNT_LIMIT + 1)
    statement = compiled(_COUNT_STATEMENTS, shape, _compile_count)
    given = _given(viewer, kind, category, status, voted=False)
    ((total,),) = statement.fetchall(Idea.objects.db, *given, query)
    return int(total)


def search_page(
    *,
    viewer: Any,
    sort: str,
    query: str,
    category: Category | None = None,
    status: str | None = None,
    many_matches: bool = False,
    per_page: int,
    after: str = "",
    before: str = "",
) -> KeysetPage:
    """A page of the ideas matching `query` (selectors.idea_list's, in the order of
    selectors.list_ordering(sort, query=query)): SearchRows while the fragments are on, Ideas
    from the ORM otherwise."""
    keys = selectors.list_ordering(sort, query=query)
    if not fragments_enabled():
        ideas = selectors.idea_list(
            viewer=viewer,
            sort=sort,
            category=category,
            status=status,
            query=query,
            many_matches=many_matches,
            people=False,
        )
        return keyset_page(ideas, keys=keys, per_page=per_page, after=after, before=before)
    kind = viewer_kind(viewer)
    ranked = keys == selectors.LIST_ORDERINGS["relevance"]
    best_of = selectors.SEARCH_COUNT_LIMIT + 1 if ranked and many_matches else None

    def fetch(operator: str, values: Sequence[Any], limit: int) -> list[Any]:
        shape = (kind, keys, operator, category is not None, bool(status), best_of, limit)
        statement = compiled(_PAGE_STATEMENTS, shape, _compile_page)
        given = [*_given(viewer, kind, category, status), query, *values]
        return [SearchRow(*row) for row in statement.fetchall(Idea.objects.db, *given)]

    return keyset_fetch(fetch, keys=keys, per_page=per_page, after=after, before=before)


def _given(
    viewer: Any, kind: str, category: Category | None, status: str | None, *, voted: bool = True
) -> list[Any]:
    """The values for _markers' placeholders. The count has no viewer's vote: a moderator's
    count then holds no viewer at all."""
    given = [viewer.pk] if _has_viewer(kind, voted=voted) else []
    given += [category.pk] if category is not None else []
    return given + ([status] if status else [])


def _has_viewer(kind: str, *, voted: bool) -> bool:
    return kind == MEMBER or (voted and kind == MODERATOR)


def _markers(kind: str, category: bool, status: bool, *, voted: bool = True) -> list[Any]:
    markers: list[Any] = [MARK_ID] if _has_viewer(kind, voted=voted) else []
    markers += [MARK_OTHER_ID] if category else []
    return markers + ([MARK_TEXT] if status else []) + [MARK_OTHER_TEXT]


def _matching(
    given: Any,
    using: str,
    kind: str,
    category: bool,
    status: bool,
    best_of: int | None,
    *,
    voted: bool = True,
) -> QuerySet[Idea]:
    """selectors.idea_list's ideas for a query, from the markers in `given` (in _markers'
    order): the same visibility, viewer's vote, filters and match, in the same order."""
    if kind == ANONYMOUS:
        ideas: QuerySet[Idea] = Idea.objects.public()
        vote: Any = Value(False, output_field=BooleanField())
    else:
        # A moderator's count needs no id: moderators see every idea, and it has no vote.
        viewer_id: Any = next(given) if _has_viewer(kind, voted=voted) else None
        ideas = selectors.visible_to_member(viewer_id, moderator=kind == MODERATOR)
        vote = Exists(Vote.objects.filter(user_id=viewer_id, idea=OuterRef("pk")))
    if voted:
        ideas = ideas.annotate(viewer_voted=vote)
    ideas = ideas.using(using)
    if category:
        ideas = ideas.filter(category_id=next(given))
    if status:
        ideas = ideas.filter(status=next(given))
    return ideas_matching(ideas, next(given), best_of=best_of, compiled=True)


_COUNT_STATEMENTS: dict[tuple[Any, ...], Prepared] = {}
_PAGE_STATEMENTS: dict[tuple[Any, ...], Prepared] = {}


def _compile_count(kind: str, category: bool, status: bool, limit: int) -> Prepared:
    def build(using: str, *marks: Any) -> tuple[str, Sequence[Any]]:
        ideas = _matching(iter(marks), using, kind, category, status, None, voted=False)
        inner, params = sql_of(ideas.order_by().values_list("pk")[:limit], using)
        return f"SELECT COUNT(*) FROM ({inner}) subquery", params  # noqa: S608 (ORM's SQL)

    return Prepared(build, *_markers(kind, category, status, voted=False))


def _compile_page(
    kind: str,
    keys: tuple[str, ...],
    operator: str,
    category: bool,
    status: bool,
    best_of: int | None,
    limit: int,
) -> Prepared:
    markers = _markers(kind, category, status)
    markers += [_KEY_MARKERS[key] for key in keys] if operator else []

    def build(using: str, *marks: Any) -> tuple[str, Sequence[Any]]:
        given = iter(marks)
        ideas = _matching(given, using, kind, category, status, best_of)
        if operator:
            ideas = ideas.filter(RowCompare(keys, operator, [next(given) for _ in keys]))
        order = list(keys) if operator == ">" else [f"-{key}" for key in keys]
        return sql_of(ideas.order_by(*order).values_list(*_COLUMNS)[:limit], using)

    return Prepared(build, *markers)
