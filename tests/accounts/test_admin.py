"""Names and organisations typed in the Django admin pass the same check as on the site: they are
shown beside every post, so no personal data (the site refuses it in profiles). An email address
changed there is unique whatever its capitals and moves allauth's addresses with it."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.account.utils import filter_users_by_email
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.accounts.test_role_audit import change_form_data


@pytest.mark.parametrize(
    ("field", "text"),
    [("display_name", "Alice 4970 1012 3456 7893"), ("organisation", "Call +33 6 12 34 56 78")],
)
def test_the_admin_refuses_personal_data_in_a_name_or_an_organisation(
    client, admin_user, alice, field, text
):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    response = client.post(url, change_form_data(alice, **{field: text}))
    assert response.status_code == 200
    assert "please leave out" in response.context["adminform"].form.errors[field][0]
    fresh = User.objects.get(pk=alice.pk)
    assert (fresh.display_name, fresh.organisation) == ("Alice", "")


def test_the_admin_still_renames_a_member_and_sets_a_partners_organisation(
    client, admin_user, alice
):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    data = change_form_data(alice, display_name="Alice B.", organisation="Fintech SAS")
    assert client.post(url, data).status_code == 302
    fresh = User.objects.get(pk=alice.pk)
    assert (fresh.display_name, fresh.organisation) == ("Alice B.", "Fintech SAS")


def test_the_admin_shows_an_accounts_dates_without_letting_them_be_changed(
    client, admin_user, alice
):
    """Facts, not settings; and Django's split date and time inputs have no labels (axe)."""
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    page = client.get(url).text
    assert 'name="date_joined_0"' not in page
    assert 'name="last_login_0"' not in page
    data = change_form_data(alice)
    data |= {"date_joined_0": "2001-01-01", "date_joined_1": "00:00:00"}
    assert client.post(url, data).status_code == 302
    assert User.objects.get(pk=alice.pk).date_joined == alice.date_joined


PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def _change_email(client, admin_user, user, email):  # type: ignore[no-untyped-def]
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    return client.post(url, change_form_data(user, email=email))


def _signs_in(client, email: str) -> bool:  # type: ignore[no-untyped-def]
    """Signed in through allauth's form, not sent to confirm the address first."""
    client.logout()
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    return response.status_code == 302 and response["Location"] == reverse("ideas:home")


@pytest.mark.parametrize("taken", ["BOB@example.com", "Bob@Example.COM", "bob.work@EXAMPLE.com"])
def test_the_admin_refuses_an_email_another_account_has_in_other_capitals(
    client, admin_user, alice, bob, taken
):
    EmailAddress.objects.create(user=bob, email="bob.work@example.com", verified=True)
    response = _change_email(client, admin_user, alice, taken)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [
        "Another account already has this email address (capitals aside)."
    ]
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"


def test_the_admin_refuses_a_new_account_with_another_accounts_email_in_other_capitals(
    client, admin_user, alice
):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Alice@Example.com",
            "display_name": "Alice again",
            "usable_password": "true",
            "password1": "a-long-and-unusual-pass",
            "password2": "a-long-and-unusual-pass",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [
        "Another account already has this email address (capitals aside)."
    ]
    assert not User.objects.filter(display_name="Alice again").exists()


def test_an_email_changed_in_the_admin_moves_allauths_primary_address_with_it(
    client, admin_user, alice
):
    EmailAddress.objects.create(user=alice, email=alice.email, primary=True, verified=True)
    response = _change_email(client, admin_user, alice, "Alice.Martin@Example.com")
    assert response.status_code == 302, response.context["adminform"].form.errors
    alice.refresh_from_db()
    # Stored as allauth stores and looks addresses up: in small letters.
    assert alice.email == "alice.martin@example.com"
    # One address, the new one, primary, to be confirmed by its owner: the old row would
    # still sign in and receive password resets.
    assert list(
        EmailAddress.objects.filter(user=alice).values_list("email", "primary", "verified")
    ) == [("alice.martin@example.com", True, False)]
    assert filter_users_by_email("alice@example.com") == []
    assert filter_users_by_email("Alice.Martin@example.com") == [alice]


