"""A member's lists show the public ideas and their own hidden or waiting ones, in the sort's
order, page after page (keyset cursors), whatever the sort: the rule the list query's
`public OR author = me` filter carries (docs/search.md, "Signed in"), through the ORM's
queryset (fragments off) and through the statement compiled once per shape that lists use
while the fragments are on (ideas.list_rows)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ideas import list_rows, selectors
from ideas.models import Idea
from ideas.pagination import keyset_page
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def walk(viewer, sort: str, per_page: int, *, compiled: bool = False) -> list[int]:  # type: ignore[no-untyped-def]
    """Every idea of the list, following the Next links."""
    keys = selectors.list_ordering(sort)
    seen: list[int] = []
    after = ""
    while len(seen) < 100:  # a cursor that does not decode would start again from page 1
        if compiled:
            page = list_rows.idea_page(viewer=viewer, sort=sort, per_page=per_page, after=after)
            assert all(isinstance(row, list_rows.IdeaRow) for row in page)
        else:
            page = keyset_page(
                selectors.idea_list(viewer=viewer, sort=sort, people=False),
                keys=keys,
                per_page=per_page,
                after=after,
            )
        seen += [idea.pk for idea in page]
        if not page.has_next:
            return seen
        after = page.next_cursor
    raise AssertionError("the list never ended")


@pytest.mark.parametrize("compiled", [False, True], ids=["orm", "compiled"])
@pytest.mark.parametrize("sort", ["trending", "top", "new"])
def test_a_member_finds_their_own_hidden_and_waiting_ideas_in_order_on_every_page(  # type: ignore[no-untyped-def]
    sort, compiled, settings, category, alice, bob
) -> None:
    settings.PAGE_CACHE_SECONDS = 30 if compiled else 0  # list_rows reads slim rows only then
    now = timezone.now()
    for n in range(14):
        author = bob if n % 4 == 0 else alice
        idea = IdeaFactory(author=author, category=category)
        Idea.objects.filter(pk=idea.pk).update(
            vote_count=n % 5,  # ties, broken by the creation time, then the id
            trending_score=(n * 7 % 11) / 10,
            created_at=now - timedelta(hours=n % 6),
            hidden_at=now if n in (0, 5, 8) else None,  # Bob's 0 and 8, Alice's 5
            pending_at=now if n in (4, 9) else None,  # Bob's 4, Alice's 9
        )
    visible = [
        i
        for i in Idea.objects.all()
        if (i.hidden_at is None and i.pending_at is None) or i.author_id == bob.pk
    ]
    keys = selectors.list_ordering(sort)
    expected = [
        i.pk for i in sorted(visible, key=lambda i: [getattr(i, k) for k in keys], reverse=True)
    ]
    own_not_public = {
        i.pk for i in visible if i.author_id == bob.pk and (i.hidden_at or i.pending_at)
    }
    assert len(own_not_public) == 3
    for per_page in (3, 4, 20):
        assert walk(bob, sort, per_page, compiled=compiled) == expected
    assert not own_not_public & set(walk(alice, sort, 4, compiled=compiled))
