"""A page of an idea's comments, as the idea page needs it, without counting or reading the rest.

The busiest idea (2,477 comments at 100k ideas) cost three times an average idea's CPU per
signed-in render although it shows one page of 50 top-level comments: the page's comments were
read whole (authors, their groups and badges: about 900 model instances) while every comment's
HTML came from its fragment (community.comments.rows), and Django's Paginator counted every
comment the viewer may see to offer "More comments" (docs/benchmarks.md).

Here a page is one statement compiled once per process and shape (viewer kind, page size) by
config.db.Prepared from the same querysets (community.comments.selectors: the same visibility
rule), run with the idea, the viewer and the page's offset: the page's top-level comments, one
more to know whether another page follows, and their replies the viewer may see, as slim rows
(`CommentRow`: what the fragments' keys and the viewer's buttons need). The comments missing
from the cache are rendered from rows read again (community.comments.rows, as ideas.cards does).
Without fragments (config.page_cache.enabled off) the page's comments come whole from the ORM.

The page numbers are Django's Paginator's: a number that is not one gives the first page, one
past the end or below 1 the last (counted then, on that rare request only).
"""

import math
from collections.abc import Sequence
from typing import Any

from django.db.models import BooleanField, Case, ExpressionWrapper, Value, When
from django.db.models.expressions import RawSQL

from community.comments.selectors import comments_for_idea, comments_visible_q, top_comments
from community.models import Comment
from config.db import MARK_ID, MARK_OTHER_ID, MARK_THIRD_ID, Prepared, aware, compiled, sql_of
from config.page_cache import enabled as fragments_enabled
from ideas.list_rows import MEMBER, MODERATOR, viewer_kind

_COLUMNS = ("id", "parent_id", "author_id", "held", "updated_at")
# An OFFSET must fit a 64-bit integer (PostgreSQL's bigint, SQLite's integer); a page number
# asking for more is past the end of any idea's comments.
MAX_OFFSET = 2**62


class CommentRow:
    """A comment as its page needs it once its HTML is a fragment: its place (parent), its
    fragment's key (`held`), the viewer's buttons (author; `updated_at` for a moderator's
    approval of a waiting comment) and the replies under a top-level one."""

    __slots__ = ("author_id", "held", "parent_id", "pk", "replies", "updated_at")

    def __init__(
        self, pk: int, parent_id: int | None, author_id: int, held: Any, updated: Any
    ) -> None:
        self.pk = pk
        self.parent_id = parent_id
        self.author_id = author_id
        self.held = bool(held)
        self.updated_at = aware(updated)
        self.replies: list[CommentRow] = []

    @property
    def id(self) -> int:
        return self.pk


class CommentPage:
    """What the idea page asks of a page of comments (django.core.paginator.Page's names)."""

    def __init__(self, object_list: list[Any], *, number: int, has_next: bool) -> None:
        self.object_list = object_list
        self.number = number
        self._has_next = has_next

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def comment_page(*, idea: Any, viewer: Any, number: Any, per_page: int) -> CommentPage:
    """Page `number` (Paginator's rules) of the top-level comments of `idea` this viewer may see
    (comments_for_idea), each with its replies: CommentRows while the fragments are on,
    Comments from the ORM otherwise."""
    try:
        wanted = int(number) if number is not None else 1
    except (TypeError, ValueError):
        wanted = 1
    if wanted >= 1 and (wanted - 1) * per_page < MAX_OFFSET:
        tops = _fetch(idea, viewer, offset=(wanted - 1) * per_page, limit=per_page + 1)
        if tops or wanted == 1:
            return CommentPage(tops[:per_page], number=wanted, has_next=len(tops) > per_page)
    # Past the end, or below 1: the last page, as Paginator.get_page gives.
    count = comments_for_idea(idea=idea, viewer=viewer).count()
    last = max(1, math.ceil(count / per_page))
    tops = _fetch(idea, viewer, offset=(last - 1) * per_page, limit=per_page)
    return CommentPage(tops, number=last, has_next=False)


def _fetch(idea: Any, viewer: Any, *, offset: int, limit: int) -> list[Any]:
    if not fragments_enabled():
        return list(comments_for_idea(idea=idea, viewer=viewer)[offset : offset + limit])
    kind = viewer_kind(viewer)
    statement = compiled(_STATEMENTS, (kind, limit), _compile)
    given = [idea.pk] + ([viewer.pk] if kind == MEMBER else []) + [offset]
    rows = [CommentRow(*row[:5]) for row in statement.fetchall(Comment.objects.db, *given)]
    tops = [row for row in rows if row.parent_id is None]
    by_pk = {top.pk: top for top in tops}
    for row in rows:  # oldest first, so each top's replies are too
        if row.parent_id is not None:
            by_pk[row.parent_id].replies.append(row)
    return tops


_STATEMENTS: dict[tuple[Any, ...], Prepared] = {}


def _compile(kind: str, limit: int) -> Prepared:
    markers: list[Any] = [MARK_ID] + ([MARK_OTHER_ID] if kind == MEMBER else []) + [MARK_THIRD_ID]

    def build(using: str, *marks: Any) -> tuple[str, Sequence[Any]]:
        given = iter(marks)
        idea_id = next(given)
        viewer_id = next(given) if kind == MEMBER else None
        offset = next(given)
        moderator = kind == MODERATOR
        tops = top_comments(idea_id=idea_id, viewer_id=viewer_id, moderator=moderator)
        page_sql, page_params = sql_of(tops.using(using).values_list("id"), using)
        # The ORM writes a slice's bounds into the SQL: here they are parameters, so one
        # statement serves every page. LIMIT and OFFSET read alike on PostgreSQL and SQLite.
        page = RawSQL(  # noqa: S611 (the ORM's own SQL; values are parameters)
            f"SELECT p.id FROM ({page_sql} LIMIT %s OFFSET %s) p",  # noqa: S608 (ORM's SQL)
            (*page_params, limit, offset),
        )
        visible = comments_visible_q(viewer_id, moderator=moderator)
        held = Case(When(visible, then=Value(False)), default=Value(True)) if visible else None
        # Two index reads, not one OR (which PostgreSQL answers by reading every comment).
        page_tops = (
            Comment.objects.using(using)
            .filter(pk__in=page)
            .annotate(held=ExpressionWrapper(held or Value(False), output_field=BooleanField()))
        )
        replies = Comment.objects.using(using).filter(visible, parent_id__in=page)
        replies = replies.annotate(held=Value(False, output_field=BooleanField()))
        parts = [q.values_list(*_COLUMNS, "created_at").order_by() for q in (page_tops, replies)]
        query = parts[0].union(parts[1], all=True).order_by("created_at", "id")
        return sql_of(query, using)

    return Prepared(build, *markers)
