"""Staff single sign-on through a real OpenID Connect flow against tests/support's identity
provider: roles follow its groups at every sign-in, two-factor stays Ruche's unless the
provider asserts it did MFA, and a tampered token is refused."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.audit import AuditEntry
from accounts.models import SsoRoleGrant, User
from accounts.sso.roles import SSO_ROLE_GRANT, SSO_ROLE_REMOVE
from tests.accounts.sso.conftest import configure_sso, sso_sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _local_account(role: str) -> User:
    """An account made in Ruche before single sign-on, with its address verified (staff have an
    authenticator app)."""
    user = UserFactory(email="alice@bank.example", role=role)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def _roles(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def _signed_in(client: Client) -> User | None:
    user = client.get(reverse("privacy:notice")).wsgi_request.user
    return user if user.is_authenticated else None


def test_a_new_staff_member_gets_the_roles_of_their_groups(sso):
    sso.person.groups = ["ruche-moderators", "unrelated-group"]
    client = Client()

    sso_sign_in(client, sso)

    user = User.objects.get(email="alice@bank.example")
    assert _roles(user) == {roles.MEMBER, roles.MODERATOR}
    assert list(SsoRoleGrant.objects.filter(user=user).values_list("role", flat=True)) == [
        roles.MODERATOR
    ]
    entry = AuditEntry.objects.get(action=SSO_ROLE_GRANT)
    assert (entry.target_id, entry.actor_id) == (user.pk, None)
    assert _signed_in(client) == user
    # The code went through the provider's token endpoint, keys and userinfo, over HTTP.
    assert {"/authorize", "/token", "/jwks", "/userinfo"} <= set(sso.requests)


def test_a_group_removed_between_two_logins_removes_the_role(sso):
    sso.person.groups = ["ruche-moderators", "ruche-pm"]
    client = Client()
    sso_sign_in(client, sso)
    user = User.objects.get(email="alice@bank.example")
    assert _roles(user) == {roles.MEMBER, roles.MODERATOR, roles.PRODUCT_MANAGER}
    client.post(reverse("account_logout"))

    sso.person.groups = ["ruche-pm"]  # taken out of the moderators' group in the directory
    sso_sign_in(client, sso)

    assert _roles(user) == {roles.MEMBER, roles.PRODUCT_MANAGER}
    removal = AuditEntry.objects.get(action=SSO_ROLE_REMOVE)
    assert roles.MODERATOR in removal.before["roles"]
    assert roles.MODERATOR not in removal.after["roles"]
    assert _signed_in(client) == user


def test_the_admin_group_opens_the_django_admin_and_leaving_it_closes_it(sso):
    sso.person.groups = ["ruche-admins"]
    client = Client()
    sso_sign_in(client, sso)
    user = User.objects.get(email="alice@bank.example")
    assert (user.is_staff, user.is_superuser) == (True, True)
    client.post(reverse("account_logout"))

    sso.person.groups = []
    sso_sign_in(client, sso)

    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)
    assert _roles(user) == {roles.MEMBER}


def test_a_member_with_no_groups_gets_no_staff_role(sso):
    client = Client()

    sso_sign_in(client, sso)

    user = User.objects.get(email="alice@bank.example")
    assert _roles(user) == {roles.MEMBER}
    assert not SsoRoleGrant.objects.exists()
    assert _signed_in(client) == user


def test_a_role_an_admin_granted_stays_when_no_group_maps_to_it(sso):
    user = _local_account(roles.PRODUCT_MANAGER)
    client = Client()

    sso_sign_in(client, sso)  # no groups; the address is the bank's: the account is found

    assert _roles(user) == {roles.PRODUCT_MANAGER}
    # and linked: the next sign-ins find it by the IdP's subject, whatever the address then
    assert SocialAccount.objects.get(user=user).uid == sso.person.sub
    assert not AuditEntry.objects.filter(action=SSO_ROLE_REMOVE).exists()


def test_without_mfa_in_amr_a_staff_member_still_types_ruche_s_code(sso):
    sso.person.groups = ["ruche-moderators"]
    sso.person.amr = ["pwd"]
    user = _local_account(roles.MODERATOR)  # has an app
    client = Client()

    response = sso_sign_in(client, sso)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    assert _signed_in(client) is None
    assert _roles(user) == {roles.MODERATOR}


def test_a_new_staff_member_without_an_authenticator_must_set_one_up_first(sso):
    sso.person.groups = ["ruche-moderators"]
    client = Client()
    sso_sign_in(client, sso)

    response = client.get(reverse("moderation:queue"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # The sign-in just happened: no password is asked first (an SSO account has none).
    assert client.get(response["Location"]).status_code == 200


def test_mfa_in_amr_counts_as_the_second_factor(sso):
    sso.person.groups = ["ruche-moderators"]
    sso.person.amr = ["pwd", "mfa"]
    _local_account(roles.MODERATOR)  # has an app: not asked
    client = Client()

    sso_sign_in(client, sso)

    assert client.get(reverse("moderation:queue")).status_code == 200


def test_mfa_in_amr_is_not_trusted_unless_configured(settings, idp):
    from tests.accounts.sso.conftest import configure_sso

    configure_sso(settings, idp, SSO_TRUSTED_MFA_AMR="")
    idp.person.groups = ["ruche-moderators"]
    idp.person.amr = ["mfa"]
    _local_account(roles.MODERATOR)
    client = Client()

    response = sso_sign_in(client, idp)

    assert response["Location"].startswith(reverse("mfa_authenticate"))


@pytest.mark.parametrize(
    "tamper", ["signature", "audience", "nonce", "issuer", "expired", "userinfo_sub"]
)
def test_a_tampered_id_token_is_refused(sso, tamper):
    sso.tamper = tamper
    sso.person.groups = ["ruche-admins"]
    client = Client()

    response = sso_sign_in(client, sso)

    assert response.status_code == 401
    assert "socialaccount/authentication_error.html" in [t.name for t in response.templates]
    assert _signed_in(client) is None
    assert not User.objects.filter(email="alice@bank.example").exists()


def test_a_code_cannot_be_used_twice(sso):
    client = Client()
    response = client.post(reverse("sso_login"))
    import requests

    at_idp = requests.get(response["Location"], allow_redirects=False, timeout=5)
    callback = at_idp.headers["Location"].removeprefix("http://testserver")
    client.get(callback)
    client.post(reverse("account_logout"))

    replay = Client().get(callback)  # another browser, the same code and state

    assert "socialaccount/authentication_error.html" in [t.name for t in replay.templates]


@pytest.mark.parametrize("claim", ["long_sub", "numeric_email"])
def test_claims_allauth_cannot_store_fail_the_sign_in_cleanly(sso, claim):
    if claim == "long_sub":
        sso.person.sub = "s" * 200  # OpenID Connect allows 255; allauth's uid column holds 191
    else:
        sso.person.email = 12345  # type: ignore[assignment]
    client = Client()

    response = sso_sign_in(client, sso)

    assert response.status_code == 401
    assert "socialaccount/authentication_error.html" in [t.name for t in response.templates]
    assert _signed_in(client) is None


def test_the_sign_in_button_says_so_when_the_identity_provider_is_down(settings, idp):
    configure_sso(settings, idp)
    idp.stop()  # nothing answers at the issuer any more

    response = Client().post(reverse("sso_login"))

    assert response.status_code == 401
    assert "socialaccount/authentication_error.html" in [t.name for t in response.templates]
