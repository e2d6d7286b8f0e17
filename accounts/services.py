from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts import roles
from accounts.audit import AuditAction, audit_record
from accounts.languages import supported_language
from accounts.models import EMAIL_UNIQUE_IGNORING_CASE, User
from accounts.profile_texts import ensure_profile_texts_allowed
from accounts.sanctions import ensure_can_rename


def user_join_as_member(*, user: User) -> None:
    """Every new account is a member; staff roles are granted by an admin."""
    user.groups.add(Group.objects.get(name=roles.MEMBER))


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    display_name: str,
    role: str = roles.MEMBER,
    organisation: str = "",
    email_verified: bool = False,
) -> User:
    """Create an account with a role (used by seed_demo, admins and tests)."""
    from allauth.account.models import EmailAddress

    if role not in roles.ROLE_PERMISSIONS:
        raise ValueError(f"Unknown role {role!r}")
    ensure_profile_texts_allowed(display_name=display_name, organisation=organisation)
    with email_taken_refused():
        user = User.objects.create_user(
            email=email,
            password=password,
            display_name=display_name,
            organisation=organisation,
            is_staff=role == roles.ADMIN,
            is_superuser=role == roles.ADMIN,
        )
    user.groups.add(Group.objects.get(name=role))
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    return user


SEGMENT_FIELDS = ("age_band", "customer_type", "region")


def user_update_profile(
    *,
    user: User,
    display_name: str,
    profile_public: bool | None = None,
    segments: dict[str, str] | None = None,
    language: str | None = None,
) -> User:
    """Change the display name and, when given, whether the public profile page is shown, the
    segments the member shares for anonymous statistics (SEGMENT_FIELDS, "" = not shared) and
    the language of their emails. A name holding personal data (an email, a phone...) is
    refused, not masked. A sanctioned member keeps their name (PermissionDenied): others see
    it (`ensure_can_rename`)."""
    wanted: dict[str, Any] = {"display_name": display_name.strip()}
    if profile_public is not None:
        wanted["profile_public"] = profile_public
    for name, value in (segments or {}).items():
        if name not in SEGMENT_FIELDS:
            raise ValueError(f"not a segment field: {name}")
        wanted[name] = value
    if language is not None:
        if not (chosen := supported_language(language)):
            raise ValueError(f"not a language of settings.LANGUAGES: {language!r}")
        wanted["preferred_language"] = chosen
    # Compared with the stored row: a ModelForm has already set the new values on `user`.
    stored = User.objects.filter(pk=user.pk).values(*wanted).get()
    if wanted["display_name"] != stored["display_name"]:
        ensure_can_rename(user)
    ensure_profile_texts_allowed(display_name=display_name)
    for name, value in wanted.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    # Only what changed is written: an unchanged name leaves the cached pages that show it alone.
    if changed := [name for name, value in wanted.items() if value != stored[name]]:
        user.save(update_fields=changed)
    return user


def user_set_language(*, user: User, language: str) -> bool:
    """Write to this member in `language` from now on (accounts.languages). Returns whether it
    changed; a code Ruche does not speak is refused."""
    chosen = supported_language(language)
    if not chosen:
        raise ValueError(f"not a language of settings.LANGUAGES: {language!r}")
    if user.preferred_language == chosen:
        return False
    user.preferred_language = chosen
    user.save(update_fields=["preferred_language"])
    return True


# --- Email addresses ----------------------------------------------------------------------------


def email_in_use(*, email: str, exclude: User | None = None) -> bool:
    """Whether an account other than `exclude` has this address, whatever its capitals: as its
    sign-in address or as one of allauth's addresses (allauth refuses those at sign-up and when
    an address is added, ACCOUNT_UNIQUE_EMAIL, comparing them in small letters)."""
    from allauth.account.models import EmailAddress

    users = User.objects.filter(email__iexact=email)
    addresses = EmailAddress.objects.filter(email__iexact=email)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
        addresses = addresses.exclude(user=exclude)
    return users.exists() or addresses.exists()


def email_in_use_message() -> str:
    return _("Another account already has this email address (capitals aside).")