def test_after_an_email_change_in_the_admin_the_member_signs_in_with_the_new_address(
    client, admin_user, alice
):
    EmailAddress.objects.create(user=alice, email=alice.email, primary=True, verified=True)
    _change_email(client, admin_user, alice, "Alice.Martin@Example.com")
    mail.outbox.clear()
    assert not _signs_in(client, "alice@example.com")
    # The new address is confirmed once, by a link sent to it, as at sign-up.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "Alice.Martin@example.com", "password": PASSWORD}
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    (sent,) = mail.outbox
    assert sent.to == ["alice.martin@example.com"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", sent.body)
    assert link, sent.body
    client.post(link.group(0).split("testserver", 1)[1])
    assert EmailAddress.objects.get(user=alice).verified
    assert _signs_in(client, "alice.martin@example.com")


def test_a_change_of_capitals_or_to_an_address_the_member_confirmed_keeps_it_confirmed(
    client, admin_user, alice
):
    EmailAddress.objects.create(user=alice, email=alice.email, primary=True, verified=True)
    EmailAddress.objects.create(user=alice, email="alice@home.example", verified=True)
    assert _change_email(client, admin_user, alice, "ALICE@HOME.example").status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@home.example"
    assert list(
        EmailAddress.objects.filter(user=alice).values_list("email", "primary", "verified")
    ) == [("alice@home.example", True, True)]
    assert _signs_in(client, "alice@home.example")


def test_an_old_primary_address_left_behind_by_an_earlier_change_goes_too(
    client, admin_user, alice
):
    """Before the admin kept allauth's addresses in step, a change left the old primary row,
    which still signed in: the next change removes it."""
    EmailAddress.objects.create(
        user=alice, email="alice.old@example.com", primary=True, verified=True
    )
    assert _change_email(client, admin_user, alice, "alice.new@example.com").status_code == 302
    assert list(EmailAddress.objects.filter(user=alice).values_list("email", "primary")) == [
        ("alice.new@example.com", True)
    ]
    assert not _signs_in(client, "alice.old@example.com")


def test_an_address_in_capitals_lowercased_by_another_change_stays_confirmed_in_allauth(
    client, admin_user, alice
):
    """An address stored in capitals before the admin kept them small (allauth then found it
    neither at sign-in nor at a password reset) is lowercased when anything else on the account
    is saved: allauth's row follows, confirmed as it was, instead of staying in capitals while
    the sign-in asks the member to confirm their own address again, as a second row."""
    User.objects.filter(pk=alice.pk).update(email="Alice@example.com")
    EmailAddress.objects.create(user=alice, email="Alice@example.com", primary=True, verified=True)
    alice.refresh_from_db()
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    assert client.post(url, change_form_data(alice, display_name="Alice B.")).status_code == 302
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"
    assert list(
        EmailAddress.objects.filter(user=alice).values_list("email", "primary", "verified")
    ) == [("alice@example.com", True, True)]
    mail.outbox.clear()
    assert _signs_in(client, "alice@example.com")
    assert mail.outbox == []


def test_allauths_address_page_cannot_change_an_address_behind_the_accounts_back(
    client, admin_user, alice
):
    """allauth's own admin page for addresses was a second door: an address changed there left
    the account's sign-in address on the old one, which kept receiving password resets. The
    address and its account are shown there, changed only on the account's page."""
    address = EmailAddress.objects.create(
        user=alice, email=alice.email, primary=True, verified=True
    )
    client.force_login(admin_user)
    url = reverse("admin:account_emailaddress_change", args=[address.pk])
    data = {"user": alice.pk, "email": "alice.new@example.com", "primary": "on", "verified": "on"}
    client.post(url, data)
    assert EmailAddress.objects.get(pk=address.pk).email == "alice@example.com"
    assert client.get(reverse("admin:account_emailaddress_add")).status_code == 403
    # Still listed, and still confirmed by hand when an admin has checked it.
    assert client.get(reverse("admin:account_emailaddress_changelist")).status_code == 200
    address.verified = False
    address.save()
    client.post(
        reverse("admin:account_emailaddress_changelist"),
        {"action": "make_verified", "_selected_action": [address.pk]},
    )
    assert EmailAddress.objects.get(pk=address.pk).verified


def test_an_address_set_in_the_admin_receives_password_resets_before_it_is_confirmed(
    client, admin_user, alice
):
    """What the docs say: confirming at sign-in proves only that the mailbox is read, and a
    reset reaches an address not yet confirmed, so a mistyped address hands the account over.
    The admin checks the address with the member first (docs/compliance.md)."""
    EmailAddress.objects.create(user=alice, email=alice.email, primary=True, verified=True)
    _change_email(client, admin_user, alice, "alice.typo@example.com")
    client.logout()
    mail.outbox.clear()
    client.post(reverse("account_reset_password"), {"email": "alice.typo@example.com"})
    (sent,) = mail.outbox
    assert sent.to == ["alice.typo@example.com"]
    assert "/accounts/password/reset/key/" in sent.body
    assert not EmailAddress.objects.get(user=alice).verified
