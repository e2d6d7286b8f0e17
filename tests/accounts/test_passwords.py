"""A password is at most 4,096 characters wherever one is chosen (accounts.passwords): a 1 MB
one was accepted."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.passwords import MaximumLengthValidator
from tests.accounts.test_signup import SIGNUP

LONG = "correct horse battery staple " * 150  # 4,350 characters: a pasted file
TOO_LONG = "This password is too long. It must contain at most 4,096 characters."


@pytest.mark.django_db
def test_sign_up_refuses_a_password_longer_than_4096_characters(client):
    response = client.post(
        reverse("account_signup"), SIGNUP | {"password1": LONG, "password2": LONG}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"] == [TOO_LONG]
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


@pytest.mark.django_db
def test_sign_up_takes_a_password_of_4096_characters(client):
    exactly = LONG[:4096]
    data = SIGNUP | {"password1": exactly, "password2": exactly}
    assert client.post(reverse("account_signup"), data).status_code == 302
    assert User.objects.get(email=SIGNUP["email"]).check_password(exactly)


def test_a_member_cannot_change_their_password_to_one_longer_than_4096_characters(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "correct-horse-battery", "password1": LONG, "password2": LONG},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"] == [TOO_LONG]
    assert User.objects.get(pk=alice.pk).check_password("correct-horse-battery")


def test_the_limit_is_written_as_each_language_writes_numbers():
    validator = MaximumLengthValidator()
    assert validator.get_help_text() == "Your password can contain at most 4,096 characters."
    with translation.override("fr"):
        help_text = validator.get_help_text()
        with pytest.raises(ValidationError) as refused:
            validator.validate("x" * 4097)
    assert help_text == "Votre mot de passe peut contenir au plus 4\u00a0096 caractères."
    assert "au plus 4\u00a0096 caractères" in refused.value.messages[0]
