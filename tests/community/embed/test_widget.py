"""The "Suggest an idea" widget: framable only from the configured origins (and nothing else
is), and its search, vote and submit go through the site's services and limits."""

from datetime import timedelta

import pytest
from django.core.checks import Error, Warning
from django.urls import reverse
from django.utils import timezone

from community.embed.checks import check_embed_origins
from ideas.models import Idea
from tests.config.test_security_headers import directives
from tests.factories import IdeaFactory, UserFactory

BANK = "https://www.bank.example"


@pytest.fixture(autouse=True)
def _allowed(settings):  # type: ignore[no-untyped-def]
    settings.EMBED_ALLOWED_ORIGINS = [BANK, "https://app.bank.example:8443"]


def _policy(response):  # type: ignore[no-untyped-def]
    return directives(response["Content-Security-Policy"])


def test_the_widget_may_be_framed_by_the_allowed_origins_only(client, db):
    response = client.get("/embed/")
    assert response.status_code == 200
    assert _policy(response)["frame-ancestors"] == [BANK, "https://app.bank.example:8443"]
    assert "X-Frame-Options" not in response
    # The rest of its policy is the site's.
    assert _policy(response)["script-src"] == ["'self'"]
    assert _policy(response)["default-src"] == ["'self'"]


def test_without_allowed_origins_the_widget_cannot_be_framed(client, db, settings):
    settings.EMBED_ALLOWED_ORIGINS = []
    assert _policy(client.get("/embed/"))["frame-ancestors"] == ["'none'"]


def test_every_other_page_still_refuses_every_frame(client, alice, idea):
    client.force_login(alice)
    for url in (
        "/",
        "/ideas/",
        idea.get_absolute_url(),
        "/ideas/new/",
        "/api/docs/",
        "/accounts/login/",
    ):
        response = client.get(url)
        assert _policy(response)["frame-ancestors"] == ["'none'"], url
        assert response["X-Frame-Options"] == "DENY", url


def test_the_frame_talks_only_to_an_allowed_parent(client, alice):
    client.force_login(alice)
    html = client.get(f"/embed/?parent={BANK}").content.decode()
    assert f'data-embed-parent="{BANK}"' in html
    html = client.get("/embed/?parent=https://evil.example").content.decode()
    assert 'data-embed-parent=""' in html


def test_a_visitor_is_offered_to_sign_in_in_a_new_tab(client, db):
    html = client.get("/embed/").content.decode()
    assert 'target="_blank" rel="noopener"' in html
    assert reverse("account_login") in html
    assert 'name="title"' not in html


def test_a_members_first_idea_waits_for_a_moderator_and_is_masked(
    client, alice, category, settings
):
    settings.RUCHE_PREMODERATE_FIRST_POST = True
    client.force_login(alice)
    response = client.post(
        "/embed/",
        {
            "action": "submit",
            "title": "Call me back on 06 12 34 56 78",
            "body": "Please.",
            "category": category.pk,
            "language": "en",
        },
    )
    assert response.status_code == 200
    idea = Idea.objects.get(author=alice)
    assert idea.is_pending
    assert "06 12 34 56 78" not in idea.title
    assert "reviewed" in response.content.decode()
    assert _policy(response)["frame-ancestors"][0] == BANK


def test_submitting_is_rate_limited_as_on_the_site(client, alice, category, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "idea_create": (1, 3600)}
    client.force_login(alice)
    entry = {"action": "submit", "body": "B", "category": category.pk, "language": "en"}
    assert client.post("/embed/", {**entry, "title": "First one"}).status_code == 200
    assert client.post("/embed/", {**entry, "title": "Second one"}).status_code == 429
    assert Idea.objects.filter(author=alice).count() == 1


def test_a_suspended_member_cannot_submit_nor_vote(client, category, idea):
    suspended = UserFactory(suspended_until=timezone.now() + timedelta(days=3))
    client.force_login(suspended)
    entry = {
        "action": "submit",
        "title": "Mine",
        "body": "B",
        "category": category.pk,
        "language": "en",
    }
    response = client.post("/embed/", entry)
    assert response.status_code == 403
    assert "suspended" in response.content.decode()
    assert _policy(response)["frame-ancestors"][0] == BANK  # shown inside the frame
    assert not Idea.objects.filter(author=suspended).exists()
    assert client.post(f"/embed/ideas/{idea.pk}/vote/", {"voted": "1"}).status_code == 403


def test_searching_shows_similar_public_ideas_with_vote_buttons(client, alice, category, settings):
    # The similar-ideas service as a web worker runs it when its search process is away: by
    # shared title words (the encoders' own path is tested in tests/themes/).
    settings.SIMILAR_SEARCH_URL = "unix:///nonexistent/similar.sock"
    shown = IdeaFactory(title="Freeze my card from the mobile app", category=category)
    IdeaFactory(title="Freeze my card when travelling", category=category, hidden_at=timezone.now())
    client.force_login(alice)
    html = client.post(
        "/embed/similar/", {"title": "freeze card please"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert shown.title in html
    assert "travelling" not in html  # hidden: not suggested
    assert f"/embed/ideas/{shown.pk}/vote/" in html
    # Without JavaScript, the form's search button does the same.
    page = client.post("/embed/", {"action": "search", "title": "freeze card please"})
    assert shown.title in page.content.decode()
    assert "This field is required" not in page.content.decode()


def test_voting_from_the_widget_counts_and_can_be_withdrawn(client, alice, idea):
    client.force_login(alice)
    response = client.post(f"/embed/ideas/{idea.pk}/vote/", {"voted": "1"}, HTTP_HX_REQUEST="true")
    assert 'aria-pressed="true"' in response.content.decode()
    idea.refresh_from_db()
    assert idea.vote_count == 1
    client.post(f"/embed/ideas/{idea.pk}/vote/", {"voted": "0"}, HTTP_HX_REQUEST="true")
    idea.refresh_from_db()
    assert idea.vote_count == 0
    plain = client.post(f"/embed/ideas/{idea.pk}/vote/", {"voted": "1", "parent": BANK})
    assert plain.status_code == 302
    assert plain["Location"] == "/embed/?parent=https%3A%2F%2Fwww.bank.example"


def test_voting_is_rate_limited_as_on_the_site(client, alice, idea, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": (1, 60)}
    client.force_login(alice)
    assert client.post(f"/embed/ideas/{idea.pk}/vote/", {"voted": "1"}).status_code == 302
    assert client.post(f"/embed/ideas/{idea.pk}/vote/", {"voted": "0"}).status_code == 429


@pytest.mark.parametrize(
    "origin",
    [
        "*",
        "https://bank.example/",
        "https://bank.example/path",
        "bank.example",
        "https://a.example 'unsafe-inline'",
        "https://x;script-src *",
        "ftp://bank.example",
    ],
)
def test_the_start_up_check_refuses_what_is_not_an_origin(settings, origin):
    settings.EMBED_ALLOWED_ORIGINS = [origin]
    [problem] = check_embed_origins()
    assert isinstance(problem, Error)
    assert problem.id == "embed.E001"


def test_the_start_up_check_accepts_origins_and_warns_on_plain_http(settings):
    settings.DEBUG = False
    settings.EMBED_ALLOWED_ORIGINS = ["https://www.bank.example", "https://[::1]:8443"]
    assert check_embed_origins() == []
    settings.EMBED_ALLOWED_ORIGINS = ["http://www.bank.example"]
    [problem] = check_embed_origins()
    assert isinstance(problem, Warning)
