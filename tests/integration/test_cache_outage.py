"""Redis (the cache and the broker) stopped under the site: members' writes still succeed, the
login lockout still counts (in the database), and nothing answers 500 or 503."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from community.models import Comment
from config.celery import app as celery_app
from config.ops.models import CacheFallbackEntry
from config.outbox.models import OutboxEvent
from ideas.models import Idea, StatusChange

pytestmark = pytest.mark.integration

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


@pytest.fixture
def redis_down(transactional_db, own_redis, settings):  # type: ignore[no-untyped-def]
    """The site's cache is the resilient Redis cache of production settings, on the test's own
    Redis, which is then stopped; tasks are queued through it too (not run eagerly)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {
                "fallback_prefixes": settings.CACHE_FALLBACK_PREFIXES,
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
            },
        }
    }
    cache.set("ratelimit:probe", 1)  # Redis is up and used before the outage
    assert not CacheFallbackEntry.objects.exists()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    own_redis.stop()
    yield own_redis
    celery_app.conf.task_always_eager = eager


def test_members_and_staff_write_while_redis_is_down(
    redis_down, client, alice, moderator, idea, category, product_manager
):
    client.force_login(alice)
    data = {"title": "Pay by QR code", "body": "At the till.", "category": category.pk}
    response = client.post(reverse("ideas:create"), {**data, "language": "en"})
    assert response.status_code == 302
    assert Idea.objects.filter(title="Pay by QR code").count() == 1

    url = reverse("community:comment_create", args=[idea.pk])
    assert client.post(url, {"body": "Yes please"}).status_code == 302
    assert Comment.objects.filter(body="Yes please").count() == 1
    # Votes fail open (not counted while the cache is down): the vote goes through.
    assert client.post(reverse("ideas:vote", args=[idea.pk])).status_code == 302

    client.force_login(moderator)
    response = client.post(
        reverse("ideas:change_status", args=[idea.pk]),
        {"to_status": "planned", "response": "On the roadmap."},
    )
    assert response.status_code == 302
    assert StatusChange.objects.filter(idea=idea, to_status="planned").count() == 1

    # "Re-run now" with the broker down is kept in the database, for the worker once it is back.
    client.force_login(product_manager)
    response = client.post(reverse("themes:rerun"), follow=True)
    assert response.status_code == 200
    assert "A new run was requested" in response.text
    assert OutboxEvent.objects.filter(name="themes.run_requested", delivered_at=None).count() == 1

    # The idea-creation counter moved to the database: that limit still holds.
    assert CacheFallbackEntry.objects.filter(cache_key__contains="ratelimit:idea_create:").exists()


def test_the_login_lockout_still_counts_while_redis_is_down(redis_down, alice):
    EmailAddress.objects.create(user=alice, email=alice.email, primary=True, verified=True)
    client = Client()
    login = reverse("account_login")
    for _ in range(5):
        response = client.post(login, {"login": alice.email, "password": "wrong"})
        assert response.status_code == 200
    response = client.post(login, {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.text
    assert SESSION_KEY not in client.session
    assert CacheFallbackEntry.objects.filter(cache_key__contains="allauth:rl:").exists()
