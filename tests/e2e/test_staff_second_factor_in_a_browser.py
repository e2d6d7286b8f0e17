"""In Chromium: an admin who knows the password but has no code reaches no staff page, whichever
login page they use (security review of 2026-12-02, finding 1)."""

import pytest

from accounts.mfa import totp_code

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
STAFF_PAGES = ["/admin/", "/admin/accounts/user/", "/moderation/", "/moderation/audit/", "/themes/"]


@pytest.fixture
def admin(admin_with_app):  # type: ignore[no-untyped-def]
    return admin_with_app


def assert_no_staff_page(page, live_server) -> None:  # type: ignore[no-untyped-def]
    for path in STAFF_PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        landed = page.url.removeprefix(live_server.url)
        assert landed.startswith(("/accounts/login/", "/accounts/2fa/")), (path, landed)
        assert "Ada" not in page.locator("header").inner_text(), (path, landed)


def test_the_right_password_without_the_code_opens_no_staff_page(page, live_server, admin):
    # Django's admin login page is the site's login page now.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    assert page.url == f"{live_server.url}/accounts/login/?next=/admin/"
    page.fill("input[name=login]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/2fa/authenticate/")
    # The person stops here, without a code, and tries every staff page and login page.
    assert_no_staff_page(page, live_server)
    for login in ("/admin/login/", "/accounts/login/"):
        page.goto(f"{live_server.url}{login}?next=/admin/")
        if page.url.startswith(f"{live_server.url}/accounts/login/"):
            page.fill("input[name=login]", admin.email)
            page.fill("input[name=password]", PASSWORD)
            page.click("main form button[type=submit]")
            page.wait_for_load_state()
        assert_no_staff_page(page, live_server)


def test_the_code_opens_the_admin(page, live_server, admin):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("input[name=login]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/2fa/authenticate/")
    page.fill("input[name=code]", totp_code(admin.secret, valid_for=10))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#site-name").is_visible()
