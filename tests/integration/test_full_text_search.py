"""Full-text search on PostgreSQL, through the idea list as a visitor searches: French and
English stemming, accents folded, ranked, highlighted safely, websearch syntax, public only."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from community.moderation import services as moderation_services
from tests.factories import IdeaFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _needs_postgresql():  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("full-text search runs on PostgreSQL (set DATABASE_URL)")


def _titles(client, query: str, **params) -> list[str]:  # type: ignore[no-untyped-def]
    page = client.get(reverse("ideas:list"), {"q": query, **params}).text
    return re.findall(r'<h2><a href="/ideas/\d+/">([^<]+)</a></h2>', page)


@pytest.fixture
def ideas(db):  # type: ignore[no-untyped-def]
    return {
        "epargne": IdeaFactory(
            title="Épargne automatique", body="Arrondir chaque paiement par carte.", language="fr"
        ),
        "cartes": IdeaFactory(
            title="Cartes bancaires virtuelles",
            body="Une carte par site marchand, pour payer en ligne sans crainte.",
            language="fr",
        ),
        "savings": IdeaFactory(
            title="Savings goals", body="Saving for holidays with a jar per goal.", language="en"
        ),
        "freeze": IdeaFactory(
            title="Freeze my card",
            body="Freezing a card from the app when it is lost.",
            language="en",
        ),
        "loans": IdeaFactory(
            title="Cheaper loans", body="Nothing about payment instruments here.", language="en"
        ),
    }


def test_french_words_match_their_inflections_and_accents_are_folded(client, ideas):
    assert _titles(client, "epargne") == ["Épargne automatique"]  # no accent typed
    assert _titles(client, "ÉPARGNES") == ["Épargne automatique"]
    assert set(_titles(client, "carte bancaire")) == {"Cartes bancaires virtuelles"}


def test_english_words_match_their_stems(client, ideas):
    assert _titles(client, "saving") == ["Savings goals"]
    assert _titles(client, "frozen freezes") == []  # both words must match: "frozen" is not a stem
    assert _titles(client, "freezes") == ["Freeze my card"]


def test_a_title_match_ranks_above_a_body_match(client, ideas):
    # "card": the title of "Freeze my card", only the body of the French ideas ("carte" stems
    # differently in French, so they match by their English parse only if the word is there).
    IdeaFactory(title="Travel insurance", body="A card benefit: card card card.", language="en")
    titles = _titles(client, "card")
    assert titles[0] == "Freeze my card"
    assert "Travel insurance" in titles


def test_websearch_syntax_works_and_odd_input_is_never_an_error(client, ideas):
    assert _titles(client, '"savings goals"') == ["Savings goals"]
    assert set(_titles(client, "savings or loans")) == {"Savings goals", "Cheaper loans"}
    assert _titles(client, "card -freeze") == []
    for odd in ["'); DROP TABLE ideas_idea; --", "&|!():*<>", '"', "-", "or", "\\"]:
        response = client.get(reverse("ideas:list"), {"q": odd})
        assert response.status_code == 200, odd
    assert client.get(reverse("ideas:list")).status_code == 200  # the table is still there


def test_snippets_mark_the_matches_and_escape_the_text(client, db):
    IdeaFactory(
        title="Alerts",
        body='Alert <script>alert("x")</script> when my balance < 100 & rent is due \x02 soon.',
        language="en",
    )
    page = client.get(reverse("ideas:list"), {"q": "balance"}).text
    snippet = re.search(r'<p class="snippet" lang="en">(.*?)</p>', page, re.S)
    assert snippet
    assert "<mark>balance</mark>" in snippet.group(1)
    assert "<script" not in snippet.group(1)  # PostgreSQL drops tags; the rest is escaped
    assert "&lt; 100 &amp; rent" in snippet.group(1)
    assert snippet.group(1).count("<mark>") == snippet.group(1).count("</mark>")


def test_search_finds_only_public_ideas(client, ideas, moderator):
    moderation_services.content_hide(actor=moderator, idea=ideas["savings"], reason="spam")
    assert _titles(client, "savings") == []


def test_edits_are_searchable_at_once(client, ideas, alice):
    from ideas.models import Idea

    Idea.objects.filter(pk=ideas["loans"].pk).update(title="Mortgage calculator")
    assert _titles(client, "mortgage") == ["Mortgage calculator"]
    assert _titles(client, "cheaper") == []


def test_search_results_are_paginated_by_relevance(client, db, settings):
    settings.IDEAS_PER_PAGE = 3
    for i in range(7):
        IdeaFactory(title=f"Budget tool {i}", body="budget " * (i + 1), language="en")
    first = client.get(reverse("ideas:list"), {"q": "budget"})
    assert first.context["sort"] == "relevance"
    seen = [i.pk for i in first.context["page"]]
    page = first
    while page.context["page"].has_next:
        page = client.get(
            reverse("ideas:list"), {"q": "budget", "after": page.context["page"].next_cursor}
        )
        seen += [i.pk for i in page.context["page"]]
    assert len(seen) == len(set(seen)) == 7
    ranks = [i.rank for i in first.context["page"]]
    assert ranks == sorted(ranks, reverse=True)
    assert "7 ideas" in first.text


def test_a_query_with_more_matches_than_a_list_shows_is_ranked_among_the_most_trending(
    client, db, monkeypatch
):
    """Past SEARCH_COUNT_LIMIT matches only the most trending LIMIT + 1 are ranked (the walk
    down the trending index is bounded whatever the number of ideas); below it, all are."""
    from ideas import selectors
    from ideas.models import Idea

    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 3)
    budget = [
        IdeaFactory(title=f"Budget {i}", body="budget " * (9 - i), language="en") for i in range(6)
    ]
    for n, idea in enumerate(budget):  # the ideas with the fewest "budget" trend the most
        Idea.objects.filter(pk=idea.pk).update(trending_score=float(n))
    page = client.get(reverse("ideas:list"), {"q": "budget"})
    shown = [i.pk for i in page.context["page"]]
    most_trending = {i.pk for i in budget[2:]}  # 4 = SEARCH_COUNT_LIMIT + 1
    assert set(shown) <= most_trending
    assert budget[0].pk not in shown
    assert page.context["more_than_total"]
    ranks = [i.rank for i in page.context["page"]]
    assert ranks == sorted(ranks, reverse=True)

    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 10)  # all six ranked
    page = client.get(reverse("ideas:list"), {"q": "budget"})
    best = next(iter(page.context["page"]))
    assert best.pk == budget[0].pk  # the best match, not the most trending
