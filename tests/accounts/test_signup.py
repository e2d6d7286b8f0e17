import re

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from accounts import roles
from accounts.models import Consent, User

SIGNUP = {
    "email": "newcomer@example.com",
    "display_name": "Newcomer",
    "password1": "a-long-and-unusual-pass",
    "password2": "a-long-and-unusual-pass",
    "accept_terms": "on",
}


def test_roles_exist_with_their_permissions(db):
    perms = {
        g.name: {f"{p.content_type.app_label}.{p.codename}" for p in g.permissions.all()}
        for g in Group.objects.prefetch_related("permissions__content_type")
    }
    assert perms == {name: names for name, names in roles.ROLE_PERMISSIONS.items()}


def test_sign_up_by_email_needs_verification_before_login(client, db):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="newcomer@example.com")
    assert user.display_name == "Newcomer"
    assert list(user.groups.values_list("name", flat=True)) == [roles.MEMBER]
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "newcomer@example.com" in mail.outbox[0].to

    # Not verified yet: logging in sends to the "verify your email" page, not in.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "newcomer@example.com", "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    path = link.group(0).split("testserver", 1)[1]
    client.post(path)
    assert EmailAddress.objects.get(user=user).verified
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "newcomer@example.com", "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("ideas:home")


def test_sign_up_shows_field_errors(client, db):
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "display_name": "", "email": "nope"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"display_name", "email"}
    assert not User.objects.exists()


def test_sign_up_records_the_consents_with_the_versions_accepted(client, db, settings):
    settings.TERMS_VERSION, settings.PRIVACY_NOTICE_VERSION = "2026-11", "2026-12"
    client.post(reverse("account_signup"), SIGNUP)
    user = User.objects.get(email="newcomer@example.com")
    accepted = set(Consent.objects.filter(user=user).values_list("document", "version"))
    assert accepted == {("terms", "2026-11"), ("privacy", "2026-12")}


def test_sign_up_without_accepting_the_terms_shows_a_field_error(client, db):
    form = {key: value for key, value in SIGNUP.items() if key != "accept_terms"}
    response = client.post(reverse("account_signup"), form)
    assert response.status_code == 200
    assert "accept_terms" in response.context["form"].errors
    assert "Please accept the terms of use and the privacy notice" in response.text
    assert not User.objects.exists()
    assert not Consent.objects.exists()


def test_the_sign_up_form_links_the_terms_and_the_privacy_notice(client, db):
    page = client.get(reverse("account_signup")).text
    assert 'name="accept_terms"' in page
    assert f'href="{reverse("privacy:terms")}"' in page
    assert f'href="{reverse("privacy:notice")}"' in page


def test_password_reset_sends_an_email(client, alice):
    client.post(reverse("account_reset_password"), {"email": alice.email})
    assert len(mail.outbox) == 1
    assert "password" in mail.outbox[0].subject.lower()


def test_login_page_shows_no_social_button_without_keys(client, db):
    text = client.get(reverse("account_login")).text
    for name in ("Google", "Facebook", "LinkedIn", "Twitter"):
        assert name not in text
