"""Two accounts given one address at the same moment: both forms' checks pass, the database
refuses the second save (User.Meta.constraints), and the person sees what the check would have
told them a moment later, never a 500. The other request is a thread with its own connection,
committing between this request's check and its save."""

import threading
from contextlib import contextmanager

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import IntegrityError, connection
from django.db.models.signals import pre_save
from django.test import RequestFactory
from django.urls import reverse

from accounts.email_conflicts import EmailTakenMiddleware
from accounts.models import User
from accounts.services import EmailTaken, email_taken_refused
from tests.accounts.test_role_audit import change_form_data
from tests.accounts.test_signup import SIGNUP

TAKEN = "Another account already has this email address (capitals aside)."
pytestmark = pytest.mark.django_db(transaction=True)  # the other request's commit is seen
# SQLite lets one connection write at a time: the other request cannot commit in the middle of
# this one's transaction (it waits, then fails "database is locked").
concurrent_writers = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs two connections writing at once"
)


def _saved_meanwhile(email: str) -> None:
    """Another request saves an account with `email` and commits, on its own connection."""

    def save() -> None:
        try:
            User.objects.create_user(email=email, display_name="Someone else")
        finally:
            connection.close()

    thread = threading.Thread(target=save)
    thread.start()
    thread.join()


@contextmanager
def _taken_just_before(model, email: str):  # type: ignore[no-untyped-def]
    """Another account with `email` commits just before this request writes its first `model`
    row: after every check of the form, before the database's own."""

    def meanwhile(sender, **kwargs):  # type: ignore[no-untyped-def]
        pre_save.disconnect(meanwhile, sender=model)
        _saved_meanwhile(email)

    pre_save.connect(meanwhile, sender=model, weak=False)
    try:
        yield
    finally:
        pre_save.disconnect(meanwhile, sender=model)


@concurrent_writers
def test_an_account_added_in_the_admin_at_the_same_moment_gives_the_field_error(client, admin_user):
    client.force_login(admin_user)
    with _taken_just_before(User, "ana@bank.fr"):
        response = client.post(
            reverse("admin:accounts_user_add"),
            {
                "email": "Ana@Bank.fr",
                "display_name": "Ana",
                "usable_password": "true",
                "password1": "a-long-and-unusual-pass",
                "password2": "a-long-and-unusual-pass",
            },
        )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [TAKEN]
    assert list(User.objects.filter(email__iexact="ana@bank.fr").values_list("display_name")) == [
        ("Someone else",)
    ]


@concurrent_writers
def test_an_address_changed_in_the_admin_at_the_same_moment_gives_the_field_error(
    client, admin_user, alice
):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    # The change writes allauth's new address, then the account's (accounts.services).
    with _taken_just_before(EmailAddress, "ana@bank.fr"):
        response = client.post(url, change_form_data(alice, email="ANA@bank.fr"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [TAKEN]
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"


@concurrent_writers
def test_a_sign_up_at_the_same_moment_is_answered_as_a_taken_address(client):
    """allauth hides which addresses have accounts: a taken one gets "confirm your address" and
    an email to its owner, not a field error. The race answers the same, and keeps nothing."""
    with _taken_just_before(User, "newcomer@example.com"):
        response = client.post(
            reverse("account_signup"), SIGNUP | {"email": "Newcomer@example.com"}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert list(User.objects.values_list("display_name", flat=True)) == ["Someone else"]
    assert [message.to for message in mail.outbox] == [["newcomer@example.com"]]
    assert "already" in mail.outbox[0].body.lower()


def test_a_service_write_refused_by_the_database_is_the_checks_field_error(alice):
    with pytest.raises(EmailTaken) as refused, email_taken_refused():
        User.objects.create(email="ALICE@example.com", display_name="Alice again")
    assert refused.value.message_dict == {"email": [TAKEN]}
    assert User.objects.count() == 1  # and the connection is still usable


def test_other_integrity_errors_are_left_alone(alice):
    with pytest.raises(IntegrityError), email_taken_refused():
        User.objects.create(pk=alice.pk, email="new@example.com", display_name="Clash")


def test_any_other_path_answers_409_with_the_same_sentence(alice):
    """allauth's address page making an address primary, or a path added later."""
    request = RequestFactory().post("/accounts/email/")
    request.user = AnonymousUser()
    try:
        User.objects.create(email="Alice@Example.com", display_name="Alice again")
    except IntegrityError as error:
        refusal = error
    response = EmailTakenMiddleware(lambda r: None).process_exception(request, refusal)
    assert response is not None
    assert response.status_code == 409
    assert TAKEN in response.content.decode()
    other = IntegrityError(
        'duplicate key value violates unique constraint "one_consent_per_version"'
    )
    assert EmailTakenMiddleware(lambda r: None).process_exception(request, other) is None
