"""Personal API tokens: created on the profile, shown once, stored hashed, scoped, expiring,
revoked by their owner; staff tokens never skip two-factor."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from accounts import roles
from accounts.mfa import mfa_enrol
from accounts.models import ApiToken
from accounts.tokens import token_create, token_revoke
from tests.api.conftest import bearer, token_for
from tests.factories import UserFactory


def test_the_token_page_creates_a_token_and_shows_it_once(client, alice):
    client.force_login(alice)
    response = client.post(
        "/profile/tokens/", {"name": "CRM export", "scope": "read", "days": "30"}
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("ruche_")
    assert secret in response.content.decode()
    token = ApiToken.objects.get(user=alice)
    assert token.name == "CRM export"
    assert token.scope == "read"
    # Stored as a digest only: the secret is in no column.
    assert secret not in {token.digest, token.prefix}
    assert len(token.digest) == 64
    assert secret not in client.get("/profile/tokens/").content.decode()


def test_a_token_authenticates_its_owner(api, alice):
    response = api.get("/api/v1/me/", **bearer(token_for(alice, scope="read")))
    assert response.status_code == 200
    assert response.json()["email"] == "alice@example.com"
    assert response.json()["token_scope"] == "read"
    assert ApiToken.objects.get(user=alice).last_used_at is not None


def test_a_read_token_cannot_write(api, alice, idea):
    response = api.post(f"/api/v1/ideas/{idea.pk}/vote/", **bearer(token_for(alice, "read")))
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert idea.votes.count() == 0


def test_a_revoked_token_stops_working(api, alice):
    secret = token_for(alice)
    token = ApiToken.objects.get(user=alice)
    assert api.get("/api/v1/me/", **bearer(secret)).status_code == 200
    assert token_revoke(user=alice, token_id=token.pk)
    response = api.get("/api/v1/me/", **bearer(secret))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_only_the_owner_revokes_a_token(client, alice, bob):
    token_for(alice)
    token = ApiToken.objects.get(user=alice)
    assert not token_revoke(user=bob, token_id=token.pk)
    client.force_login(bob)
    client.post(f"/profile/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(alice)
    client.post(f"/profile/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_an_expired_token_stops_working(api, alice):
    secret = token_for(alice)
    ApiToken.objects.filter(user=alice).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api.get("/api/v1/me/", **bearer(secret))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_wrong_or_altered_token_is_refused(api, alice):
    secret = token_for(alice)
    assert api.get("/api/v1/me/", **bearer(secret[:-1] + "x")).status_code == 401
    assert api.get("/api/v1/me/", **bearer("ruche_nothing")).status_code == 401


def test_a_banned_members_token_stops_working(api, alice):
    secret = token_for(alice)
    alice.is_active = False
    alice.banned_at = timezone.now()
    alice.save()
    assert api.get("/api/v1/me/", **bearer(secret)).status_code == 401


def test_tokens_need_a_name_a_scope_and_a_duration_within_the_limit(alice):
    with pytest.raises(ValidationError) as error:
        token_create(user=alice, name=" ", scope="admin", days=400, second_factor=False)
    assert set(error.value.message_dict) == {"name", "scope", "days"}


def test_staff_create_tokens_only_after_their_second_factor(moderator):
    with pytest.raises(PermissionDenied):
        token_create(user=moderator, name="x", scope="read", days=7, second_factor=False)
    assert token_create(user=moderator, name="x", scope="read", days=7, second_factor=True)


def test_staff_tokens_last_at_most_thirty_days(moderator):
    with pytest.raises(ValidationError) as error:
        token_create(user=moderator, name="x", scope="read", days=31, second_factor=True)
    assert "days" in error.value.message_dict


def test_a_staff_session_without_the_second_factor_cannot_create_one(moderator):
    browser = Client()  # a plain client: password only, no code typed in this session
    browser.force_login(moderator)
    response = browser.post("/profile/tokens/", {"name": "x", "scope": "read", "days": "7"})
    assert response.status_code == 302  # sent to type the code first (accounts.mfa)
    assert not ApiToken.objects.filter(user=moderator).exists()


def test_a_members_token_stops_working_once_they_become_staff(api, alice):
    """Made without two-factor, it would otherwise reach staff powers without the code."""
    secret = token_for(alice, second_factor=False)
    alice.groups.add(roles.Group.objects.get(name=roles.MODERATOR))
    response = api.get("/api/v1/me/", **bearer(secret))
    assert response.status_code == 401
    assert "two-factor" in response.json()["detail"]


@pytest.mark.parametrize("second_factor_required", [True, False])
def test_a_long_members_token_stops_working_once_they_become_staff(
    api, alice, settings, second_factor_required
):
    """Made after a code, but for a year: staff tokens last 30 days at most (with or without
    STAFF_MFA_REQUIRED: token_create caps them either way)."""
    settings.STAFF_MFA_REQUIRED = second_factor_required
    long = token_for(alice, second_factor=True, days=365)
    short = token_for(alice, second_factor=True, days=30)
    mfa_enrol(alice)
    alice.groups.add(roles.Group.objects.get(name=roles.MODERATOR))
    response = api.get("/api/v1/me/", **bearer(long))
    assert response.status_code == 401
    assert "30 days" in response.json()["detail"]
    assert api.get("/api/v1/me/", **bearer(short)).status_code == 200


@pytest.mark.parametrize("power", sorted(set().union(*roles.ROLE_PERMISSIONS.values())))
def test_any_staff_power_held_through_another_group_needs_a_token_made_after_the_code(
    api, alice, power
):
    """An administrator may build a group of their own in the Django admin ("complaints team")."""
    secret = token_for(alice, second_factor=False)
    app_label, codename = power.split(".")
    team = roles.Group.objects.create(name="complaints team")
    team.permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    alice.groups.add(team)
    response = api.get("/api/v1/me/", **bearer(secret))
    assert response.status_code == 401
    assert "two-factor" in response.json()["detail"]


def test_a_staff_token_made_after_the_second_factor_works(api, moderator):
    response = api.get("/api/v1/me/", **bearer(token_for(moderator, "read", days=7)))
    assert response.status_code == 200
    assert "ideas.change_idea_status" in response.json()["permissions"]


def test_each_token_has_its_own_request_budget(api, settings, alice):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "2/min", "user": "2/min", "anon": "2/min"},
    }
    first, second = token_for(alice), token_for(alice)
    codes = [api.get("/api/v1/me/", **bearer(first)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert api.get("/api/v1/me/", **bearer(second)).status_code == 200


def test_a_suspended_member_reads_but_cannot_write(api, idea):
    member = UserFactory(suspended_until=timezone.now() + timedelta(days=3))
    secret = token_for(member)
    assert api.get(f"/api/v1/ideas/{idea.pk}/", **bearer(secret)).status_code == 200
    response = api.post(f"/api/v1/ideas/{idea.pk}/vote/", **bearer(secret))
    assert response.status_code == 403
    assert "suspended" in response.json()["detail"]


def test_the_demo_command_prints_a_working_token_and_replaces_the_last(api, settings, alice):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    printed = []
    for _ in range(2):
        out = StringIO()
        call_command("demo_api_token", email=alice.email, stdout=out)
        printed.append(out.getvalue().split()[-1])
    assert api.get("/api/v1/me/", **bearer(printed[1])).status_code == 200
    assert api.get("/api/v1/me/", **bearer(printed[0])).status_code == 401
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_tokens_are_in_the_data_export_without_their_secret(alice):
    from accounts.privacy import personal_data_export

    secret = token_for(alice, "read")
    exported = personal_data_export(user=alice)["api_tokens"]
    assert [(t["name"], t["scope"]) for t in exported] == [("test", "read")]
    token = ApiToken.objects.get(user=alice)
    assert token.digest not in str(exported)
    assert secret not in str(exported)


def test_deleting_the_account_deletes_its_tokens(api, alice):
    from accounts.privacy import account_delete

    secret = token_for(alice)
    account_delete(user=alice, keep_content=True)
    assert not ApiToken.objects.filter(user=alice).exists()
    assert api.get("/api/v1/me/", **bearer(secret)).status_code == 401
