"""Anonymous pages from the shared cache (config.page_cache), on a real Redis.

Each test gets its own key prefix in the Redis database of REDIS_URL (else 127.0.0.1:6379/9) and
deletes its keys afterwards: nothing is flushed.
"""

import re
import uuid

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from community.comments import services as community_services
from community.moderation import services as moderation_services
from config.page_cache import CSRF_PLACEHOLDER, anonymous_page
from ideas import services as idea_services
from ideas.models import Idea
from tests.factories import CommentFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def page_cache(shared_cache) -> None:  # type: ignore[no-untyped-def]
    """Every test here on the real Redis (tests/conftest.py shared_cache)."""


def get(client: Client, url: str, **headers: str) -> HttpResponse:
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response  # type: ignore[no-any-return]


def test_an_anonymous_page_is_served_from_the_cache_without_a_query(client, idea) -> None:  # type: ignore[no-untyped-def]
    first = get(client, "/ideas/")
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = get(client, "/ideas/")
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    assert idea.title in second.content.decode()
    assert second["Content-Type"] == first["Content-Type"]
    assert "Content-Security-Policy" in second


def test_every_cached_page_kind_is_stored(client, idea) -> None:  # type: ignore[no-untyped-def]
    for url in ("/", "/ideas/?sort=top", idea.get_absolute_url(), "/leaderboard/", "/feeds/ideas/"):
        assert get(client, url)["X-Page-Cache"] == "miss", url
        assert get(client, url)["X-Page-Cache"] == "hit", url


