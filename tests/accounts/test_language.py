"""A member's language (accounts.languages): set at sign-up from the page's language, changed
on the profile page or with the header's switcher, and used for allauth's emails."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.languages import language_for, supported_language
from accounts.models import User
from accounts.services import user_set_language
from tests.accounts.test_signup import SIGNUP
from tests.factories import UserFactory


def test_language_codes_are_matched_to_the_sites_languages():
    assert supported_language("fr-FR") == "fr"
    assert supported_language("en") == "en"
    assert supported_language("de") == ""
    assert supported_language("") == ""


def test_without_a_choice_the_sites_language_is_used(db, settings):
    settings.LANGUAGE_CODE = "fr"
    assert language_for(UserFactory(preferred_language="")) == "fr"
    assert language_for(UserFactory(preferred_language="en")) == "en"
    with translation.override("en"):
        assert language_for(None) == "en"  # no account: the page's language


def test_signing_up_on_a_french_page_writes_to_the_member_in_french(client, db):
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    client.post(reverse("account_signup"), SIGNUP)
    assert User.objects.get(email=SIGNUP["email"]).preferred_language == "fr"
    [message] = mail.outbox
    assert message.body.startswith("Bonjour de la part de Ruche !")
    assert message.subject == "[Ruche] Confirmez votre adresse e-mail"


def test_a_password_reset_asked_from_an_english_page_is_in_the_members_language(client, db):
    from allauth.account.models import EmailAddress

    member = UserFactory(email="claire@example.com", preferred_language="fr")
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
    client.post(reverse("account_reset_password"), {"email": "claire@example.com"})
    [message] = mail.outbox
    assert message.subject == "[Ruche] E-mail de réinitialisation de mot de passe"


def test_the_profile_page_sets_the_language_of_emails(client, alice):
    client.force_login(alice)
    page = client.get(reverse("accounts:profile"))
    assert '<option value="fr" lang="fr">Français</option>' in page.text
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "Alice", "profile_public": "on", "preferred_language": "fr"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.preferred_language == "fr"


def test_the_profile_page_refuses_a_language_ruche_does_not_speak(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:profile"), {"display_name": "Alice", "preferred_language": "de"}
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.preferred_language == ""


def test_the_language_switcher_also_sets_a_signed_in_members_language(client, alice):
    client.force_login(alice)
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/ideas/"})
    assert response.status_code == 302
    assert response["Location"] == "/ideas/"
    alice.refresh_from_db()
    assert alice.preferred_language == "fr"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})  # ignored
    alice.refresh_from_db()
    assert alice.preferred_language == "fr"


def test_the_language_switcher_works_for_visitors(client, db):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "fr"


def test_setting_an_unknown_language_is_refused(alice):
    with pytest.raises(ValueError, match="not a language"):
        user_set_language(user=alice, language="xx")
    assert user_set_language(user=alice, language="fr") is True
    assert user_set_language(user=alice, language="fr") is False
