"""The login page offers the bank's single sign-on first, as a real button in a form."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_login_page_has_a_sign_in_with_the_bank_button(sso):
    html = Client().get(reverse("account_login")).content.decode()

    assert f'<form method="post" action="{reverse("sso_login")}">' in html
    assert ">Sign in with Bank sign-in</button>" in html
    assert 'aria-labelledby="sso-heading"' in html
    assert "Or use a third-party" not in html  # no other provider configured: no empty list


def test_without_sso_there_is_no_button_and_no_login_url():
    client = Client()

    assert "Sign in with" not in client.get(reverse("account_login")).content.decode()
    assert client.post(reverse("sso_login")).status_code == 404
