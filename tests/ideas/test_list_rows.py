"""The idea list's and home page's reads compiled once per shape (ideas.list_rows): the same
ideas in the same order, page after page in both directions, the same counts and the same HTML
as the ORM's querysets, for visitors, members with hidden or waiting ideas, and moderators."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ideas import list_rows, selectors
from ideas.cards import _render
from ideas.models import Idea, Status, StatusChange
from ideas.pagination import KeysetPage, keyset_page
from tests.factories import CategoryFactory, IdeaFactory
from tests.helpers import assert_kept_page_is_whole, compiled_models, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def ideas(category, alice, bob):  # type: ignore[no-untyped-def]
    """16 ideas in two categories with ties in every sort; Bob's 0 and 8 hidden, Alice's 5
    hidden, Bob's 4 and Alice's 9 waiting for a moderator."""
    other = CategoryFactory(slug="savings", name_en="Savings")
    now = timezone.now()
    made = []
    for n in range(16):
        author, where = bob if n % 4 == 0 else alice, other if n % 3 else category
        idea = IdeaFactory(author=author, category=where)
        Idea.objects.filter(pk=idea.pk).update(
            vote_count=n % 5,
            trending_score=(n * 7 % 11) / 10,
            # Half past the hour: the cards' "N hours ago" stays the same while a test runs.
            created_at=now - timedelta(hours=n % 6 + 1, minutes=30),
            status=Status.PLANNED if n % 2 else Status.NEW,
            hidden_at=now if n in (0, 5, 8) else None,
            pending_at=now if n in (4, 9) else None,
        )
        made.append(idea)
    return made


def orm_walk(viewer, sort, category, status, per_page):  # type: ignore[no-untyped-def]
    pages: list[KeysetPage] = []
    after = ""
    while len(pages) < 20:  # a cursor that does not decode would start again from page 1
        ideas = selectors.idea_list(
            viewer=viewer, sort=sort, category=category, status=status, people=False
        )
        keys = selectors.list_ordering(sort)
        page = keyset_page(ideas, keys=keys, per_page=per_page, after=after)
        pages.append(page)
        if not page.has_next:
            return pages
        after = page.next_cursor
    raise AssertionError("the list never ended")


@pytest.mark.parametrize("sort", ["trending", "top", "new"])
@pytest.mark.parametrize("who", ["anonymous", "bob", "moderator"])
def test_compiled_pages_match_the_orm_forwards_and_back_with_every_filter(  # type: ignore[no-untyped-def]
    sort, who, ideas, settings, category, bob, moderator
) -> None:
    settings.PAGE_CACHE_SECONDS = 30
    viewer = {"anonymous": None, "bob": bob, "moderator": moderator}[who]
    filters = ((None, None), (category, None), (None, Status.PLANNED), (category, Status.NEW))
    for chosen, status in filters:
        expected = orm_walk(viewer, sort, chosen, status, 3)
        after, pages = "", list[KeysetPage]()
        while len(pages) < 20:
            page = list_rows.idea_page(
                viewer=viewer, sort=sort, category=chosen, status=status, per_page=3, after=after
            )
            assert all(isinstance(row, list_rows.IdeaRow) for row in page)
            pages.append(page)
            if not page.has_next:
                break
            after = page.next_cursor
        assert [[r.pk for r in p] for p in pages] == [[i.pk for i in p] for p in expected]
        assert [(p.next_cursor, p.previous_cursor, p.first) for p in pages] == [
            (p.next_cursor, p.previous_cursor, p.first) for p in expected
        ]
        # Back from the last page with the Previous links: the same pages in reverse.
        back: list[list[int]] = []
        page = pages[-1]
        while page.has_previous and len(back) < 20:
            page = list_rows.idea_page(
                viewer=viewer,
                sort=sort,
                category=chosen,
                status=status,
                per_page=3,
                before=page.previous_cursor,
            )
            back.append([r.pk for r in page])
        assert back == [[r.pk for r in p] for p in pages[-2::-1]]
        # The count beside the list is how many ideas it walks, member's own hidden ideas included.
        seen = sum(len(p) for p in pages)
        assert list_rows.idea_count(viewer=viewer, category=chosen, status=status) == seen


def test_cursor_times_carry_their_time_zone_on_every_database(ideas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PAGE_CACHE_SECONDS = 30
    page = list_rows.idea_page(viewer=None, sort="new", per_page=3)
    assert all(row.created_at.tzinfo is not None for row in page)
    following = list_rows.idea_page(viewer=None, sort="new", per_page=3, after=page.next_cursor)
    assert following.first is False


def test_categories_and_their_counts_match_the_orm(ideas) -> None:  # type: ignore[no-untyped-def]
    compiled = list_rows.categories_with_counts()
    orm = list(selectors.categories_with_counts())
    assert [(c.pk, c.slug, c.name, c.idea_count, c.open_count) for c in compiled] == [
        (c.pk, c.slug, c.name, c.idea_count, c.open_count) for c in orm
    ]
    assert sum(c.idea_count for c in compiled) == 11  # 16 less the 5 hidden or waiting


@pytest.mark.integration
@pytest.mark.parametrize("who", ["anonymous", "bob", "moderator"])
def test_the_lists_and_home_are_the_same_html_from_compiled_rows(  # type: ignore[no-untyped-def]
    who, shared_cache, settings, ideas, category, bob, moderator
) -> None:
    """Slim rows and fragments (cache on) against whole ideas rendered in full (cache off):
    whole pages for members, the htmx part for visitors (whole pages come from the page cache)."""
    client = {"anonymous": Client(), "bob": signed_in(bob), "moderator": signed_in(moderator)}[who]
    headers = {"HTTP_HX_REQUEST": "true"} if who == "anonymous" else {}
    settings.IDEAS_PER_PAGE = 4
    urls = ["/", "/ideas/", "/ideas/?sort=top", f"/ideas/?sort=new&category={category.slug}"]
    first = client.get("/ideas/?sort=new", HTTP_HX_REQUEST="true").context["page"]
    urls += [f"/ideas/?sort=new&after={first.next_cursor}", "/ideas/?status=planned"]
    for url in urls:
        assert_kept_page_is_whole(client, settings, url, "idea-card", **headers)


@pytest.mark.integration
def test_a_warm_signed_in_list_compiles_no_query_of_its_own(  # type: ignore[no-untyped-def]
    shared_cache, monkeypatch, ideas, bob
) -> None:
    compiled = compiled_models(monkeypatch)
    client = signed_in(bob)
    for url in ("/ideas/", "/ideas/?sort=top&status=planned", "/"):
        client.get(url)
        client.get(url)  # cards stored, every shape compiled once
        compiled.clear()
        assert client.get(url).status_code == 200
        assert not {"ideas.Idea", "ideas.IdeaTally", "ideas.Category"} & set(compiled), url
    list(Idea.objects.filter(pk=0))
    assert "ideas.Idea" in compiled  # the spy sees what is compiled


def test_a_card_whose_idea_is_gone_before_its_rows_are_read_again_is_left_out(  # type: ignore[no-untyped-def]
    ideas, settings
) -> None:
    settings.PAGE_CACHE_SECONDS = 30
    rows = list_rows.idea_page(viewer=None, sort="new", per_page=2).object_list
    Idea.objects.filter(pk=rows[0].pk).delete()
    cards = _render(rows, "2", fresh=False)
    assert cards[rows[0].pk] == ""
    assert 'class="idea-card"' in cards[rows[1].pk]


def test_the_latest_answers_match_the_orm_and_skip_hidden_ideas(  # type: ignore[no-untyped-def]
    ideas, product_manager
) -> None:
    for idea in ideas:  # two answers on each idea: only the newest is listed
        for to_status in (Status.UNDER_REVIEW, Status.PLANNED):
            StatusChange.objects.create(
                idea=idea, changed_by=product_manager, from_status=Status.NEW, to_status=to_status
            )
    compiled = list_rows.recent_answers(limit=5)
    orm = list(selectors.recent_status_changes(limit=5))
    assert len(compiled) == 5
    assert [
        (c.pk, c.idea.pk, c.idea.title, c.to_status, c.get_to_status_display(), c.created_at)
        for c in compiled
    ] == [
        (c.pk, c.idea.pk, c.idea.title, c.to_status, c.get_to_status_display(), c.created_at)
        for c in orm
    ]
    assert all(c.created_at.tzinfo is not None for c in compiled)
    assert all(c.idea.get_absolute_url() == f"/ideas/{c.idea.pk}/" for c in compiled)
