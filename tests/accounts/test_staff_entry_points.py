"""Every way into a staff session passes the second factor *in that session* (security review
of 2026-12-02, findings 1, 2 and 12).

Each test is the attack as it was performed: HTTP requests through the real login forms with a
plain test client, never a call to an internal helper. Staff here have an authenticator app.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.mfa import totp_code
from accounts.staff_sessions import LAST_SEEN_KEY

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory
LOCKED = "Too many failed login attempts"
STAFF_PAGES = ["/moderation/audit/", "/moderation/", "/themes/", "/admin/", "/admin/auth/group/"]


@pytest.fixture
def admin(admin_with_app):  # type: ignore[no-untyped-def]
    return admin_with_app


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def reaches(client: Client, url: str) -> bool:
    return client.get(url).status_code == 200


def full_login(client: Client, user, **extra: str) -> None:  # type: ignore[no-untyped-def]
    """Password, then the code, through allauth's forms."""
    credentials = {"login": user.email, "password": PASSWORD, **extra}
    response = client.post(reverse("account_login"), credentials)
    assert response["Location"] == reverse("mfa_authenticate")
    code = totp_code(user.secret, valid_for=5)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert signed_in(client)


# --- Finding 1: the admin's own login form --------------------------------------------------


def test_the_admin_login_page_is_the_sites_login(admin):
    client = Client()
    response = client.get("/admin/login/?next=/admin/auth/group/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/auth/group/"


def test_the_right_password_at_the_admin_login_after_30_guesses_opens_nothing(admin):
    client = Client()
    for n in range(30):
        client.post("/admin/login/", {"username": admin.email, "password": f"guess-{n}"})
    response = client.post(
        "/admin/login/?next=/admin/", {"username": admin.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert not signed_in(client)
    for url in STAFF_PAGES:
        assert not reaches(client, url), url


def test_the_password_alone_at_the_sites_login_opens_no_staff_page(admin):
    client = Client()
    response = client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    for url in STAFF_PAGES:
        assert not reaches(client, url), url
    assert not signed_in(client)


def test_password_and_code_open_the_staff_pages_and_the_admin(admin):
    client = Client()
    full_login(client, admin)
    for url in STAFF_PAGES:
        assert reaches(client, url), url


def test_a_session_that_never_typed_a_code_is_asked_for_one_before_any_page(admin, idea):
    """A staff session opened by any other door (here Django's own `login()`, as the admin login
    form did; also sessions from before the rule) must type a code first."""
    client = Client()
    client.force_login(admin)
    for url in [*STAFF_PAGES, "/", idea.get_absolute_url(), reverse("account_email")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("mfa_reauthenticate")), url
    # The code, typed on that page, opens them.
    target = reverse("mfa_reauthenticate") + "?next=/moderation/audit/"
    response = client.post(target, {"code": totp_code(admin.secret, valid_for=5)})
    assert response["Location"] == "/moderation/audit/"
    assert reaches(client, "/moderation/audit/")
    assert reaches(client, "/admin/")


def test_a_wrong_code_opens_nothing(admin):
    client = Client()
    client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert not signed_in(client)
    assert not reaches(client, "/moderation/audit/")


def test_a_password_reset_that_signs_in_still_asks_for_the_code(admin, settings):
    settings.ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
    client = Client()
    client.post(reverse("account_reset_password"), {"email": admin.email})
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+", mail.outbox[-1].body)
    assert link
    form = client.get(link.group(0), follow=True)
    new_password = "a-brand-new-passphrase-42"
    client.post(form.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})
    for url in STAFF_PAGES:
        assert not reaches(client, url), url


def test_members_are_not_asked_for_a_code(alice):
    EmailAddress.objects.create(user=alice, email=alice.email, primary=True, verified=True)
    client = Client()
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert response["Location"] == reverse("ideas:home")
    assert reaches(client, "/")


# --- Finding 2: the lockout keyed on the Host header ------------------------------------------


def test_changing_the_host_header_gives_no_fresh_guesses(alice, settings):
    settings.ALLOWED_HOSTS = [".example.com"]
    EmailAddress.objects.create(user=alice, email=alice.email, primary=True, verified=True)
    client = Client()
    for n in range(5):
        client.post(
            reverse("account_login"),
            {"login": alice.email, "password": "wrong"},
            HTTP_HOST=f"site{n}.example.com",
        )
    response = client.post(
        reverse("account_login"),
        {"login": f"  {alice.email.upper()} ", "password": PASSWORD},
        HTTP_HOST="site9.example.com",
    )
    assert LOCKED in response.text
    assert not signed_in(client)


# --- Finding 12: staff sessions are short -----------------------------------------------------


def test_a_staff_session_ends_after_the_idle_limit(admin, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    client = Client()
    full_login(client, admin)
    assert reaches(client, "/moderation/audit/")
    session = client.session
    session[LAST_SEEN_KEY] -= 31 * 60  # 31 minutes without a request
    session.save()
    response = client.get("/moderation/audit/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/moderation/audit/"
    assert not signed_in(client)
    assert not reaches(client, "/moderation/audit/")


def test_activity_keeps_a_staff_session_open(admin):
    client = Client()
    full_login(client, admin)
    session = client.session
    session[LAST_SEEN_KEY] -= 29 * 60
    session.save()
    assert reaches(client, "/moderation/audit/")


def test_remember_me_keeps_a_members_session_but_not_a_staff_one(admin, alice):
    staff = Client()
    full_login(staff, admin, remember="on")
    response = staff.get("/")
    assert staff.session.get_expire_at_browser_close()
    cookie = response.cookies.get("sessionid") or staff.cookies["sessionid"]
    assert not cookie["max-age"]
    assert not cookie["expires"]

    EmailAddress.objects.create(user=alice, email=alice.email, primary=True, verified=True)
    member = Client()
    credentials = {"login": alice.email, "password": PASSWORD, "remember": "on"}
    member.post(reverse("account_login"), credentials)
    member.get("/")
    assert not member.session.get_expire_at_browser_close()
    assert member.cookies["sessionid"]["max-age"]


def test_an_idle_member_stays_signed_in(alice):
    client = Client()
    client.force_login(alice)
    session = client.session
    session[LAST_SEEN_KEY] = 0.0  # even a stale mark means nothing for a member
    session.save()
    assert reaches(client, reverse("ideas:mine"))
