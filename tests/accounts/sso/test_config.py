"""Single sign-on from the environment: nothing without its variables, a system check error
for a half-set configuration, and the SAML provider's configuration and group mapping."""

import pytest
from allauth.socialaccount.models import SocialAccount, SocialLogin

from accounts import roles
from accounts.models import SsoRoleGrant
from accounts.sso.checks import sso_configuration
from accounts.sso.config import SAML_APP, parse_role_groups, sso_from_env
from accounts.sso.login import idp_groups, sso_sync_roles
from tests.factories import UserFactory

OIDC = {
    "SSO_OIDC_SERVER_URL": "https://login.microsoftonline.com/tenant-id/v2.0",
    "SSO_OIDC_CLIENT_ID": "client",
    "SSO_OIDC_CLIENT_SECRET": "secret",
    "SSO_ROLE_GROUPS": "moderator=grp-a;product_manager=grp-b,grp-b2;admin=grp-c",
}
SAML = {
    "SSO_SAML_METADATA_URL": "https://adfs.bank.example/FederationMetadata/2007-06/FederationMetadata.xml",
    "SSO_SAML_IDP_ENTITY_ID": "http://adfs.bank.example/adfs/services/trust",
    "SSO_SAML_GROUPS_ATTRIBUTE": "http://schemas.xmlsoap.org/claims/Group",
    "SSO_ROLE_GROUPS": '{"moderator": ["CN=Ruche Moderators,OU=Groups,DC=bank,DC=example"]}',
}


def test_nothing_is_enabled_without_the_variables():
    config, apps, providers = sso_from_env({})

    assert (config.enabled, apps, providers, config.problems) == (False, [], {}, ())


def test_openid_connect_from_the_environment():
    config, apps, providers = sso_from_env(OIDC | {"SSO_PROVIDER_NAME": "Bank ID"})

    app = providers["sso"]["APPS"][0]
    assert (app["client_id"], app["secret"], app["name"]) == ("client", "secret", "Bank ID")
    assert app["settings"]["server_url"] == OIDC["SSO_OIDC_SERVER_URL"]
    assert app["settings"]["oauth_pkce_enabled"] is True
    assert config.role_groups == {
        "moderator": ("grp-a",),
        "product_manager": ("grp-b", "grp-b2"),
        "admin": ("grp-c",),
    }
    assert config.oidc_origin == "https://login.microsoftonline.com"
    assert apps == []
    assert not config.problems
    assert not config.required_for_staff


@pytest.mark.parametrize("missing", ["SSO_OIDC_SERVER_URL", "SSO_OIDC_CLIENT_SECRET"])
def test_a_half_configured_openid_connect_is_a_system_check_error(settings, missing):
    env = {k: v for k, v in OIDC.items() if k != missing}
    config, _, providers = sso_from_env(env)
    settings.SSO = config

    errors = sso_configuration()

    assert providers == {}
    assert [e.id for e in errors] == ["ruche.E101"]
    assert missing in errors[0].msg


def test_required_for_staff_without_any_sso_is_an_error():
    config, _, _ = sso_from_env({"SSO_REQUIRED_FOR_STAFF": "true"})

    assert any("staff could not sign in at all" in p for p in config.problems)
    assert config.required_for_staff is False


def test_unknown_roles_and_malformed_mappings_are_named():
    mapping, problems = parse_role_groups("moderator=a;boss=b;admin;product_manager=")

    assert mapping == {"moderator": ("a",)}
    assert len(problems) == 3
    assert any("'boss' is not a staff role" in p for p in problems)


def test_sso_without_role_groups_is_a_warning(settings):
    settings.SSO, _, _ = sso_from_env({k: v for k, v in OIDC.items() if k != "SSO_ROLE_GROUPS"})

    assert [m.id for m in sso_configuration()] == ["ruche.W101"]


