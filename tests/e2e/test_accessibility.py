"""Accessibility as a test (WCAG 2.1 AA, RGAA; the European Accessibility Act covers banking).

In Chromium, axe-core runs on every main page for each role (visitor, member, moderator, product
manager, admin) at desktop (1366×900) and mobile (390×844) sizes; any critical or serious
violation fails. Then keyboard-only journeys: vote, submit an idea, comment, approve in the
moderation queue, and a visitor's Vote that leads to the login page and back. One browser, one
sign-in per role. Figures before and after: docs/accessibility.md.
"""

from typing import Any

import pytest
from django.urls import reverse

from community.complaints import services as complaints
from community.models import Comment
from ideas.models import Idea, ThemeSettings, Vote
from tests.e2e.accessibility import (
    BLOCKING,
    SCREENSHOTS,
    axe_violations,
    build_scene,
    check_pages,
    scene_sample,
    sign_in,
    tab_to,
)
from tests.e2e.pages import ROLES, pages_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return build_scene()


@pytest.mark.parametrize("role", ROLES)
def test_main_pages_have_no_serious_accessibility_violation(axe_page, live_server, scene, role):
    if role != "anonymous":
        sign_in(axe_page, live_server.url, scene["people"][role])
    pages = pages_for(role, scene_sample(role, scene))
    problems = check_pages(axe_page, live_server.url, role, pages)
    assert not problems, "\n".join(problems)


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(page, live_server, scene):
    page.goto(f"{live_server.url}/ideas/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # From the content, the next Tab reaches the page's own controls, not the header's.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('header') === null")


def test_a_member_votes_submits_and_comments_with_the_keyboard_only(page, live_server, scene):
    member, main = scene["people"]["member"], scene["main"]
    # Posting runs the event consumers in the request here (Celery eager): the first one that
    # needs the sentence encoders loads them, which takes a while on a busy machine.
    page.context.set_default_timeout(120_000)
    sign_in(page, live_server.url, member)

    # Vote: Tab to the skip link, Enter, then Tab once to the vote button, Space; the focus
    # stays on the button after htmx swaps it.
    page.goto(f"{live_server.url}{main.get_absolute_url()}")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    presses = tab_to(page, f"#vote-button-{main.pk}")
    assert presses == 1, f"{presses} Tab presses from the skip link's target to Vote"
    page.keyboard.press("Space")
    page.locator(f"#vote-{main.pk}.voted").wait_for()
    assert Vote.objects.filter(user=member, idea=main).exists()
    assert page.evaluate("document.activeElement.id") == f"vote-button-{main.pk}"

    # Comment: Tab to the comment box, type, Tab to "Post comment", Enter.
    tab_to(page, ".comment-form textarea[name=body]")
    page.keyboard.type("Keyboard users want this too.")
    tab_to(page, ".comment-form button[type=submit]")
    page.keyboard.press("Enter")
    page.locator(".comment-body", has_text="Keyboard users want this too.").wait_for()
    assert Comment.objects.filter(author=member, body="Keyboard users want this too.").exists()

    # Submit an idea: every field reached and filled from the keyboard.
    page.goto(f"{live_server.url}/ideas/new/")
    tab_to(page, "input[name=title]")
    page.keyboard.type("Pay by phone in shops")
    tab_to(page, "textarea[name=body]")
    page.keyboard.type("Let me pay with my phone at the till.")
    tab_to(page, "select[name=category]")
    page.keyboard.press("End")  # the last category
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.locator("h1", has_text="Pay by phone in shops").wait_for()
    assert Idea.objects.filter(author=member, title="Pay by phone in shops").exists()


def test_a_moderator_approves_a_waiting_idea_with_the_keyboard_only(page, live_server, scene):
    page.context.set_default_timeout(120_000)  # approving publishes: consumers as above
    sign_in(page, live_server.url, scene["people"]["moderator"])
    pending = scene["pending"]
    page.goto(f"{live_server.url}/moderation/")
    tab_to(page, f"#pending-idea-{pending.pk} button.button-success")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Approve"
    page.keyboard.press("Enter")
    page.locator(".message").first.wait_for()
    pending.refresh_from_db()
    assert not pending.is_pending


def test_a_visitor_who_clicks_vote_logs_in_and_comes_back_to_the_page(page, live_server, scene):
    member, main = scene["people"]["member"], scene["main"]
    page.goto(f"{live_server.url}/ideas/?sort=top")
    page.locator(f"#vote-{main.pk} .vote-button").click()
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=login]", member.email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/ideas/?sort=top")
    assert page.locator(f"#vote-{main.pk} button.vote-button").is_visible()


