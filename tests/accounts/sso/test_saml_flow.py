"""A whole SAML 2.0 sign-in through allauth's SAML provider, configured from the environment as
in production: Ruche fetches the IdP's metadata over HTTP (127.0.0.1), redirects with an
AuthnRequest, and the test posts back the IdP's signed response. Groups give and take roles
as with OpenID Connect; an assertion signed by another key is refused."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.models import User
from accounts.sso.config import sso_from_env

pytest.importorskip("onelogin", reason="python3-saml is installed by the locked requirements")

from tests.support.saml_provider import GROUPS_ATTRIBUTE, TestSamlIdentityProvider

pytestmark = pytest.mark.django_db
HOST = "ruche.bank.example"  # python3-saml's strict mode wants a dotted host name


@pytest.fixture
def saml_idp(settings):  # type: ignore[no-untyped-def]
    with TestSamlIdentityProvider(email="paul@bank.example") as idp:
        config, apps, providers = sso_from_env(
            {
                "SSO_SAML_METADATA_URL": idp.metadata_url,
                "SSO_SAML_IDP_ENTITY_ID": idp.entity_id,
                "SSO_SAML_GROUPS_ATTRIBUTE": GROUPS_ATTRIBUTE,
                "SSO_ROLE_GROUPS": "moderator=Ruche Moderators",
                "SSO_EMAIL_DOMAINS": "bank.example",
                "SSO_PROVIDER_NAME": "Bank ADFS",
            }
        )
        assert not config.problems
        assert apps == ["allauth.socialaccount.providers.saml"]
        settings.SSO = config
        settings.SOCIALACCOUNT_PROVIDERS = {**settings.SOCIALACCOUNT_PROVIDERS, **providers}
        settings.ALLOWED_HOSTS = [HOST]
        yield idp


def _saml_sign_in(client: Client, idp: TestSamlIdentityProvider, *, forged: bool = False):  # type: ignore[no-untyped-def]
    login_url = reverse("saml_login", kwargs={"organization_slug": "bank"})
    assert f'action="{login_url}"' in client.get(reverse("account_login")).content.decode()
    response = client.post(login_url)
    assert response.status_code == 302
    assert response["Location"].startswith(idp.sso_url)
    saml_request = parse_qs(urlsplit(response["Location"]).query)["SAMLRequest"][0]
    acs = reverse("saml_acs", kwargs={"organization_slug": "bank"})
    response = client.post(acs, {"SAMLResponse": idp.response_to(saml_request, forged=forged)})
    response = client.get(response["Location"])  # allauth's finish-ACS step
    if response.status_code == 302 and response["Location"] == reverse("socialaccount_signup"):
        form = client.get(response["Location"]).context["form"]
        response = client.post(
            reverse("socialaccount_signup"),
            {"email": form.initial["email"], "display_name": "Paul", "accept_terms": "on"},
        )
    return response


def test_saml_groups_give_and_take_the_role(saml_idp):
    client = Client(HTTP_HOST=HOST)
    saml_idp.groups = ["Ruche Moderators", "Everyone"]

    _saml_sign_in(client, saml_idp)

    user = User.objects.get(email="paul@bank.example")
    assert user.groups.filter(name=roles.MODERATOR).exists()
    client.post(reverse("account_logout"))

    saml_idp.groups = ["Everyone"]
    _saml_sign_in(client, saml_idp)

    assert not user.groups.filter(name=roles.MODERATOR).exists()


def test_an_assertion_signed_by_another_key_is_refused(saml_idp):
    client = Client(HTTP_HOST=HOST)
    saml_idp.groups = ["Ruche Moderators"]

    response = _saml_sign_in(client, saml_idp, forged=True)

    assert "socialaccount/authentication_error.html" in [t.name for t in response.templates]
    assert not User.objects.filter(email="paul@bank.example").exists()
