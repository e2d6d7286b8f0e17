"""Search through the idea list on any database (PostgreSQL full-text search is tested in
tests/integration/test_full_text_search.py; SQLite matches words in the title or body)."""

import re

from django.urls import reverse

from ideas.search import highlighted
from tests.factories import IdeaFactory


def _titles(client, **params) -> list[str]:  # type: ignore[no-untyped-def]
    page = client.get(reverse("ideas:list"), params).text
    return re.findall(r'<h2><a href="/ideas/\d+/">([^<]+)</a></h2>', page)


def test_search_finds_a_word_of_the_title_or_of_the_description(client, db):
    IdeaFactory(title="Freeze my card", body="From the app.")
    IdeaFactory(title="Savings jar", body="Round up each card payment.")
    IdeaFactory(title="Cheaper loans", body="Lower rates.")
    assert set(_titles(client, q="card")) == {"Freeze my card", "Savings jar"}
    assert _titles(client, q="loans") == ["Cheaper loans"]


def test_search_keeps_an_explicit_sort(client, db):
    IdeaFactory(title="Card one", vote_count=1)
    IdeaFactory(title="Card two", vote_count=9)
    response = client.get(reverse("ideas:list"), {"q": "card", "sort": "top"})
    assert response.context["sort"] == "top"
    assert _titles(client, q="card", sort="top") == ["Card two", "Card one"]


def test_a_relevance_sort_without_a_query_is_the_trending_list(client, db):
    IdeaFactory(title="Card one")
    assert client.get(reverse("ideas:list"), {"sort": "relevance"}).context["sort"] == "trending"


def test_highlighted_snippets_escape_everything_and_balance_the_marks():
    assert highlighted("a <b> \x02card\x03 & more") == "a &lt;b&gt; <mark>card</mark> &amp; more"
    # Stray markers typed into an idea never leave a tag open or close one that is not open.
    assert highlighted("\x03x \x02y") == "x <mark>y</mark>"
    assert highlighted("\x02\x02z") == "<mark>z</mark>"