# The database's names for an address taken: the constraint whatever the capitals, and the
# field's own unique index (PostgreSQL's name; SQLite names the column).
_EMAIL_UNIQUE_NAMES = (EMAIL_UNIQUE_IGNORING_CASE, "accounts_user_email_key", "accounts_user.email")


def email_taken(error: IntegrityError) -> bool:
    """Whether the database refused an account's address because another account has it."""
    return any(name in str(error) for name in _EMAIL_UNIQUE_NAMES)


class EmailTaken(ValidationError):
    """The database refused an address another account has: saved by someone else between the
    check (email_in_use) and this write. The same field error as the check's."""


@contextmanager
def email_taken_refused(*, field: str = "email", message: str = "") -> Iterator[None]:
    """Run a write of an account's address in a savepoint; the database's refusal of an address
    another account has becomes EmailTaken on `field` (the transaction around stays usable)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if not email_taken(error):
            raise
        raise EmailTaken({field: message or email_in_use_message()}) from error


@transaction.atomic
def user_email_change(*, user: User, email: str) -> User:
    """Give the account another sign-in address (the Django admin's user form), with allauth's
    addresses in step:

    1. The address is kept in small letters, as allauth keeps and looks them up (an address in
       capitals would not be found at sign-in); one another account has is refused
       (ValidationError on "email"), whatever its capitals; so is one another account was
       given at the same moment, which the database refuses (EmailTaken).
    2. It becomes the primary EmailAddress. A row the account already has for it (a change of
       capitals, an address the member added) keeps its verified mark; a new address is not
       verified, so its owner confirms it by the link allauth sends at the next sign-in
       (ACCOUNT_EMAIL_VERIFICATION is mandatory). That proves only that whoever signs in
       reads that mailbox: allauth sends a password reset to an address not yet confirmed,
       so a mistyped address hands the account to the mailbox's owner (reset, then confirm).
       The admin checks the address with the member first.
    3. The old address's row is deleted (and the old primary, if it differs): left behind, it
       would still sign in and receive the password resets. Other addresses the member added
       stay theirs.
    """
    from allauth.account.models import EmailAddress

    email = email.strip().lower()
    if email_in_use(email=email, exclude=user):
        raise ValidationError({"email": email_in_use_message()})
    stored = User.objects.select_for_update().get(pk=user.pk)
    addresses = EmailAddress.objects.filter(user=stored)
    kept = addresses.filter(email__iexact=email).first()
    # The old primary too, where an earlier change in the admin left it behind.
    old = Q(email__iexact=stored.email) | Q(primary=True)
    addresses.filter(old).exclude(pk=getattr(kept, "pk", None)).delete()
    if kept is None:
        EmailAddress.objects.create(user=stored, email=email, primary=True, verified=False)
    else:
        kept.email, kept.primary = email, True
        kept.save(update_fields=["email", "primary"])
    with email_taken_refused():
        User.objects.filter(pk=user.pk).update(email=email)
    user.email = email
    return user


# --- Role changes (audited) ----------------------------------------------------------------------


def user_role_names(*, user: User) -> list[str]:
    """The user's groups, sorted: what a role change records before and after."""
    return sorted(user.groups.values_list("name", flat=True))


def _describe_roles(state: dict[str, Any]) -> str:
    flags = [name for name in ("is_staff", "is_superuser") if state.get(name)]
    return ", ".join([*state.get("roles", []), *flags]) or "—"


def role_change_record(
    *, actor: User, user: User, before: dict[str, Any], after: dict[str, Any]
) -> bool:
    """Write a ROLE_CHANGE audit entry when `before` and `after` differ; returns whether it did.
    Written by the Django admin's user form (accounts.admin)."""
    if before == after:
        return False
    audit_record(
        actor=actor,
        action=AuditAction.ROLE_CHANGE,
        target=user,
        # The account's id, not its name: the audit log outlives the right to erasure.
        summary=_("Roles of user #%(pk)s: %(before)s → %(after)s")
        % {"pk": user.pk, "before": _describe_roles(before), "after": _describe_roles(after)},
        before=before,
        after=after,
    )
    return True
