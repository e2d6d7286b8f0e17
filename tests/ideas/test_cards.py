"""Idea cards kept as fragments (ideas.cards) on a real Redis: one fragment for every viewer,
each viewer's own vote button, and never a card older than the content it shows."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import _does_token_match, get_token
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from community.moderation import services as moderation_services
from ideas import services as idea_services
from ideas.cards import vote_button
from ideas.models import Idea
from tests.factories import IdeaFactory
from tests.helpers import assert_kept_page_is_whole, fragment_keys, posted_hours_ago, signed_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def page(client: Client, url: str = "/ideas/", **headers: str) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()  # type: ignore[no-any-return]


def mark_fragments(shared_cache, marker: str) -> None:  # type: ignore[no-untyped-def]
    """Write `marker` into every stored card, as only a card served from the cache shows it."""
    _server, _prefix = shared_cache
    for key in fragment_keys(shared_cache, "card"):
        name = key.split(":", 2)[2]  # "<prefix>:<version>:<key>": the key Django's cache takes
        generation, html = cache.get(name)
        cache.set(name, (generation, html.replace("</article>", f"{marker}</article>")), 30)


def vote_form(html: str, idea) -> str:  # type: ignore[no-untyped-def]
    found = re.search(rf'<form id="vote-{idea.pk}".*?</form>', html, re.S)
    assert found, html
    return found.group(0)


def test_a_card_rendered_for_one_member_is_served_to_another_with_their_own_vote(  # type: ignore[no-untyped-def]
    shared_cache, idea, alice, bob
) -> None:
    idea_services.vote_set(user=alice, idea=idea, voted=True)
    alice_client, bob_client = signed_in(alice), signed_in(bob)
    page(alice_client)
    keys = fragment_keys(shared_cache, "card")
    assert len(keys) == 1
    mark_fragments(shared_cache, "<!--from-the-cache-->")
    for_bob, for_alice = page(bob_client), page(alice_client)
    assert fragment_keys(shared_cache, "card") == keys  # nothing rendered again for Bob
    assert "<!--from-the-cache-->" in for_bob
    assert "<!--from-the-cache-->" in for_alice
    alices, bobs = vote_form(for_alice, idea), vote_form(for_bob, idea)
    assert 'class="vote voted"' in alices
    assert 'aria-pressed="true"' in alices
    assert 'class="vote"' in bobs
    assert 'aria-pressed="false"' in bobs
    assert '<span class="vote-count">1</span>' in alices
    assert '<span class="vote-count">1</span>' in bobs
    assert f'action="/ideas/{idea.pk}/vote/"' in bobs
    # Each gets their own CSRF token in their own button.
    tokens = [
        re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', f).group(1) for f in (alices, bobs)
    ]  # type: ignore[union-attr]
    assert tokens[0] != tokens[1]
    # A visitor gets the same card with a link to log in instead of the button.
    anonymous = page(Client(), "/ideas/?sort=top")
    assert "<!--from-the-cache-->" in anonymous
    assert f'<form id="vote-{idea.pk}"' not in anonymous
    assert "/accounts/login/?next=" in anonymous


def test_a_page_whose_address_holds_the_buttons_stand_in_digits_keeps_them(  # type: ignore[no-untyped-def]
    shared_cache, idea, bob
) -> None:
    """The kept button's stand-in id and count are filled in the same pass as the page's path:
    an address that happens to hold those digits comes back in the button as it was sent."""
    digits = "9070605040302010-9080706050403020"
    member = signed_in(bob)
    page(member, f"/ideas/?from={digits}")  # stores the card
    button = vote_form(page(member, f"/ideas/?from={digits}"), idea)
    assert f'name="next" value="/ideas/?from={digits}"' in button
    assert f'action="/ideas/{idea.pk}/vote/"' in button
    visitor = page(Client(), f"/ideas/?from={digits}")
    assert f"?next=/ideas/%3Ffrom%3D{digits}" in visitor


def test_the_page_is_the_same_with_fragments_as_rendered_whole(  # type: ignore[no-untyped-def]
    shared_cache, settings, idea, alice, bob
) -> None:
    IdeaFactory(author=bob, category=idea.category, title="Round up my purchases")
    idea_services.vote_set(user=bob, idea=idea, voted=True)
    posted_hours_ago(Idea.objects.all())
    assert_kept_page_is_whole(signed_in(bob), settings, "/", "Round up my purchases")
    assert fragment_keys(shared_cache, "card")


def test_an_edited_idea_is_never_shown_from_an_older_card(shared_cache, idea, alice, bob) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(bob)
    assert idea.title in page(client)
    idea_services.idea_update(
        idea=idea,
        editor=alice,
        title="Freeze and unfreeze my card",
        body=idea.body,
        category=idea.category,
        language=idea.language,
    )
    html = page(client)
    assert "Freeze and unfreeze my card" in html
    assert "Freeze my card from the app" not in html


def test_a_hidden_idea_leaves_every_list_and_moderators_see_it_marked_at_once(  # type: ignore[no-untyped-def]
    shared_cache, idea, bob, moderator
) -> None:
    members, moderators = signed_in(bob), signed_in(moderator)
    assert idea.title in page(members)
    assert idea.title in page(moderators)
    assert "Hidden by a moderator" not in page(moderators)
    moderation_services.content_hide(actor=moderator, idea=idea, reason="Personal data")
    assert idea.title not in page(members)
    assert idea.title not in page(members, "/")
    shown = page(moderators)
    assert idea.title in shown
    assert "Hidden by a moderator" in shown


def test_an_official_answer_changes_the_card_at_once(
    shared_cache, idea, bob, product_manager
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(bob)
    assert "status-planned" not in page(client)
    idea_services.idea_change_status(
        idea=idea, actor=product_manager, to_status="planned", response="Coming in March."
    )
    assert "status-planned" in page(client)


def test_each_language_has_its_own_cards(shared_cache, idea, bob) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(bob)
    english = page(client, HTTP_ACCEPT_LANGUAGE="en")
    assert "0 comments" in english
    client.cookies["django_language"] = "fr"
    french = page(client)
    assert "0 commentaire" in french
    assert "0 comments" not in french
    assert len(fragment_keys(shared_cache, "card")) == 2


def test_a_signed_in_list_costs_the_same_queries_for_3_or_20_cards(  # type: ignore[no-untyped-def]
    shared_cache, settings, category, alice, bob
) -> None:
    settings.IDEAS_PER_PAGE = 20
    client = signed_in(bob)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as cold:
            page(client)
        with CaptureQueriesContext(connection) as warm:
            page(client)
        cache.delete_many([k.split(":", 2)[2] for k in fragment_keys(shared_cache, "card")])
        return len(cold), len(warm)

    for n in range(3):
        IdeaFactory(author=alice, category=category, title=f"Idea {n}")
    few = queries()
    for n in range(3, 20):
        IdeaFactory(author=alice, category=category, title=f"Idea {n}")
    many = queries()
    assert few == many
    assert many[1] < many[0]  # a warm page reads no card's rows again


@pytest.mark.parametrize("voted", [True, False])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_kept_vote_button_is_the_template_rendered_for_this_vote(voted, language, bob, db):
    """The vote's htmx answer (ideas.cards.vote_button, kept per process) is what `_vote.html`
    renders with the request's context processors: same bytes, the CSRF token aside (masked
    afresh at each use), which must still be a valid token for this session's secret."""
    idea = IdeaFactory(vote_count=1234)
    idea.viewer_voted = voted
    request = RequestFactory().post(f"/ideas/{idea.pk}/vote/?next=/ideas/?a=1&b=<2>")
    request.user = bob
    get_token(request)  # the session's secret, as CsrfViewMiddleware sets it
    with translation.override(language):
        expected = render_to_string("ideas/_vote.html", {"idea": idea}, request=request)
        kept = vote_button(request, idea)
        again = vote_button(request, idea)  # from the process's copy this time
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    secret = request.META["CSRF_COOKIE"]
    for html in (kept, again):
        assert _does_token_match(token.search(html).group(1), secret)
        assert token.sub("", html) == token.sub("", expected)
    assert f'<span class="vote-count">{idea.vote_count}</span>' in kept
    assert "?next=/ideas/?a=1&amp;b=" in kept  # the page, escaped as the template does