def test_saml_from_the_environment_installs_allauth_s_saml_provider():
    config, apps, providers = sso_from_env(SAML | {"SSO_SAML_SLUG": "bank"}, saml_installed=True)

    assert apps == [SAML_APP]
    app = providers["saml"]["APPS"][0]
    assert app["client_id"] == "bank"
    assert app["settings"]["idp"] == {
        "entity_id": SAML["SSO_SAML_IDP_ENTITY_ID"],
        "metadata_url": SAML["SSO_SAML_METADATA_URL"],
    }
    assert app["settings"]["advanced"]["want_assertion_signed"] is True
    assert config.saml_groups_attribute == "http://schemas.xmlsoap.org/claims/Group"
    assert config.role_groups == {
        "moderator": ("CN=Ruche Moderators,OU=Groups,DC=bank,DC=example",)
    }


def test_saml_without_python3_saml_is_a_clear_error_not_a_traceback():
    config, apps, providers = sso_from_env(SAML, saml_installed=False)

    assert (apps, providers, config.saml_enabled) == ([], {}, False)
    assert any("python3-saml is not installed" in p for p in config.problems)


def test_a_half_configured_saml_is_an_error():
    config, apps, _ = sso_from_env({"SSO_SAML_METADATA_URL": SAML["SSO_SAML_METADATA_URL"]})

    assert apps == []
    assert any("SSO_SAML_IDP_ENTITY_ID missing" in p for p in config.problems)


@pytest.mark.django_db
def test_saml_groups_attribute_maps_to_roles_on_every_login(settings):
    """The mapping path of a SAML sign-in: allauth keeps the assertion's attributes (lists of
    values) as the account's extra_data, and the groups attribute decides the roles."""
    settings.SSO, _, _ = sso_from_env(SAML, saml_installed=True)
    user = UserFactory(email="paul@bank.example")
    attribute = "http://schemas.xmlsoap.org/claims/Group"

    def login(groups: list[str]) -> SocialLogin:
        account = SocialAccount(provider="saml", uid="paul", extra_data={attribute: groups})
        return SocialLogin(user=user, account=account)

    first = login(["CN=Ruche Moderators,OU=Groups,DC=bank,DC=example", "CN=Everyone"])
    assert idp_groups(first) == ["CN=Ruche Moderators,OU=Groups,DC=bank,DC=example", "CN=Everyone"]
    sso_sync_roles(user=user, sociallogin=first)
    assert user.groups.filter(name=roles.MODERATOR).exists()

    sso_sync_roles(user=user, sociallogin=login(["CN=Everyone"]))
    assert not user.groups.filter(name=roles.MODERATOR).exists()
    assert not SsoRoleGrant.objects.exists()


def test_the_settings_read_the_variables_at_start_up():
    """config/settings/base.py itself, imported afresh in a process with the variables set: the
    provider is configured and its plain-http origin may receive the login form's redirect."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "from config.settings import test as s;"
        "print(s.SSO.oidc_enabled, s.SSO.required_for_staff, s.SSO.name);"
        "print(s.SOCIALACCOUNT_PROVIDERS['sso']['APPS'][0]['client_id']);"
        "print(s.CONTENT_SECURITY_POLICY['form-action'])"
    )
    env = (
        os.environ
        | OIDC
        | {
            "SSO_OIDC_SERVER_URL": "http://127.0.0.1:9002",
            "SSO_REQUIRED_FOR_STAFF": "yes",
            "SSO_PROVIDER_NAME": "Bank ID",
        }
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "True True Bank ID"
    assert lines[1] == "client"
    assert "http://127.0.0.1:9002" in lines[2]


@pytest.mark.django_db
def test_the_roles_apply_to_the_user_object_at_once():
    """The login goes on with the same object: its cached permissions must not be the old ones."""
    from accounts.roles import user_holds_staff_role
    from accounts.sso.roles import sso_roles_sync

    user = UserFactory(email="eve@bank.example")
    assert not user_holds_staff_role(user)  # fills the permission cache

    sso_roles_sync(user=user, groups=["grp-a"], role_groups={"moderator": ("grp-a",)})

    assert user_holds_staff_role(user)
