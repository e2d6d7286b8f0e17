import os
import uuid
from typing import Any

import pytest
from django.urls import reverse

from community.models import Comment
from ideas.models import Idea


def test_too_many_ideas_get_429_with_a_message_and_nothing_saved(client, bob, category, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "idea_create": (2, 3600)}
    client.force_login(bob)
    data = {"title": "An idea", "body": "Body", "category": category.pk, "language": "en"}
    assert client.post(reverse("ideas:create"), data).status_code == 302
    assert client.post(reverse("ideas:create"), data).status_code == 302
    response = client.post(reverse("ideas:create"), data)
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Too many requests" in response.text
    assert Idea.objects.count() == 2
    # Reading is never limited.
    assert client.get(reverse("ideas:create")).status_code == 200


def test_the_limit_is_per_user_and_per_address(client, alice, bob, idea, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment_create": (1, 3600)}
    url = reverse("community:comment_create", args=[idea.pk])
    client.force_login(alice)
    assert client.post(url, {"body": "one"}, REMOTE_ADDR="10.0.0.1").status_code == 302
    # Same user from another address: the user's counter stops it.
    assert client.post(url, {"body": "two"}, REMOTE_ADDR="10.0.0.2").status_code == 429
    # Another user from a fresh address goes through.
    client.force_login(bob)
    assert client.post(url, {"body": "three"}, REMOTE_ADDR="10.0.0.3").status_code == 302
    # Another user from the first address: the address counter stops it.
    assert client.post(url, {"body": "four"}, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert sorted(Comment.objects.values_list("body", flat=True)) == ["one", "three"]


def test_votes_are_limited(client, bob, idea, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": (3, 60)}
    client.force_login(bob)
    codes = [client.post(reverse("ideas:vote", args=[idea.pk])).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]


def test_complaints_are_limited_and_nothing_is_saved_over_the_limit(client, bob, settings):
    from community.models import ComplaintCase

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "complaint_create": (1, 3600)}
    client.force_login(bob)
    data = {
        "subject": "Charged twice",
        "body": "I was charged twice on my account for one purchase.",
        "language": "en",
    }
    assert client.post(reverse("complaints:create"), data).status_code == 302
    assert client.post(reverse("complaints:create"), data).status_code == 429
    assert ComplaintCase.objects.count() == 1


def test_behind_a_proxy_the_address_it_saw_is_the_client(rf, settings):
    from config.network import network_key
    from config.ratelimit import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0  # no proxy: the header is the client's word, ignored
    assert client_ip(request) == "10.0.0.9"
    settings.TRUSTED_PROXY_COUNT = 1  # one proxy: the last entry is what it saw; 6.6.6.6 is forged
    assert client_ip(request) == "203.0.113.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer entries than proxies: fall back to the peer
    assert client_ip(request) == "10.0.0.9"
    # Two visitors behind the same proxy no longer share a vote network.
    settings.TRUSTED_PROXY_COUNT = 1
    other = rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert network_key(client_ip(request)) != network_key(client_ip(other))


@pytest.fixture
def shared_redis_cache(monkeypatch):  # type: ignore[no-untyped-def]
    """config.ratelimit on the real shared cache (tests otherwise run on a local-memory one),
    under a key prefix of its own; its keys are deleted afterwards (never the whole database)."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs Redis (REDIS_URL)")
    from config import ratelimit
    from config.cache import ResilientRedisCache

    shared = ResilientRedisCache(
        url, {"KEY_PREFIX": f"test-ratelimit-{uuid.uuid4().hex}", "OPTIONS": {}}
    )
    monkeypatch.setattr(ratelimit, "cache", shared)
    made: list[str] = []
    yield shared, made
    shared.primary.delete_many(made)


def test_on_redis_each_request_is_counted_in_one_round_trip_within_its_window(
    rf, alice, settings, monkeypatch, shared_redis_cache
):
    import redis
    from django.contrib.auth.models import AnonymousUser

    from config.ratelimit import is_rate_limited

    shared, made = shared_redis_cache
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": (2, 60)}
    request = rf.post("/", REMOTE_ADDR="10.9.8.7")
    request.user = alice
    keys = ["ratelimit:vote:ip:10.9.8.7", f"ratelimit:vote:user:{alice.pk}"]
    made += keys
    round_trips = []
    real = redis.Redis.execute_command

    def counted(self, *args, **options):  # type: ignore[no-untyped-def]
        round_trips.append(args[0])
        return real(self, *args, **options)

    warm = rf.post("/", REMOTE_ADDR="10.9.8.6")
    warm.user = AnonymousUser()  # its own address, no member: counts nothing of `request`'s
    made += ["ratelimit:vote:ip:10.9.8.6"]
    is_rate_limited(warm, "vote")  # Redis knows the script from now on (a restart: loaded again)
    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    assert [is_rate_limited(request, "vote") for _ in range(3)] == [False, False, True]
    # Both keys counted and given their expiry at once, the script named by its SHA1.
    assert round_trips == ["EVALSHA"] * 3
    monkeypatch.setattr(redis.Redis, "execute_command", real)
    assert [shared.get(key) for key in keys] == [3, 3]  # what the cache reads back
    client = shared.primary._cache.get_client(write=True)
    assert all(0 < client.ttl(shared.primary.make_and_validate_key(k)) <= 60 for k in keys)


def test_edits_follows_and_settings_are_limited(client, alice, idea, category, settings):
    """Each edit is read again by the worker and retires cached pages: not without end."""
    from community.notifications.preferences import kinds_for

    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "content_edit": (2, 3600),
        "settings_update": (2, 3600),
        "follow": (2, 60),
    }
    comment = Comment.objects.create(idea=idea, author=alice, body="hi", body_html="<p>hi</p>")
    client.force_login(alice)
    idea_form = {"title": idea.title, "body": "Body", "category": category.pk, "language": "en"}
    profile = {"display_name": "Alice", "profile_public": "on", "preferred_language": "en"}
    posts: dict[str, list[tuple[str, Any]]] = {
        "content_edit": [
            (reverse("ideas:edit", args=[idea.pk]), idea_form),
            (reverse("community:comment_edit", args=[comment.pk]), {"body": "edited"}),
        ],
        "settings_update": [
            (reverse("accounts:profile"), profile),
            (reverse("community:preferences"), {kind: "off" for kind in kinds_for(user=alice)}),
        ],
        "follow": [
            (reverse("community:idea_follow", args=[idea.pk]), {}),
            (reverse("community:category_follow", args=[category.slug]), {}),
        ],
    }
    for scope, (first, second) in posts.items():
        assert client.post(*first).status_code == 302, scope
        assert client.post(*second).status_code == 302, scope
        response = client.post(*first)
        assert response.status_code == 429, scope
        assert response["Retry-After"] == str(settings.RATE_LIMITS[scope][1])
    comment.refresh_from_db()
    assert comment.body == "edited"
