"""Service accounts: made by admins, hold a role, own tokens, and never sign in to the site."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from accounts import roles
from accounts.audit import AuditEntry
from accounts.models import ApiToken, User
from accounts.service_accounts import (
    service_account_create,
    service_token_create,
    service_token_revoke,
)
from tests.api.conftest import bearer


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    return APIClient()


@pytest.fixture
def crm(admin_user):  # type: ignore[no-untyped-def]
    return service_account_create(actor=admin_user, name="CRM", role=roles.PRODUCT_MANAGER)


def _token(admin_user, crm, scope="write"):  # type: ignore[no-untyped-def]
    return service_token_create(
        actor=admin_user, account=crm, name="sync", scope=scope, days=7, second_factor=True
    )


def test_an_admin_creates_a_service_account_with_a_role(admin_user, crm):
    assert crm.is_service_account
    assert crm.email == "crm@service.invalid"
    assert not crm.has_usable_password()
    assert not crm.profile_public
    assert roles.user_has_role(crm, roles.PRODUCT_MANAGER)
    assert AuditEntry.objects.filter(action="service_account_create", actor=admin_user).exists()


def test_only_admins_create_service_accounts_and_their_tokens(moderator, admin_user, crm):
    with pytest.raises(PermissionDenied):
        service_account_create(actor=moderator, name="Data lake", role=roles.MEMBER)
    with pytest.raises(PermissionDenied):
        _token(moderator, crm)


def test_a_service_token_needs_the_admins_second_factor(admin_user, crm):
    with pytest.raises(PermissionDenied):
        service_token_create(
            actor=admin_user, account=crm, name="x", scope="read", days=7, second_factor=False
        )


def test_tokens_are_for_service_accounts_only(admin_user, alice):
    with pytest.raises(ValidationError):
        _token(admin_user, alice)


def test_names_and_roles_are_checked(admin_user, crm):
    with pytest.raises(ValidationError) as error:
        service_account_create(actor=admin_user, name="crm", role="owner")
    assert set(error.value.message_dict) == {"name", "role"}


def test_a_service_account_calls_the_api_with_its_role(api, admin_user, crm):
    token = _token(admin_user, crm)
    assert (
        token.token.created_by == admin_user
        or ApiToken.objects.get(pk=token.token.pk).created_by_id == admin_user.pk
    )
    me = api.get("/api/v1/me/", **bearer(token.secret)).json()
    assert me["service_account"] is True
    assert me["roles"] == [roles.PRODUCT_MANAGER]
    # A product manager's page of the API, without any authenticator app of its own.
    assert api.get("/api/v1/themes/", **bearer(token.secret)).status_code == 200


def test_a_service_account_cannot_sign_in_to_the_site(admin_user, crm):
    crm.set_password("a-password-someone-set-in-the-admin")
    crm.save()
    browser = Client()
    assert not browser.login(username=crm.email, password="a-password-someone-set-in-the-admin")
    browser.post(
        "/accounts/login/",
        {"login": crm.email, "password": "a-password-someone-set-in-the-admin"},
        follow=True,
    )
    assert "_auth_user_id" not in browser.session
    assert browser.get("/api/v1/me/").status_code == 401


def test_a_session_of_a_service_account_is_not_accepted(admin_user, crm):
    browser = Client()
    browser.force_login(crm)  # as if a session had been made some other way
    assert browser.get("/api/v1/me/").status_code == 401


def test_an_admin_revokes_a_service_token(api, admin_user, crm):
    token = _token(admin_user, crm)
    assert service_token_revoke(actor=admin_user, token_id=token.token.pk)
    assert api.get("/api/v1/me/", **bearer(token.secret)).status_code == 401
    assert not service_token_revoke(actor=admin_user, token_id=token.token.pk)


def test_the_command_creates_an_account_and_prints_a_token_once(api, admin_user, capsys):
    call_command(
        "service_account", "--by", admin_user.email, "create", "Data lake", "--role", "member"
    )
    call_command(
        "service_account", "--by", admin_user.email, "token", "Data lake", "--scope", "read"
    )
    secret = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    assert api.get("/api/v1/me/", **bearer(secret)).json()["token_scope"] == "read"
    call_command("service_account", "--by", admin_user.email, "list")
    assert "Data lake [member]" in capsys.readouterr().out


def test_only_admins_list_the_service_accounts_and_their_tokens(admin_user, alice, crm):
    with pytest.raises(CommandError, match="Only administrators"):
        call_command("service_account", "--by", alice.email, "list")


def test_an_admin_makes_a_service_account_and_its_token_in_the_admin(client, admin_user):
    client.force_login(admin_user)  # with the second factor passed, as admins must
    response = client.post(
        "/admin/accounts/serviceaccount/add/", {"name": "Data lake", "role": roles.MEMBER}
    )
    account = User.objects.get(is_service_account=True)
    assert response["Location"] == f"/admin/accounts/serviceaccount/{account.pk}/tokens/"
    page = client.post(response["Location"], {"name": "nightly", "scope": "read", "days": "30"})
    secret = page.context["secret"]
    assert secret.startswith("ruche_")
    assert ApiToken.objects.get(user=account).created_by == admin_user
    assert secret not in client.get(response["Location"]).content.decode()  # shown once
    token = ApiToken.objects.get(user=account)
    for not_an_id in ("²", "99999999999999999999"):  # no token: the page again, not a 500
        assert client.post(response["Location"], {"revoke": not_an_id}).status_code == 302
    client.post(response["Location"], {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Data lake" in client.get("/admin/accounts/serviceaccount/").content.decode()


def test_the_admin_refuses_personal_data_as_a_service_accounts_name(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/serviceaccount/add/",
        {"name": "CRM of jean.dupont@example.com", "role": roles.MEMBER},
    )
    assert response.status_code == 400
    assert not User.objects.filter(is_service_account=True).exists()
