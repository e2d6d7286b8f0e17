"""Login lockout (allauth's "login_failed" rate limit) and banned members at the door."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import sanctions
from community.models import Comment

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory
LOCKED = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def _verified_emails(alice, bob):  # type: ignore[no-untyped-def]
    # Email verification is mandatory: without it a right password leads to "verify your email".
    for user in (alice, bob):
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)


def log_in(client, email, password=PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("account_login"), {"login": email, "password": password})


def logged_in(client) -> bool:  # type: ignore[no-untyped-def]
    return SESSION_KEY in client.session


def fail(client, email, times):  # type: ignore[no-untyped-def]
    for _ in range(times):
        response = log_in(client, email, password="wrong-password")
        assert response.status_code == 200
        assert not logged_in(client)


def test_the_lockout_is_configured_explicitly(settings):
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "20/15m/ip,5/15m/key"


def test_after_five_failures_even_the_right_password_is_refused_with_a_message(client, alice):
    fail(client, alice.email, 5)
    response = log_in(client, alice.email)
    assert response.status_code == 200
    assert LOCKED in response.text
    assert not logged_in(client)


def test_four_failures_still_let_the_right_password_in(client, alice):
    fail(client, alice.email, 4)
    response = log_in(client, alice.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("ideas:home")
    assert logged_in(client)


def test_the_lockout_is_per_email_address(client, alice, bob):
    fail(client, alice.email, 5)
    response = log_in(client, bob.email)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_email_is_matched_whatever_its_case(client, alice):
    fail(client, alice.email.upper(), 5)
    assert LOCKED in log_in(client, alice.email).text


def test_twenty_failures_from_one_address_lock_every_account_from_it(client, bob):
    for n in range(4):
        fail(client, f"guess{n}@example.com", 4)  # under the per-address limit each time
    fail(client, "guess4@example.com", 3)
    other = Client()  # same address, 19 failures so far: still let in
    assert log_in(other, bob.email).status_code == 302
    fail(client, "guess5@example.com", 1)
    response = log_in(client, bob.email)
    assert LOCKED in response.text
    assert not logged_in(client)
    # Another address is not locked out.
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert log_in(elsewhere, bob.email).status_code == 302


def test_the_write_rate_limit_and_the_login_lockout_keep_separate_counts(
    client, settings, alice, bob, idea
):
    # Alice is locked out of logging in again, yet her open session still comments: the lockout
    # does not touch config.ratelimit's counters...
    fail(client, alice.email, 5)
    writer = Client()
    writer.force_login(alice)
    response = writer.post(reverse("community:comment_create", args=[idea.pk]), {"body": "Yes"})
    assert response.status_code == 302
    # ...and a member over the write limit still logs in.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment_create": (1, 3600)}
    bobs = Client(REMOTE_ADDR="198.51.100.7")  # Alice's comment counted on 127.0.0.1
    bobs.force_login(bob)
    url = reverse("community:comment_create", args=[idea.pk])
    assert bobs.post(url, {"body": "One"}).status_code == 302
    assert bobs.post(url, {"body": "Two"}).status_code == 429
    bobs.logout()
    assert log_in(bobs, bob.email).status_code == 302
    assert Comment.objects.count() == 2


def test_allauths_own_429_page_renders_with_our_template(client, settings, alice):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    log_in(client, alice.email, password="wrong-password")
    response = log_in(client, alice.email)
    assert response.status_code == 429
    assert "Please wait a few minutes" in response.text


# --- Banned members ------------------------------------------------------------------------------


def test_a_banned_members_right_password_is_refused(client, bob, moderator):
    sanctions.member_ban(actor=moderator, member=bob, reason="Spam bot", hide_content=False)
    response = log_in(client, bob.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    assert not logged_in(client)
    assert "This account is inactive" in client.get(response["Location"]).text


def test_a_logged_in_member_who_gets_banned_is_logged_out_at_the_next_request(
    client, bob, moderator
):
    assert log_in(client, bob.email).status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    sanctions.member_ban(actor=moderator, member=bob, reason="Spam bot", hide_content=False)
    assert not any(s.get_decoded().get(SESSION_KEY) == str(bob.pk) for s in Session.objects.all())
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_suspended_member_still_logs_in_to_read(client, bob, moderator):
    sanctions.member_suspend(
        actor=moderator,
        member=bob,
        until=timezone.now() + timedelta(days=2),
        reason="Cool down",
        hide_content=False,
    )
    assert log_in(client, bob.email).status_code == 302
    assert logged_in(client)
