"""In Chromium: a newcomer's first idea, with a card number in it, is masked and waits; a
moderator signs in with password and two-factor code and approves it; then everyone sees it."""

import pytest
from allauth.account.models import EmailAddress

from accounts.mfa import mfa_enrol, totp_code
from accounts.privacy import consents_record
from ideas.models import Idea

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def sign_in(page, live_server, email: str, *, secret: str = "") -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    if secret:
        page.wait_for_url(f"{live_server.url}/accounts/2fa/authenticate/")
        page.fill("input[name=code]", totp_code(secret, valid_for=10))
        page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_a_first_idea_is_masked_waits_and_a_moderator_approves_it(
    browser, page, live_server, bob, moderator, category, settings
):
    settings.RUCHE_PREMODERATE_FIRST_POST = True
    for person in (bob, moderator):
        EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=True)
        consents_record(user=person)  # as at sign-up
    moderator.authenticator_set.all().delete()  # enrol again with a secret the test knows
    secret = mfa_enrol(moderator)

    sign_in(page, live_server, bob.email)
    page.goto(f"{live_server.url}/ideas/new/")
    page.fill("input[name=title]", "Split a bill with friends")
    page.fill("textarea[name=body]", "Pay me back on my card 4970 1012 3456 7893 from the app.")
    page.select_option("select[name=category]", index=1)
    page.get_by_role("button", name="Publish my idea").click()
    page.locator(".badge-pending").first.wait_for()
    idea = Idea.objects.get(author=bob)
    assert idea.is_pending
    assert "4970" not in page.locator(".idea-body").inner_text()
    assert "card number" in page.locator(".messages").inner_text()

    staff = browser.new_context(locale="en-GB")
    staff_page = staff.new_page()
    try:
        sign_in(staff_page, live_server, moderator.email, secret=secret)
        staff_page.goto(f"{live_server.url}/moderation/")
        item = staff_page.locator(f"#pending-idea-{idea.pk}")
        item.get_by_role("button", name="Approve").click()
        staff_page.locator(".message").first.wait_for()
    finally:
        staff.close()
    idea.refresh_from_db()
    assert not idea.is_pending

    anonymous = browser.new_context(locale="en-GB")
    try:
        visitor = anonymous.new_page()
        visitor.goto(f"{live_server.url}/ideas/")
        assert "Split a bill with friends" in visitor.locator("main").inner_text()
    finally:
        anonymous.close()