def test_each_visitor_gets_a_csrf_token_of_their_own_that_works(idea) -> None:  # type: ignore[no-untyped-def]
    get(Client(), "/ideas/")  # stored
    visitor = Client(enforce_csrf_checks=True)
    page = get(visitor, "/ideas/")
    assert page["X-Page-Cache"] == "hit"
    body = page.content.decode()
    assert CSRF_PLACEHOLDER not in body
    assert "csrftoken" in page.cookies  # a first visit: the CSRF cookie comes with the page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)  # type: ignore[union-attr]
    switched = visitor.post(
        reverse("set_language"), {"language": "fr", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302  # accepted: a token of another visitor's would be 403
    other = get(Client(), "/ideas/").content.decode()
    assert token not in other


def test_signed_in_members_never_get_a_cached_page_nor_fill_the_cache(client, alice, idea) -> None:  # type: ignore[no-untyped-def]
    get(Client(), "/ideas/")  # an anonymous visitor stored the list
    client.force_login(alice)
    mine = get(client, "/ideas/")
    assert "X-Page-Cache" not in mine
    assert alice.display_name in mine.content.decode()
    get(client, "/ideas/?sort=new")  # a page only Alice has seen
    fresh = get(Client(), "/ideas/?sort=new")
    assert fresh["X-Page-Cache"] == "miss"
    assert alice.display_name not in fresh.content.decode().split("<main")[0]


def test_a_hidden_idea_leaves_the_cached_list_home_and_its_page_at_once(  # type: ignore[no-untyped-def]
    client, idea, moderator
) -> None:
    for url in ("/", "/ideas/", idea.get_absolute_url()):
        get(client, url)
        assert get(client, url)["X-Page-Cache"] == "hit"
    moderation_services.content_hide(actor=moderator, idea=idea, reason="Personal data")
    assert idea.title not in get(client, "/ideas/").content.decode()
    assert idea.title not in get(client, "/").content.decode()
    assert client.get(idea.get_absolute_url()).status_code == 404
    moderation_services.content_restore(actor=moderator, idea=idea, reason="Cleared")
    assert idea.title in get(client, "/ideas/").content.decode()


def test_a_removed_comment_leaves_the_cached_idea_page_at_once(client, idea, moderator) -> None:  # type: ignore[no-untyped-def]
    comment = CommentFactory(idea=idea, body="My account number is 12345")
    Idea.objects.filter(pk=idea.pk).update(comment_count=1)
    get(client, idea.get_absolute_url())
    assert "12345" in get(client, idea.get_absolute_url()).content.decode()
    community_services.comment_remove(comment=comment, actor=moderator)
    assert "12345" not in get(client, idea.get_absolute_url()).content.decode()


def test_an_official_answer_shows_at_once(client, idea, product_manager) -> None:  # type: ignore[no-untyped-def]
    get(client, idea.get_absolute_url())
    idea_services.idea_change_status(
        idea=idea, actor=product_manager, to_status="planned", response="Coming in March."
    )
    assert "Coming in March." in get(client, idea.get_absolute_url()).content.decode()


def test_votes_do_not_empty_the_cache(client, idea, bob) -> None:  # type: ignore[no-untyped-def]
    """Counts are the one thing a cached page may show up to PAGE_CACHE_SECONDS old: a vote
    does not cost every visitor a fresh render."""
    get(client, "/ideas/")
    idea_services.vote_toggle(user=bob, idea=idea)
    assert get(client, "/ideas/")["X-Page-Cache"] == "hit"


def test_languages_are_not_mixed(client, idea) -> None:  # type: ignore[no-untyped-def]
    french = get(client, "/ideas/", HTTP_ACCEPT_LANGUAGE="fr")
    english = get(client, "/ideas/", HTTP_ACCEPT_LANGUAGE="en")
    assert (french["X-Page-Cache"], english["X-Page-Cache"]) == ("miss", "miss")
    assert '<html lang="fr">' in get(client, "/ideas/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    again = get(client, "/ideas/", HTTP_ACCEPT_LANGUAGE="en")
    assert again["X-Page-Cache"] == "hit"
    assert '<html lang="en">' in again.content.decode()
    client.cookies["django_language"] = "fr"  # the language switch's cookie wins, as in Django
    assert '<html lang="fr">' in get(client, "/ideas/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_visitor_with_a_session_or_messages_is_never_served_from_the_cache(idea) -> None:  # type: ignore[no-untyped-def]
    get(Client(), "/ideas/")
    for cookie in ("sessionid", "messages"):
        visitor = Client()
        visitor.cookies[cookie] = "anything"
        assert "X-Page-Cache" not in get(visitor, "/ideas/"), cookie
    assert "X-Page-Cache" not in get(Client(), "/ideas/", HTTP_HX_REQUEST="true")


@anonymous_page
def sets_a_cookie(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(f"served to {uuid.uuid4()}")
    response.set_cookie("tracker", "1")
    return response


@anonymous_page
def says_private(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"yours: {uuid.uuid4()}", headers={"Cache-Control": "private"})


def not_marked(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"unmarked {uuid.uuid4()}")


urlpatterns = [
    path("cookie/", sets_a_cookie),
    path("private/", says_private),
    path("unmarked/", not_marked),
    path("", include("config.urls")),
]


@pytest.mark.urls(__name__)
def test_responses_that_set_a_cookie_say_private_or_are_not_marked_are_not_stored() -> None:
    for url in ("/cookie/", "/private/", "/unmarked/"):
        first, second = get(Client(), url), get(Client(), url)
        assert first.content != second.content, url
        assert "X-Page-Cache" not in second, url


def test_saving_ones_profile_unchanged_leaves_the_cached_pages_and_a_new_name_retires_them(
    client, alice, idea
):  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    from config.page_cache import GENERATION_KEY

    client.force_login(alice)
    form = {"display_name": "Alice", "profile_public": "on", "preferred_language": "en"}
    assert client.post(reverse("accounts:profile"), form).status_code == 302
    before = cache.get(GENERATION_KEY)
    for region in ("", "bre", ""):  # what only statistics read, and nothing at all
        response = client.post(reverse("accounts:profile"), {**form, "region": region})
        assert response.status_code == 302
    assert cache.get(GENERATION_KEY) == before
    form["preferred_language"] = "fr"
    assert client.post(reverse("accounts:profile"), form).status_code == 302
    assert cache.get(GENERATION_KEY) == before

    form["display_name"] = "Alice B."
    assert client.post(reverse("accounts:profile"), form).status_code == 302
    assert cache.get(GENERATION_KEY) != before
    alice.refresh_from_db()
    assert (alice.display_name, alice.preferred_language, alice.region) == ("Alice B.", "fr", "")


def test_a_page_served_from_the_cache_is_counted_under_its_view(client, idea) -> None:  # type: ignore[no-untyped-def]
    """The request metrics name the view of a cached page too, though no view ran for it."""
    from tests.config.ops.test_metrics import scrape

    key = 'ruche_http_request_duration_seconds_count{view="ideas:list",method="GET",status="2xx"}'
    get(client, "/ideas/")  # stored
    before = scrape(client).get(key, 0)
    assert get(client, "/ideas/")["X-Page-Cache"] == "hit"
    assert scrape(client).get(key, 0) == before + 1
