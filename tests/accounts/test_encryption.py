"""Two-factor secrets are encrypted at rest (accounts.encryption through allauth's MFA adapter),
and keys rotate: the first key encrypts, every key decrypts."""

import importlib

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from accounts import encryption, roles
from accounts.mfa import mfa_enrol, totp_code
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
migration = importlib.import_module("accounts.migrations.0005_encrypt_mfa_secrets")


@pytest.fixture
def staff(db):  # type: ignore[no-untyped-def]
    person = UserFactory(email="pm@example.com", role=roles.PRODUCT_MANAGER, mfa=False)
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    return person


def stored(user, kind):  # type: ignore[no-untyped-def]
    return Authenticator.objects.get(user=user, type=kind).data


def opens_with(key: str, value: str) -> str:
    return Fernet(key).decrypt(value.removeprefix(encryption.PREFIX).encode()).decode()


def sign_in(client, user, secret=None) -> bool:  # type: ignore[no-untyped-def]
    """Password, then the app's code for `secret`, or else an unused recovery code (allauth
    refuses a TOTP code used once already, so a second sign-in in the same 30 s takes one)."""
    client.logout()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    if secret:
        code = totp_code(secret, valid_for=10)
    else:
        instance = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
        code = RecoveryCodes(instance).get_unused_codes()[0]
    client.post(reverse("mfa_authenticate"), {"code": code})
    return client.session.get("_auth_user_id") == str(user.pk)


def test_the_stored_totp_secret_and_recovery_seed_are_not_the_secrets(staff):
    secret = mfa_enrol(staff)
    totp = stored(staff, Authenticator.Type.TOTP)
    codes = stored(staff, Authenticator.Type.RECOVERY_CODES)
    assert secret not in totp["secret"]
    assert totp["secret"].startswith("fernet:")
    assert encryption.decrypt(totp["secret"]) == secret
    assert codes["seed"].startswith("fernet:")
    for code in RecoveryCodes(
        Authenticator.objects.get(user=staff, type="recovery_codes")
    ).get_unused_codes():
        assert code not in str(codes)


def test_staff_sign_in_with_a_totp_code_and_with_a_recovery_code(client, staff):
    secret = mfa_enrol(staff)
    assert sign_in(client, staff, secret)
    assert sign_in(client, staff)


def test_after_rotation_the_old_key_still_decrypts_and_new_writes_use_the_new_key(
    client, staff, settings
):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    secret = mfa_enrol(staff)
    assert opens_with(OLD_KEY, stored(staff, "totp")["secret"]) == secret

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert sign_in(client, staff, secret)  # written with the old key, read with both

    other = UserFactory(email="mod@example.com", role=roles.MODERATOR, mfa=False)
    other_secret = mfa_enrol(other)
    assert opens_with(NEW_KEY, stored(other, "totp")["secret"]) == other_secret

    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key removed
    assert opens_with(NEW_KEY, stored(staff, "totp")["secret"]) == secret
    assert opens_with(NEW_KEY, stored(staff, "recovery_codes")["seed"])
    assert sign_in(client, staff)  # a recovery code, from the seed re-encrypted


def test_a_wrong_key_or_a_value_in_clear_is_refused_not_used(staff, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    mfa_enrol(staff)
    value = stored(staff, "totp")["secret"]
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(encryption.DecryptionError):
        encryption.decrypt(value)
    with pytest.raises(encryption.DecryptionError):
        encryption.decrypt("JBSWY3DPEHPK3PXP")


def test_the_migration_encrypts_rows_stored_in_clear_once_and_reverses(client, staff):
    secret = "JBSWY3DPEHPK3PXP"
    Authenticator.objects.create(user=staff, type="totp", data={"secret": secret})
    Authenticator.objects.create(
        user=staff, type="recovery_codes", data={"seed": "ab" * 40, "used_mask": 0}
    )

    migration.encrypt_secrets(apps, None)
    first = stored(staff, "totp")["secret"]
    migration.encrypt_secrets(apps, None)  # a second run changes nothing
    assert stored(staff, "totp")["secret"] == first
    assert first.startswith("fernet:")
    assert encryption.decrypt(first) == secret
    assert encryption.decrypt(stored(staff, "recovery_codes")["seed"]) == "ab" * 40
    assert stored(staff, "recovery_codes")["used_mask"] == 0
    assert sign_in(client, staff, secret)

    migration.decrypt_secrets(apps, None)
    assert stored(staff, "totp") == {"secret": secret}
    assert stored(staff, "recovery_codes")["seed"] == "ab" * 40


def test_a_malformed_key_is_refused_with_its_position():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="key 2 is not a Fernet key"):
        encryption.check_keys([OLD_KEY, "not-a-key"])
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS is not set"):
        encryption.check_keys([])
