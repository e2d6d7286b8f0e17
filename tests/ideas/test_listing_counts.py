"""The counts of the idea list and the home page come from tallies the database keeps with
triggers (ideas.models.IdeaTally): every way an idea is published, hidden, approved, merged,
moved or deleted keeps them equal to a real count, on SQLite and PostgreSQL."""

import re

import pytest
from django.db.models import Count, Q
from django.urls import reverse

from accounts.privacy import account_delete
from community.moderation import merging, premoderation
from community.moderation import services as moderation_services
from ideas.models import Idea, IdeaTally, Status
from ideas.services import idea_change_status, idea_update
from tests.factories import CategoryFactory, IdeaFactory, UserFactory


def _tallies() -> dict[tuple[int, str, bool], int]:
    return {(t.category_id, t.status, t.public): t.n for t in IdeaTally.objects.all() if t.n != 0}


def _counted() -> dict[tuple[int, str, bool], int]:
    """The same numbers, counted from the idea table the slow way."""
    rows = (
        Idea.objects.filter(merged_into__isnull=True)
        .values("category_id", "status")
        .annotate(
            public=Count("pk", filter=Q(hidden_at__isnull=True, pending_at__isnull=True)),
            other=Count("pk", filter=Q(hidden_at__isnull=False) | Q(pending_at__isnull=False)),
        )
    )
    counts = {}
    for row in rows:
        for public, n in ((True, row["public"]), (False, row["other"])):
            if n:
                counts[(row["category_id"], row["status"], public)] = n
    return counts


def _listed(client, **params) -> int:  # type: ignore[no-untyped-def]
    """The "N ideas" the list page shows."""
    page = client.get(reverse("ideas:list"), params).text
    match = re.search(r'<p class="result-count">(\d+) ideas?</p>', page)
    assert match, page
    return int(match.group(1))


def _on_home(client, category) -> int:  # type: ignore[no-untyped-def]
    page = client.get(reverse("ideas:home")).text
    match = re.search(rf'\?category={category.slug}">[^<]+</a> <span class="count">(\d+)<', page)
    assert match
    return int(match.group(1))


@pytest.fixture
def cards(db):  # type: ignore[no-untyped-def]
    return CategoryFactory(slug="cards-tally", name_en="Cards")


@pytest.fixture
def loans(db):  # type: ignore[no-untyped-def]
    return CategoryFactory(slug="loans-tally", name_en="Loans")


def test_counts_follow_publishing_hiding_restoring_approving_and_status(
    client, alice, moderator, product_manager, cards, loans, settings
):
    client.force_login(alice)
    for title in ("Freeze my card", "Virtual card for online shopping"):
        client.post(
            reverse("ideas:create"),
            {"title": title, "body": "Please.", "category": cards.pk, "language": "en"},
        )
    assert _listed(client, category=cards.slug) == 2
    client.logout()
    assert _on_home(client, cards) == 2
    assert _on_home(client, loans) == 0

    first = Idea.objects.get(title="Freeze my card")
    moderation_services.content_hide(actor=moderator, idea=first, reason="spam")
    assert _listed(client) == 1
    assert _on_home(client, cards) == 1
    client.force_login(alice)  # her own hidden idea is still listed for her
    assert _listed(client) == 2
    client.force_login(moderator)
    assert _listed(client) == 2
    client.logout()
    moderation_services.content_restore(actor=moderator, idea=first, reason="not spam")
    assert _listed(client) == 2

    settings.RUCHE_PREMODERATE_FIRST_POST = True
    newcomer = UserFactory()
    client.force_login(newcomer)
    client.post(
        reverse("ideas:create"),
        {
            "title": "Round up my purchases",
            "body": "Savings.",
            "category": loans.pk,
            "language": "en",
        },
    )
    waiting = Idea.objects.get(title="Round up my purchases")
    assert waiting.is_pending
    assert _listed(client) == 3  # the newcomer sees their own waiting idea
    client.logout()
    assert _listed(client) == 2
    premoderation.idea_approve(actor=moderator, idea=waiting)
    assert _listed(client) == 3
    assert _listed(client, category=loans.slug) == 1

    idea_change_status(idea=first, actor=product_manager, to_status=Status.PLANNED, response="Yes")
    assert _listed(client, status=Status.PLANNED) == 1
    assert _listed(client, status=Status.NEW) == 2
    assert _tallies() == _counted()


def test_counts_follow_merges_edits_and_deletions(client, alice, bob, moderator, cards, loans):
    kept = IdeaFactory(author=alice, category=cards, title="Freeze my card")
    duplicate = IdeaFactory(author=bob, category=cards, title="Lock my card")
    other = IdeaFactory(author=bob, category=cards, title="Cheaper loans")
    assert _listed(client, category=cards.slug) == 3

    merging.idea_merge(actor=moderator, source=duplicate, target=kept)
    assert _listed(client, category=cards.slug) == 2
    client.force_login(moderator)  # a merged idea is nobody's to list, moderators' included
    assert _listed(client, category=cards.slug) == 2
    client.logout()

    idea_update(idea=other, editor=bob, title=other.title, body="x", category=loans, language="en")
    assert _listed(client, category=cards.slug) == 1
    assert _listed(client, category=loans.slug) == 1
    assert _on_home(client, loans) == 1

    account_delete(user=bob, keep_content=False)
    assert _listed(client) == 1
    Idea.objects.filter(pk=kept.pk).delete()
    assert _listed(client) == 0
    assert _on_home(client, cards) == 0
    assert _tallies() == _counted()


def test_counts_survive_queryset_updates_that_bypass_the_services(client, cards, loans):
    """A bulk UPDATE (an admin action, a data fix) keeps the tallies right too."""
    IdeaFactory.create_batch(4, category=cards)
    Idea.objects.filter(pk__in=Idea.objects.values("pk")[:3]).update(category=loans)
    Idea.objects.filter(category=loans).update(status=Status.DONE)
    assert _listed(client, category=loans.slug, status=Status.DONE) == 3
    assert _listed(client, category=cards.slug) == 1
    assert _tallies() == _counted()


def test_the_list_and_home_never_count_the_idea_table(client, cards):
    """The counts come from the tallies: no COUNT over the idea table (or of the ideas of each
    category) on either page. (The home page's open campaigns count their own ideas, at most
    three campaigns' worth, through the campaign index.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    IdeaFactory.create_batch(3, category=cards)
    for url in (reverse("ideas:home"), reverse("ideas:list")):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counting = [
            q["sql"]
            for q in queries
            if "COUNT(" in q["sql"].upper()
            and ('FROM "ideas_idea"' in q["sql"] or 'FROM "ideas_category"' in q["sql"])
        ]
        assert counting == [], counting
