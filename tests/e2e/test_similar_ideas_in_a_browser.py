"""Typing a title on the submit form shows similar existing ideas, without reloading the page."""

import pytest
from allauth.account.models import EmailAddress

from ideas.models import Idea
from ideas.themes.embedding import vectors_for
from tests.e2e.test_voting_in_a_browser import log_in
from tests.themes.data import GROUPS

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_similar_ideas_appear_while_typing_a_title(page, live_server, bob, make_ideas):
    make_ideas(GROUPS)
    vectors_for(list(Idea.objects.all()))  # what the worker does when ideas are written
    EmailAddress.objects.create(user=bob, email=bob.email, primary=True, verified=True)
    log_in(page, live_server, bob.email)
    page.goto(f"{live_server.url}/ideas/new/")
    page.evaluate("window.stillTheSamePage = true")
    page.locator("input[name=title]").press_sequentially(
        "Could I freeze my card in the app?", delay=20
    )
    page.locator("#similar-ideas .similar li").first.wait_for()
    shown = page.locator("#similar-ideas .similar li a").all_inner_texts()
    assert 1 <= len(shown) <= 5
    assert shown[0] in GROUPS["card"]
    assert page.evaluate("window.stillTheSamePage") is True