def test_an_htmx_vote_after_the_session_ended_opens_the_login_page_not_a_fragment(
    page, live_server, scene
):
    """The session ends while the page is open (logged out elsewhere, expired): the vote's htmx
    request is redirected to the login page, which must replace the page, with ?next= the page
    the person was on, instead of being swapped into the vote box."""
    member, main = scene["people"]["member"], scene["main"]
    sign_in(page, live_server.url, member)
    page.goto(f"{live_server.url}{main.get_absolute_url()}")
    page.context.clear_cookies(name="sessionid")  # the CSRF cookie stays, as it would
    page.locator(f"#vote-button-{main.pk}").click()
    page.wait_for_url("**/accounts/login/?next=*")
    assert page.url.endswith(f"?next=%2Fideas%2F{main.pk}%2F")
    assert page.locator("header").count() == 1  # a whole page, not a page inside the vote box
    page.fill("input[name=login]", member.email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{main.get_absolute_url()}")
    assert not Vote.objects.filter(
        user=member, idea=main
    ).exists()  # nothing done behind their back


def test_the_theme_granularity_form_shows_its_error_accessibly_then_saves(
    axe_page, live_server, scene
):
    """A product manager sets the theme granularity without a mouse-only step: an out-of-range
    number comes back with the error tied to the box and no serious axe violation; a valid one
    is stored for the next run."""
    sign_in(axe_page, live_server.url, scene["people"]["product_manager"])
    axe_page.goto(f"{live_server.url}{reverse('themes:dashboard')}")
    axe_page.locator("details.granularity summary").click()
    axe_page.get_by_label("About this many themes:").check()
    axe_page.get_by_label("Expected number of themes").fill("1000")
    axe_page.get_by_role("button", name="Save for the next run").click()

    box = axe_page.get_by_label("Expected number of themes")
    assert box.get_attribute("aria-invalid") == "true"
    described = (box.get_attribute("aria-describedby") or "").split()
    said = " ".join(axe_page.locator(f"[id='{i}']").inner_text() for i in described)
    assert "300" in said, said
    assert axe_page.locator("details.granularity").get_attribute("open") is not None
    if SCREENSHOTS:
        axe_page.screenshot(path=f"{SCREENSHOTS}/product_manager-granularity-error.png")
    blocking = [v for v in axe_violations(axe_page) if v["impact"] in BLOCKING]
    assert not blocking, blocking
    assert ThemeSettings.current().target_themes is None

    box.fill("40")
    axe_page.get_by_role("button", name="Save for the next run").click()
    axe_page.locator("details.granularity summary", has_text="40").wait_for()
    assert ThemeSettings.current().target_themes == 40


def test_the_django_admins_account_page_has_no_serious_accessibility_violation(
    axe_page, live_server, scene
):
    """Where administrators give roles: Django's own page, with the admin's corrections
    (templates/admin/base_site.html, accounts/admin.py)."""
    sign_in(axe_page, live_server.url, scene["people"]["admin"])
    member = scene["people"]["partner"]
    axe_page.goto(f"{live_server.url}{reverse('admin:accounts_user_change', args=[member.pk])}")
    blocking = [
        f"{v['id']} ({v['impact']})" for v in axe_violations(axe_page) if v["impact"] in BLOCKING
    ]
    assert blocking == []


def test_an_answer_sent_after_another_is_shown_back_accessibly(axe_page, live_server, scene):
    """Two moderators answer one complaint: the second finds the first's answer and their own
    text, not sent, to copy; no serious axe violation on that page."""
    people = scene["people"]
    case = complaints.complaint_open(
        member=people["member"], subject="Charged twice", body="Twice on 3 May.", language="en"
    )
    sign_in(axe_page, live_server.url, people["moderator"])
    axe_page.goto(f"{live_server.url}{reverse('moderation:complaint', args=[case.pk])}")
    axe_page.get_by_label("Answer to the member").fill("We are looking into the second charge.")
    complaints.complaint_answer(actor=people["admin"], case=case, answer="Refunded today.")
    axe_page.get_by_role("button", name="Send the answer").click()
    axe_page.get_by_role("heading", name="Your answer, not sent").wait_for()
    kept = axe_page.get_by_label("Your answer, not sent")
    assert kept.input_value() == "We are looking into the second charge."
    assert "Refunded today." in axe_page.locator("#answer").inner_text()
    if SCREENSHOTS:
        axe_page.screenshot(
            path=f"{SCREENSHOTS}/moderator-complaint-answer-not-sent.png", full_page=True
        )
    blocking = [v for v in axe_violations(axe_page) if v["impact"] in BLOCKING]
    assert not blocking, blocking
