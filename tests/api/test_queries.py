"""API lists make a fixed number of queries, whatever the page size (as the site's pages)."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import roles
from community.models import Flag
from community.notifications.services import notify_badge
from ideas.models import Campaign
from tests.api.conftest import bearer, token_for
from tests.factories import CategoryFactory, CommentFactory, IdeaFactory, UserFactory


def _queries(api, url: str, **headers: str) -> int:  # type: ignore[no-untyped-def]
    api.get(url, **headers)  # the first use of a token also notes when it was used
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url, **headers)
    assert response.status_code == 200, response.content
    return len(queries)


def test_the_idea_list_does_not_grow_with_the_page(api, db):
    category = CategoryFactory(slug="cards")
    for _ in range(12):
        IdeaFactory(category=category, author=UserFactory())
    headers = bearer(token_for(UserFactory(), "read"))
    few = _queries(api, "/api/v1/ideas/?page_size=2", **headers)
    many = _queries(api, "/api/v1/ideas/?page_size=12", **headers)
    assert few == many


def test_the_comment_list_does_not_grow_with_the_page(api, idea):
    for _ in range(6):
        top = CommentFactory(idea=idea, author=UserFactory())
        CommentFactory(idea=idea, author=UserFactory(), parent=top)
    few = _queries(api, f"/api/v1/ideas/{idea.pk}/comments/?page_size=2")
    many = _queries(api, f"/api/v1/ideas/{idea.pk}/comments/?page_size=6")
    assert few == many


def test_the_new_lists_do_not_grow_with_the_page(api, db):
    """Campaigns, notifications, and the moderators' reported and waiting lists."""
    now = timezone.now()
    moderator = UserFactory(role=roles.MODERATOR)
    category = CategoryFactory(slug="cards")
    for n in range(6):
        Campaign.objects.create(
            title=f"Campaign {n}",
            slug=f"c{n}",
            description="Q?",
            category=category,
            starts_at=now - timedelta(days=n + 1),
            ends_at=now + timedelta(days=n + 1),
            created_by=moderator,
        )
        notify_badge(user=moderator, badge="first_idea", campaign_title=f"Badge {n}", event=f"e{n}")
        idea = IdeaFactory(category=category, author=UserFactory())
        Flag.objects.create(reporter=UserFactory(), idea=idea, reason="spam")
        waiting = IdeaFactory(category=category, author=UserFactory(), pending_at=now)
        CommentFactory(idea=waiting, author=UserFactory(), pending_at=now)
    headers = bearer(token_for(moderator, "read"))
    for url in (
        "/api/v1/campaigns/",
        "/api/v1/notifications/",
        "/api/v1/moderation/reported/",
        "/api/v1/moderation/waiting/",
    ):
        few = _queries(api, f"{url}?page_size=2", **headers)
        many = _queries(api, f"{url}?page_size=6", **headers)
        assert few == many, url
