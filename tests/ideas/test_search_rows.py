"""The search list's reads compiled once per shape (ideas.search_rows): the same matches in the
same order, page after page in both directions, the same ranks, headlines and counts as the
ORM's querysets (selectors.idea_list, selectors.idea_search_count), on PostgreSQL's full-text
search and on SQLite's fallback, for visitors, members with hidden or waiting ideas and
moderators; and the same HTML."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from ideas import search_rows, selectors
from ideas.models import Idea, Status
from ideas.pagination import KeysetPage, keyset_page
from tests.factories import CategoryFactory, IdeaFactory
from tests.helpers import assert_kept_page_is_whole, compiled_models, signed_in

pytestmark = pytest.mark.django_db

TEXTS = [
    ("Carte bancaire virtuelle", "Une carte par site marchand, 100% en ligne.", "fr"),
    ("Freeze my card", "Freezing a card from the app when it is lost.", "en"),
    ("Épargne par carte", "Arrondir chaque paiement par carte_bleue.", "fr"),
    ("Card savings", "Round up each card payment into a jar.", "en"),
    ("Cheaper loans", "Nothing about cards here, only loans.", "en"),
]
QUERIES = ["card", "carte", "carte bancaire", '"card payment"', "card -freeze", "100%", "_", "é"]


@pytest.fixture
def ideas(category, alice, bob):  # type: ignore[no-untyped-def]
    """20 ideas in two categories, ties in every sort; Bob's 0 and 8 hidden, Alice's 5 hidden,
    Bob's 4 and Alice's 9 waiting for a moderator."""
    other = CategoryFactory(slug="savings", name_en="Savings")
    now = timezone.now()
    made = []
    for n in range(20):
        title, body, language = TEXTS[n % len(TEXTS)]
        author, where = bob if n % 4 == 0 else alice, other if n % 3 else category
        idea = IdeaFactory(
            author=author, category=where, title=f"{title} {n}", body=body, language=language
        )
        Idea.objects.filter(pk=idea.pk).update(
            vote_count=n % 5,
            trending_score=(n * 7 % 11) / 10,
            # An hour old at least: "2 hours ago" reads the same however long a test takes.
            created_at=now - timedelta(hours=n % 6 + 1),
            status=Status.PLANNED if n % 2 else Status.NEW,
            hidden_at=now if n in (0, 5, 8) else None,
            pending_at=now if n in (4, 9) else None,
        )
        made.append(idea)
    return made


def orm_walk(viewer, sort, query, category, status, many, per_page):  # type: ignore[no-untyped-def]
    pages: list[KeysetPage] = []
    after = ""
    while len(pages) < 30:
        ideas = selectors.idea_list(
            viewer=viewer,
            sort=sort,
            category=category,
            status=status,
            query=query,
            many_matches=many,
            people=False,
        )
        keys = selectors.list_ordering(sort, query=query)
        page = keyset_page(ideas, keys=keys, per_page=per_page, after=after)
        pages.append(page)
        if not page.has_next:
            return pages
        after = page.next_cursor
    raise AssertionError("the list never ended")


def _seen(page):  # type: ignore[no-untyped-def]
    return [(r.pk, r.vote_count, bool(r.viewer_voted), r.rank, r.headline) for r in page]


@pytest.mark.parametrize("who", ["anonymous", "bob", "moderator"])
def test_compiled_searches_match_the_orm_forwards_and_back_with_every_filter(  # type: ignore[no-untyped-def]
    who, ideas, settings, monkeypatch, category, bob, moderator
) -> None:
    settings.PAGE_CACHE_SECONDS = 30
    viewer = {"anonymous": None, "bob": bob, "moderator": moderator}[who]
    filters = ((None, None), (category, None), (None, Status.PLANNED), (category, Status.NEW))
    for limit in (1000, 3):  # 3: "many matches", ranked among the most trending
        monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", limit)
        for query in QUERIES:
            for sort in ("relevance", "trending", "top", "new"):
                for chosen, status in filters if query == "card" else filters[:1]:
                    _compare(viewer, sort, query, chosen, status)


def _compare(viewer, sort, query, chosen, status) -> None:  # type: ignore[no-untyped-def]
    where = (sort, query, chosen, status)
    total = search_rows.search_count(viewer=viewer, category=chosen, status=status, query=query)
    assert total == selectors.idea_search_count(
        viewer=viewer, category=chosen, status=status, query=query
    ), where
    many = total > selectors.SEARCH_COUNT_LIMIT
    expected = orm_walk(viewer, sort, query, chosen, status, many, 3)
    after, pages = "", list[KeysetPage]()
    while len(pages) < 30:
        page = search_rows.search_page(
            viewer=viewer,
            sort=sort,
            query=query,
            category=chosen,
            status=status,
            many_matches=many,
            per_page=3,
            after=after,
        )
        assert all(isinstance(row, search_rows.SearchRow) for row in page)
        pages.append(page)
        if not page.has_next:
            break
        after = page.next_cursor
    assert [_seen(p) for p in pages] == [_seen(p) for p in expected], where
    assert [(p.next_cursor, p.previous_cursor, p.first) for p in pages] == [
        (p.next_cursor, p.previous_cursor, p.first) for p in expected
    ], where
    back: list[list[int]] = []
    page = pages[-1]
    while page.has_previous and len(back) < 30:
        page = search_rows.search_page(
            viewer=viewer,
            sort=sort,
            query=query,
            category=chosen,
            status=status,
            many_matches=many,
            per_page=3,
            before=page.previous_cursor,
        )
        back.append([r.pk for r in page])
    assert back == [[r.pk for r in p] for p in pages[-2::-1]], where


def test_the_fixture_finds_something_on_this_database(ideas) -> None:  # type: ignore[no-untyped-def]
    found = search_rows.search_count(viewer=None, query="card")
    assert found == selectors.idea_search_count(viewer=None, query="card") > 3
    # The two public ideas saying "100%": SQLite's LIKE with % escaped, PostgreSQL's "100".
    assert search_rows.search_count(viewer=None, query="100%") == 2
    assert search_rows.search_count(viewer=None, query="_") == (
        0 if connection.vendor == "postgresql" else 4  # "carte_bleue", _ escaped
    )


@pytest.mark.integration
@pytest.mark.parametrize("who", ["anonymous", "bob", "moderator"])
def test_search_pages_are_the_same_html_from_compiled_rows(  # type: ignore[no-untyped-def]
    who, shared_cache, settings, ideas, category, bob, moderator
) -> None:
    """Slim rows and fragments (cache on) against whole ideas rendered in full (cache off)."""
    client = {"anonymous": Client(), "bob": signed_in(bob), "moderator": signed_in(moderator)}[who]
    headers = {"HTTP_HX_REQUEST": "true"} if who == "anonymous" else {}
    settings.IDEAS_PER_PAGE = 4
    urls = [
        "/ideas/?q=card",
        "/ideas/?q=carte&sort=top",
        f"/ideas/?q=card&category={category.slug}",
    ]
    first = client.get("/ideas/?q=card", HTTP_HX_REQUEST="true").context["page"]
    urls += [f"/ideas/?q=card&after={first.next_cursor}", "/ideas/?q=card&status=planned"]
    for url in urls:
        assert_kept_page_is_whole(client, settings, url, "idea-card", **headers)


@pytest.mark.integration
def test_a_warm_signed_in_search_compiles_no_query_of_its_own(  # type: ignore[no-untyped-def]
    shared_cache, monkeypatch, ideas, bob
) -> None:
    compiled = compiled_models(monkeypatch)
    client = signed_in(bob)
    for url in ("/ideas/?q=card", "/ideas/?q=carte&sort=top&status=planned"):
        client.get(url)
        client.get(url)  # cards stored, every shape compiled once
        compiled.clear()
        assert client.get(url).status_code == 200
        assert "ideas.Idea" not in compiled, url
    list(Idea.objects.filter(pk=0))
    assert "ideas.Idea" in compiled  # the spy sees what is compiled
