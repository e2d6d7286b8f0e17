"""A real OpenID Connect identity provider on 127.0.0.1 for each test (tests/support), and
single sign-on configured for it the way the environment would."""

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from accounts.sso.config import sso_from_env
from tests.support.oidc_provider import Person, TestIdentityProvider

ROLE_GROUPS = "moderator=ruche-moderators;product_manager=ruche-pm;admin=ruche-admins"


def configure_sso(settings, idp: TestIdentityProvider, **env: str) -> None:  # type: ignore[no-untyped-def]
    """What config/settings/base.py does with these variables at start-up."""
    environ = {
        "SSO_OIDC_SERVER_URL": idp.issuer,
        "SSO_OIDC_CLIENT_ID": idp.client_id,
        "SSO_OIDC_CLIENT_SECRET": idp.client_secret,
        "SSO_PROVIDER_NAME": "Bank sign-in",
        "SSO_ROLE_GROUPS": ROLE_GROUPS,
        "SSO_TRUSTED_MFA_AMR": "mfa,hwk",
        "SSO_EMAIL_DOMAINS": "bank.example",
    } | env
    config, apps, providers = sso_from_env(environ)
    assert not config.problems
    assert apps == []
    settings.SSO = config
    settings.SOCIALACCOUNT_PROVIDERS = {**settings.SOCIALACCOUNT_PROVIDERS, **providers}


@pytest.fixture
def idp() -> Iterator[TestIdentityProvider]:
    person = Person(sub="alice-1", email="alice@bank.example", name="Alice Martin")
    with TestIdentityProvider(person=person) as provider:
        yield provider


@pytest.fixture
def sso(settings, idp):  # type: ignore[no-untyped-def]
    configure_sso(settings, idp)
    return idp


def sso_sign_in(client: Client, idp: TestIdentityProvider, *, display_name: str = "Alice"):  # type: ignore[no-untyped-def]
    """The whole sign-in: the login button (a POST), the browser at the identity provider (a
    real HTTP request), back to the callback with the code (allauth exchanges it over HTTP),
    and for a new account the sign-up form (terms). Returns the last response."""
    response = client.post(reverse("sso_login"))
    assert response.status_code == 302, response.content[:500]
    authorize = response["Location"]
    assert authorize.startswith(f"{idp.issuer}/authorize?")
    at_idp = requests.get(authorize, allow_redirects=False, timeout=5)
    assert at_idp.status_code == 302, at_idp.text
    back = urlsplit(at_idp.headers["Location"])
    assert back.path == reverse("sso_callback")
    response = client.get(f"{back.path}?{back.query}")
    if response.status_code == 302 and response["Location"] == reverse("socialaccount_signup"):
        form = client.get(response["Location"]).context["form"]
        response = client.post(
            reverse("socialaccount_signup"),
            {"email": form.initial["email"], "display_name": display_name, "accept_terms": "on"},
        )
    return response
