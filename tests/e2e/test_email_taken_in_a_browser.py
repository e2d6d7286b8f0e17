"""In Chromium: the page a person sees when the address they make primary was given to another
account a moment before (accounts.email_conflicts answers 409) reads as the form's check would
have, and meets WCAG 2.1 AA like every other page (axe-core: no critical or serious violation)."""

import pytest
from allauth.account.models import EmailAddress

from accounts import roles
from accounts.models import User
from tests.e2e.accessibility import BLOCKING, axe_violations, person, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_an_address_taken_meanwhile_gets_a_readable_accessible_409_page(axe_page, live_server):
    member = person(roles.MEMBER, "member@example.com", "Member")
    EmailAddress.objects.create(user=member, email="second@example.com", verified=True)
    sign_in(axe_page, live_server.url, member)
    axe_page.goto(f"{live_server.url}/accounts/email/")
    axe_page.check("input[value='second@example.com']")
    # Between the page and the click, another account is given that address (an admin's edit).
    User.objects.create(email="Second@example.com", display_name="Someone else")
    with axe_page.expect_response(lambda r: r.request.method == "POST") as answer:
        axe_page.get_by_role("button", name="Make Primary").click()
    assert answer.value.status == 409
    axe_page.wait_for_load_state()
    assert axe_page.locator("h1").inner_text() == "Email address already in use"
    notice = axe_page.locator("main .notice").inner_text()
    assert "Another account already has this email address" in notice
    assert "Nothing was saved" in notice
    member.refresh_from_db()
    assert member.email == "member@example.com"
    blocking = [v for v in axe_violations(axe_page) if v["impact"] in BLOCKING]
    assert not blocking, blocking
