"""Sessions (config.sessions) and the signed-in member (accounts.backends) read by statements
compiled once: every way a session ends still ends it on the very next request, with the cache on
a real Redis as in production (the `shared_cache` fixture) so that nothing could be served from it.

The ways a session ends: signing out, a ban and an account deletion (their rows deleted in bulk:
accounts.sanctions.end_sessions), a password changed elsewhere (the session's hash no longer
matches) and expiry. A suspension keeps the member signed in
to read (docs/moderation.md) but refuses their next vote."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import roles, sanctions
from accounts.backends import ModelBackendOneQuery
from accounts.models import User
from accounts.privacy import account_delete
from config.sessions import SessionStore
from tests.factories import UserFactory

PROFILE = "accounts:profile"  # a page only a signed-in member gets (else a redirect to login)


@pytest.fixture(autouse=True)
def _redis_cache(shared_cache):  # type: ignore[no-untyped-def]
    return shared_cache


def _signed_in(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    assert browser.get(reverse(PROFILE)).status_code == 200
    return browser


def _is_signed_out(browser: Client) -> bool:
    response = browser.get(reverse(PROFILE))
    return response.status_code == 302 and reverse("account_login") in response["Location"]


def test_signing_out_ends_the_session_and_its_cookie_opens_nothing(alice):
    browser = _signed_in(alice)
    cookie = browser.cookies["sessionid"].value
    browser.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=cookie).exists()
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert _is_signed_out(replay)


def test_a_ban_ends_every_session_of_the_member_and_reinstating_does_not_revive_them(
    alice, bob, moderator
):
    laptop, phone, other = _signed_in(bob), _signed_in(bob), _signed_in(alice)
    sanctions.member_ban(actor=moderator, member=bob, reason="Spam", hide_content=False)
    assert _is_signed_out(laptop)
    assert _is_signed_out(phone)
    sanctions.member_reinstate(actor=moderator, member=bob, reason="Appeal", restore_content=False)
    # Ended, not merely refused while banned: a copy of the session kept anywhere (a cache) would
    # let these cookies in again now that the account is active.
    assert _is_signed_out(laptop)
    assert _is_signed_out(phone)
    assert not _is_signed_out(other)


def test_deleting_the_account_ends_its_sessions_in_every_browser(alice, bob):
    browser, other = _signed_in(alice), _signed_in(bob)
    account_delete(user=alice, keep_content=True)
    assert _is_signed_out(browser)
    assert (
        not Session.objects.filter(session_data__isnull=False)
        .exclude(session_key=other.cookies["sessionid"].value)
        .exists()
    )
    assert not _is_signed_out(other)


def test_a_password_changed_elsewhere_signs_the_other_browsers_out(alice):
    browser = _signed_in(alice)
    alice.set_password("a new one, typed on another device")
    alice.save(update_fields=["password"])
    assert _is_signed_out(browser)


def test_an_expired_session_opens_nothing(alice):
    browser = _signed_in(alice)
    key = browser.cookies["sessionid"].value
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert _is_signed_out(browser)
    assert SessionStore(key).load() == {}


def test_a_suspension_refuses_the_very_next_vote(client, idea, bob, moderator):
    client.force_login(bob)
    url = reverse("ideas:vote", args=[idea.pk])
    assert client.post(url).status_code in (200, 302)
    client.post(url)  # back to no vote
    sanctions.member_suspend(
        actor=moderator,
        member=bob,
        until=timezone.now() + timedelta(days=1),
        reason="Cool down",
        hide_content=False,
    )
    assert client.post(url).status_code == 403
    idea.refresh_from_db()
    assert idea.vote_count == 0


def test_a_session_reads_what_djangos_store_reads(alice):
    browser = _signed_in(alice)
    key = browser.cookies["sessionid"].value
    store = SessionStore(key)
    assert store.load() == Session.objects.get(pk=key).get_decoded()
    assert store.load()[SESSION_KEY] == str(alice.pk)
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None  # forgotten, as Django's store does


@pytest.mark.parametrize(
    "kind", ["member", "moderator", "product_manager", "superuser", "direct permission"]
)
def test_the_member_and_his_permissions_come_in_one_statement_as_djangos_backend_reads_them(
    db, kind, django_assert_num_queries
):
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    if kind == "superuser":
        user = UserFactory(is_superuser=True)
    elif kind == "direct permission":
        user = UserFactory()
        user.user_permissions.add(Permission.objects.get(codename="manage_themes"))
    else:
        user = UserFactory(role=kind)
    ours = ModelBackendOneQuery().get_user(user.pk)
    djangos = ModelBackend().get_user(user.pk)
    assert ours is not None
    assert djangos is not None
    for field in User._meta.concrete_fields:
        assert getattr(ours, field.attname) == getattr(djangos, field.attname), field.name
    assert ModelBackend().get_all_permissions(djangos) == ours.get_all_permissions()
    if kind != "superuser":
        with django_assert_num_queries(1):
            fresh = ModelBackendOneQuery().get_user(user.pk)
            fresh.has_perm(roles.CHANGE_IDEA_STATUS)
            fresh.has_perm(roles.MODERATE_CONTENT)


def test_no_member_for_an_unknown_id_an_inactive_account_or_a_service_account(db):
    backend = ModelBackendOneQuery()
    assert backend.get_user(987_654_321) is None
    assert backend.get_user(UserFactory(is_active=False).pk) is None
    assert backend.get_user(UserFactory(is_service_account=True).pk) is None


def test_a_role_taken_away_is_gone_on_the_next_request(db):
    from django.contrib.auth.models import Group

    moderator = UserFactory(role=roles.MODERATOR)
    assert ModelBackendOneQuery().get_user(moderator.pk).has_perm(roles.MODERATE_CONTENT)
    moderator.groups.remove(Group.objects.get(name=roles.MODERATOR))
    assert not ModelBackendOneQuery().get_user(moderator.pk).has_perm(roles.MODERATE_CONTENT)
