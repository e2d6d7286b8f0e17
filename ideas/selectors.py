"""Reads for ideas: querysets with their joins done, so pages make a fixed number of queries."""

from collections.abc import Sequence
from typing import Any

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import MODERATE_CONTENT, staff_role_of
from config.db import MARK_ID, MARK_OTHER_ID, Prepared, sql_of
from ideas.models import Campaign, Category, Idea, IdeaTally, Status, StatusChange, Vote, public_q
from ideas.search import full_text_available, ideas_matching

SORTS = ("trending", "top", "new", "relevance")
# A search shows "more than 1,000 ideas" rather than counting every match of a common word, and
# ranks by relevance only the 1,001 most trending matches (ideas.search.ideas_matching).
SEARCH_COUNT_LIMIT = 1000
# Each sort's keys, all descending, the pk last so the order is total (keyset pagination,
# ideas/pagination.py). Each has its index (ideas.models.Idea.Meta.indexes), read backwards.
LIST_ORDERINGS: dict[str, tuple[str, ...]] = {
    "trending": ("trending_score", "id"),
    "top": ("vote_count", "created_at", "id"),
    "new": ("created_at", "id"),
    "relevance": ("rank", "id"),
}


def _with_viewer_vote(queryset: QuerySet[Idea], viewer: Any) -> QuerySet[Idea]:
    if viewer is not None and viewer.is_authenticated:
        voted = Exists(Vote.objects.filter(user=viewer, idea=OuterRef("pk")))
        return queryset.annotate(viewer_voted=voted)
    return queryset.annotate(viewer_voted=Value(False, output_field=BooleanField()))


def ideas_visible_to(*, viewer: Any = None) -> QuerySet[Idea]:
    """Ideas this viewer may see: a hidden or pending idea stays visible to its author and
    moderators."""
    if viewer is None or not viewer.is_authenticated:
        return Idea.objects.public()
    return visible_to_member(viewer.pk, moderator=viewer.has_perm(MODERATE_CONTENT))


def visible_to_member(viewer_id: int, *, moderator: bool) -> QuerySet[Idea]:
    # A merged idea is nobody's to list: its page redirects to the idea it was merged into.
    ideas = Idea.objects.filter(merged_into__isnull=True)
    if moderator:
        return ideas
    return ideas.filter(public_q() | Q(author_id=viewer_id))


def ideas_for_listing(*, viewer: Any = None) -> QuerySet[Idea]:
    ideas = (
        ideas_visible_to(viewer=viewer)
        .select_related("author", "category")
        .prefetch_related(staff_role_of("author"), "author__badges")
    )
    return _with_viewer_vote(ideas, viewer)


# What a card shows of its author (accounts.templatetags.people: staff badge, badges).
CARD_PEOPLE = (staff_role_of("author"), "author__badges")


def ideas_for_cards(*, pks: Sequence[int]) -> QuerySet[Idea]:
    """What an idea's card shows (ideas.cards), for ideas a list already chose for its viewer."""
    return (
        Idea.objects.filter(pk__in=pks)
        .select_related("author", "category")
        .prefetch_related(*CARD_PEOPLE)
        .defer("body", "body_html")
    )


def idea_list(
    *,
    viewer: Any = None,
    sort: str = "trending",
    category: Category | None = None,
    status: str | None = None,
    query: str = "",
    campaign: Campaign | None = None,
    many_matches: bool = False,
    people: bool = True,
) -> QuerySet[Idea]:
    """The ideas of a list page, in the order of LIST_ORDERINGS[sort], with only what the cards
    show (not the body). With a query, each has `rank` and `headline` (ideas/search.py); the
    "relevance" sort needs a query and full-text search, and falls back to trending otherwise.
    `many_matches`: the query matches more than SEARCH_COUNT_LIMIT ideas (`idea_search_count`),
    so relevance ranks only the SEARCH_COUNT_LIMIT + 1 most trending of them, which is all a
    list shows of a query. `people=False`: the authors' staff role and badges are not prefetched,
    for pages whose cards come from ideas.cards (it reads them for the cards it renders only)."""
    ideas = ideas_for_listing(viewer=viewer).defer("body", "body_html")
    if not people:
        ideas = ideas.prefetch_related(None)
    if campaign is not None:
        ideas = ideas.filter(campaign=campaign)
    if category is not None:
        ideas = ideas.filter(category=category)
    if status:
        ideas = ideas.filter(status=status)
    if query:
        ranked = list_ordering(sort, query=query) == LIST_ORDERINGS["relevance"]
        best_of = SEARCH_COUNT_LIMIT + 1 if ranked and many_matches else None
        ideas = ideas_matching(ideas, query, best_of=best_of)
    return ideas.order_by(*(f"-{key}" for key in list_ordering(sort, query=query)))


def idea_search_count(
    *, viewer: Any = None, category: Category | None = None, status: str | None = None, query: str
) -> int:
    """How many ideas this viewer finds for `query`, counted up to SEARCH_COUNT_LIMIT + 1 only:
    counting every match of a common word costs more than ranking the page."""
    ideas = idea_list(viewer=viewer, sort="new", category=category, status=status, query=query)
    return ideas.order_by().values("pk")[: SEARCH_COUNT_LIMIT + 1].count()


def list_ordering(sort: str, *, query: str = "") -> tuple[str, ...]:
    """The sort keys actually used for this sort: "relevance" only for a full-text query."""
    if sort == "relevance" and not (query and full_text_available()):
        sort = "trending"
    return LIST_ORDERINGS.get(sort, LIST_ORDERINGS["trending"])


