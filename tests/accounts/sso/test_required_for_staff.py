"""SSO_REQUIRED_FOR_STAFF: staff sign in by single sign-on only; members keep their password."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.models import User
from tests.accounts.sso.conftest import configure_sso, sso_sign_in
from tests.factories import UserFactory
from tests.helpers import SignedInClient

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def required(settings, idp):  # type: ignore[no-untyped-def]
    configure_sso(settings, idp, SSO_REQUIRED_FOR_STAFF="true")
    return idp


def _account(email: str, role: str) -> User:
    user = UserFactory(email=email, role=role)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def _password_login(client: Client, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_staff_password_is_refused_with_a_pointer_to_the_sso_button(required):
    _account("mod@bank.example", roles.MODERATOR)
    client = Client()

    response = _password_login(client, "mod@bank.example")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert any("Sign in with Bank sign-in" in m for m in _messages(response))
    assert not client.get(reverse("privacy:notice")).wsgi_request.user.is_authenticated


def test_a_customer_still_signs_in_with_a_password(required):
    _account("customer@example.com", roles.MEMBER)
    client = Client()

    response = _password_login(client, "customer@example.com")

    assert response.status_code == 302
    assert client.get(reverse("privacy:notice")).wsgi_request.user.is_authenticated


def test_a_password_reset_gives_a_staff_member_no_way_in(required):
    _account("pm@bank.example", roles.PRODUCT_MANAGER)
    client = Client()
    client.post(reverse("account_reset_password"), {"email": "pm@bank.example"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    assert link is not None
    form_url = client.get(link.group(1))["Location"]
    new = "a-brand-new-passphrase-42"
    client.post(form_url, {"password1": new, "password2": new})
    assert client.get(reverse("privacy:notice")).wsgi_request.user.is_anonymous

    response = _password_login(client, "pm@bank.example", new)

    assert response["Location"] == reverse("account_login")
    assert client.get(reverse("privacy:notice")).wsgi_request.user.is_anonymous


def test_a_staff_session_from_before_the_rule_is_signed_out(required):
    staff = UserFactory(email="admin@bank.example", role=roles.MODERATOR)
    client = SignedInClient()
    client.force_login(staff)  # a password and a code, as before the rule

    response = client.get(reverse("moderation:queue"))

    assert response["Location"] == reverse("account_login")
    assert client.get(reverse("privacy:notice")).wsgi_request.user.is_anonymous


def test_staff_signed_in_by_sso_reach_staff_pages(required):
    required.person.groups = ["ruche-moderators"]
    required.person.amr = ["pwd", "mfa"]
    client = Client()
    sso_sign_in(client, required)

    assert client.get(reverse("moderation:queue")).status_code == 200


def _api_me(secret: str):  # type: ignore[no-untyped-def]
    return Client().get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_staff_token_made_before_the_rule_is_refused_once_the_rule_is_on(
    settings, idp, admin_user
):
    from accounts.service_accounts import service_account_create, service_token_create
    from accounts.tokens import token_create

    staff = UserFactory(email="pm@bank.example", role=roles.PRODUCT_MANAGER)
    member = UserFactory(email="customer@example.com", role=roles.MEMBER)
    admin = admin_user
    robot = service_account_create(actor=admin, name="CRM", role=roles.PRODUCT_MANAGER)
    secrets = {
        "pm": token_create(user=staff, name="s", scope="read", days=7, second_factor=True).secret,
        "member": token_create(
            user=member, name="s", scope="read", days=7, second_factor=False
        ).secret,
    }
    secrets["robot"] = service_token_create(
        actor=admin, account=robot, name="crm", scope="read", days=7, second_factor=True
    ).secret
    configure_sso(settings, idp)  # single sign-on, not yet required
    assert {who: _api_me(s).status_code for who, s in secrets.items()} == dict.fromkeys(
        secrets, 200
    )

    configure_sso(settings, idp, SSO_REQUIRED_FOR_STAFF="true")

    answers = {who: _api_me(s) for who, s in secrets.items()}
    assert {who: a.status_code for who, a in answers.items()} == {
        "pm": 401,
        "member": 200,  # members keep their passwords and their tokens
        "robot": 200,  # a service account never signs in
    }
    assert "single sign-on" in answers["pm"].json()["detail"]


def test_a_token_made_in_a_single_sign_on_session_works_under_the_rule(required):
    required.person.groups = ["ruche-moderators"]
    required.person.amr = ["pwd", "mfa"]
    client = Client()
    sso_sign_in(client, required)

    response = client.post(
        reverse("accounts:tokens"), {"name": "export", "scope": "read", "days": "7"}
    )

    assert response.status_code == 200, response.content[:300]
    secret = response.context["secret"]
    assert secret
    answer = _api_me(secret)
    assert answer.status_code == 200, answer.json()


def test_the_token_list_marks_the_staff_tokens_the_rule_refuses_and_says_why(required):
    from accounts.mfa import mfa_enrol
    from accounts.tokens import token_create

    required.person.groups = ["ruche-moderators"]
    required.person.amr = ["pwd", "mfa"]
    client = Client()
    sso_sign_in(client, required)
    staff = User.objects.get(email="alice@bank.example")
    # A token from before the rule: made in a password session with her authenticator app.
    mfa_enrol(staff)
    old = token_create(
        user=staff, name="made-with-password", scope="read", days=7, second_factor=True
    )
    client.post(reverse("accounts:tokens"), {"name": "made-by-sso", "scope": "read", "days": "7"})

    page = client.get(reverse("accounts:tokens")).content.decode()

    rows = dict(re.findall(r"<tr><td>(made-[a-z-]+)(.*?)</tr>", page, re.DOTALL))
    assert set(rows) == {"made-with-password", "made-by-sso"}
    assert "Refused" in rows["made-with-password"]
    assert "after signing in by single sign-on: create a new one" in rows["made-with-password"]
    assert "Refused" not in rows["made-by-sso"]
    assert _api_me(old.secret).status_code == 401  # what the list says is what the API does
