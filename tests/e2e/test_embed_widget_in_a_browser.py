"""The "Suggest an idea" widget framed by a bank's page served from another origin, in Chromium.

The bank's page is a plain HTML file on its own little server (127.0.0.1 or localhost, another
port than the live server's localhost) with the two lines of docs/widget.md. Same site
(localhost framing localhost): the member's session reaches the frame, which searches, votes and
resizes itself. Cross site (127.0.0.1 framing localhost): the Lax session cookie is not sent, so
the frame offers to sign in in a new tab. axe-core finds no critical or serious violation in the
frame in either state."""

import functools
import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from accounts import roles
from ideas.models import Vote
from tests.e2e.accessibility import BLOCKING, axe_violations, person, sign_in
from tests.factories import CategoryFactory, IdeaFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TITLE = "Suggest an idea"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def bank_port(tmp_path, live_server, settings) -> Iterator[int]:  # type: ignore[no-untyped-def]
    """The bank's page, allowed to frame the widget from both of its names."""
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Our bank</title>'
        "</head><body><main><h1>Our bank</h1>"
        f'<div data-ruche-widget="{live_server.url}" data-ruche-title="{TITLE}"></div></main>'
        f'<script src="{live_server.url}/static/embed.js" async></script></body></html>'
    )
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    settings.EMBED_ALLOWED_ORIGINS = [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]
    # Similar ideas by shared words, as when the search process is away (no encoder to load).
    settings.SIMILAR_SEARCH_URL = "unix:///nonexistent/similar.sock"
    try:
        yield port
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def member(db):  # type: ignore[no-untyped-def]
    return person(roles.MEMBER, "alice@example.com", "Alice Martin")


@pytest.fixture
def card_idea(db):  # type: ignore[no-untyped-def]
    return IdeaFactory(title="Freeze my card from the mobile app", category=CategoryFactory())


def _widget(page: Any) -> Any:
    page.locator(f'iframe[title="{TITLE}"]').wait_for()
    frame = next(f for f in page.frames if "/embed/" in f.url)
    frame.wait_for_load_state()
    return frame


def test_a_member_searches_and_votes_in_the_widget_framed_by_the_same_site(
    page, live_server, bank_port, member, card_idea
):
    sign_in(page, live_server.url, member)
    page.goto(f"http://localhost:{bank_port}/")
    frame = _widget(page)
    frame.locator("#id_title").press_sequentially("freeze my card", delay=20)
    frame.locator(f"#embed-vote-button-{card_idea.pk}").click()
    frame.locator(f'#embed-vote-button-{card_idea.pk}[aria-pressed="true"]').wait_for()
    assert Vote.objects.filter(user=member, idea=card_idea).exists()
    # The frame told the page its height, and the page sized it (not the initial 420 px).
    page.wait_for_function(
        "() => document.querySelector('iframe').style.height !== '420px'", timeout=5_000
    )

    # Cross site: the session cookie (SameSite=Lax) stays home, and the frame says so.
    page.goto(f"http://127.0.0.1:{bank_port}/")
    link = _widget(page).get_by_role("link", name="Sign in")
    assert link.get_attribute("target") == "_blank"


def test_the_framed_widget_has_no_serious_accessibility_violation(
    browser, live_server, bank_port, member, card_idea
):
    # axe-core is injected as an inline script, which the site's policy forbids: this context
    # alone bypasses it (the test above keeps it, and fails on any violation).
    context = browser.new_context(locale="en-GB", bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, member)
        page.goto(f"http://localhost:{bank_port}/")
        frame = _widget(page)
        frame.locator("#id_title").press_sequentially("freeze my card", delay=20)
        frame.locator(f"#embed-vote-button-{card_idea.pk}").wait_for()
        signed_in = axe_violations(frame)
        page.goto(f"http://127.0.0.1:{bank_port}/")
        visitor = axe_violations(_widget(page))
    finally:
        context.close()
    blocking = [v for v in signed_in + visitor if v["impact"] in BLOCKING]
    assert not blocking, blocking