def count_querysets(
    *, viewer_id: Any, moderator: bool, category_id: Any = None, status: Any = None
) -> tuple[QuerySet[IdeaTally], QuerySet[Idea] | None]:
    """What a list without a search query counts for a viewer (`viewer_id` None for a visitor),
    as two querysets whose sizes add up: the tallies the database keeps (ideas.models.IdeaTally,
    their `n` summed) instead of counting the idea table, and a member's own hidden or waiting
    ideas, which visible_to_member lists too (None for visitors and moderators).
    ideas.list_rows compiles them once per shape, with placeholders for the values."""
    tallies = IdeaTally.objects.order_by()
    own = None
    if viewer_id is not None and not moderator:
        own = Idea.objects.order_by().filter(author_id=viewer_id, merged_into__isnull=True)
        own = own.exclude(public_q())
    if category_id is not None:
        tallies = tallies.filter(category_id=category_id)
        own = own.filter(category_id=category_id) if own is not None else None
    if status is not None:
        tallies = tallies.filter(status=status)
        own = own.filter(status=status) if own is not None else None
    if not moderator:  # a moderator's lists count hidden and waiting ideas too
        tallies = tallies.filter(public=True)
    return tallies, own


def idea_get_for_user(*, user: Any, pk: int, people: bool = True) -> Idea:
    """The one access rule for reading an idea (404 when it is not there for this user), with
    its campaign (the idea page names it). `people=False`: the author's staff role and badges are
    not prefetched, for the idea page, whose text comes from ideas.idea_text (it reads them
    only when it renders the text)."""
    ideas = ideas_for_listing(viewer=user).select_related("campaign")
    if not people:
        ideas = ideas.prefetch_related(None)
    return get_object_or_404(ideas, pk=pk)


def idea_for_text(*, pk: int) -> Idea | None:
    """What an idea page's text shows (ideas.idea_text), for an idea its page already chose
    for its viewer, read again after the fragments' generation."""
    return (
        Idea.objects.filter(pk=pk).select_related("author").prefetch_related(*CARD_PEOPLE).first()
    )


def idea_get_for_vote(*, user: Any, pk: int) -> Idea:
    """The same access rule as idea_get_for_user, reading only what a vote and its button need
    (no author, category, badges or body): the vote path is the busiest signed-in request."""
    from accounts.roles import MODERATE_CONTENT

    if not user.is_authenticated:
        ideas = ideas_visible_to(viewer=user).only("pk", "vote_count")
        return get_object_or_404(_with_viewer_vote(ideas, user), pk=pk)
    using = Idea.objects.db
    rows = _FOR_VOTE[user.has_perm(MODERATE_CONTENT)].fetchall(using, user.pk, pk)
    if not rows:
        raise Http404("No idea matches the given query.")
    found, vote_count, voted = rows[0]
    idea = Idea.from_db(using, ["id", "vote_count"], [found, vote_count])
    idea.viewer_voted = bool(voted)  # type: ignore[attr-defined]
    return idea


def _for_vote(*, moderator: bool) -> Prepared:
    """idea_get_for_vote's query, compiled once per process (config.db.Prepared): compiling it
    cost 1.2 of its 1.9 ms of CPU on every vote."""

    def build(using: str, viewer_id: int, pk: int) -> tuple[str, Sequence[Any]]:
        voted = Exists(Vote.objects.filter(user_id=viewer_id, idea=OuterRef("pk")))
        ideas = visible_to_member(viewer_id, moderator=moderator).using(using)
        query = ideas.only("pk", "vote_count").annotate(viewer_voted=voted).filter(pk=pk)
        return sql_of(query.order_by(), using)

    return Prepared(build, MARK_ID, MARK_OTHER_ID, server_prepared=True)


_FOR_VOTE = {moderator: _for_vote(moderator=moderator) for moderator in (False, True)}


def idea_merged_away(*, pk: int) -> Idea | None:
    """The idea with this pk if a moderator merged it into another, with that idea joined."""
    return (
        Idea.objects.filter(pk=pk, merged_into__isnull=False).select_related("merged_into").first()
    )


def ideas_merged_into(*, idea: Idea) -> QuerySet[Idea]:
    """Duplicates merged into this idea that its page may name (a hidden one stays unnamed)."""
    return idea.merged_ideas.filter(hidden_at__isnull=True, pending_at__isnull=True).order_by(
        "merged_at", "pk"
    )


def idea_status_history(*, idea: Idea) -> QuerySet[StatusChange]:
    return idea.status_changes.select_related("changed_by").order_by("created_at")


def ideas_by_author(*, author: User, viewer: Any = None) -> QuerySet[Idea]:
    return ideas_for_listing(viewer=viewer).filter(author=author).order_by("-created_at")


def ideas_voted_by(*, user: User) -> QuerySet[Idea]:
    return ideas_for_listing(viewer=user).filter(votes__user=user).order_by("-votes__created_at")


def categories_with_counts() -> QuerySet[Category]:
    """Categories with their public ideas counted (`idea_count`, `open_count`), read from the
    tallies the database keeps: a few dozen rows, whatever the number of ideas."""
    public = Q(tallies__public=True)
    closed = Q(tallies__status__in=[Status.DONE, Status.DECLINED])
    return Category.objects.annotate(
        idea_count=Coalesce(Sum("tallies__n", filter=public), 0),
        open_count=Coalesce(Sum("tallies__n", filter=public & ~closed), 0),
    )


def recent_status_changes(*, limit: int = 5) -> QuerySet[StatusChange]:
    """The latest official answers, one per idea (its newest): an idea answered twice in a
    week was listed twice under "Latest answers"."""
    newest_of_its_idea = (
        StatusChange.objects.filter(idea=OuterRef("idea"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    return (
        StatusChange.objects.filter(public_q("idea__"), pk=Subquery(newest_of_its_idea))
        .select_related("idea", "changed_by")
        .order_by("-created_at", "-pk")[:limit]
    )
