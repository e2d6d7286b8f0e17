"""A member's rights over their personal data: consent to the terms and the privacy notice,
download everything Ruche holds about them (`personal_data_export`), delete their account
(`account_delete`). The privacy page (templates/pages/privacy.html) describes what this does.

Every relation from a model to the user is listed, either as exported (with the section of the
export that carries it) or as left out (with the reason). A test fails when a new relation is in
neither list, so the export cannot silently fall behind the schema.

accounts knows no idea, vote or comment: each app above registers, from its AppConfig.ready, a
`PrivacySection` (`privacy_section_register`) with its relations, what it exports and what it
erases when the account is deleted (ideas/privacy.py, community/privacy.py), as they do for the
profile pages (accounts.profile_sections).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import AuditAction, AuditEntry
from accounts.models import ApiToken, Consent, ConsentDocument, SsoRoleGrant, User
from accounts.roles import user_holds_staff_role
from accounts.sanctions import end_sessions

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "ruche-personal-data/1"

# (model label, field) -> the section of the export that carries those rows; the apps above add
# theirs when they register their section.
EXPORTED_RELATIONS: dict[tuple[str, str], str] = {
    ("account.EmailAddress", "user"): "email_addresses",
    ("socialaccount.SocialAccount", "user"): "social_accounts",
    ("mfa.Authenticator", "user"): "two_factor",
    ("accounts.Consent", "user"): "consents",
    ("accounts.ApiToken", "user"): "api_tokens",
}

STAFF_WORK = (
    "an action taken in a staff role on the bank's behalf: part of its records, not the "
    "member's own data (staff cannot delete their account while they hold a role)"
)
# Relations to the user that the export leaves out, and why (the apps above add theirs).
NOT_EXPORTED_RELATIONS: dict[tuple[str, str], str] = {
    ("admin.LogEntry", "user"): STAFF_WORK,
    # The admin who made a service account's token (accounts.service_accounts); the token is
    # the service account's, and the making is in the audit log.
    ("accounts.ApiToken", "created_by"): STAFF_WORK,
    # The audit log is accounts' (accounts.audit), under the community app's label.
    ("community.AuditEntry", "actor"): STAFF_WORK
    + "; what staff did to the member's own account is exported under 'sanctions'",
    ("accounts.AuditExport", "requested_by"): STAFF_WORK
    + " (an administrator's export of the audit log, accounts.audit_exports)",
    ("accounts.SsoRoleGrant", "user"): (
        "which staff roles came from the bank's identity provider: the bank's access-management "
        "record (accounts.sso.roles); the roles themselves are exported in 'profile'"
    ),
}


@dataclass(frozen=True)
class PrivacySection:
    """What an app above accounts holds about a member, for the export and the erasure."""

    exported: dict[tuple[str, str], str]  # as EXPORTED_RELATIONS
    not_exported: dict[tuple[str, str], str]  # as NOT_EXPORTED_RELATIONS
    # export(user=, data=) -> the app's sections of the file, in their order. `data` is the file
    # so far (the sections of the apps registered before): an app may add its own fields to
    # rows another app exported about it (the community's sentiment of an idea).
    export: Callable[..., dict[str, Any]]
    # erase(user=, now=, keep_content=), inside account_delete's transaction, before accounts
    # erases the user row (the member can still be found by name): the app's rows only about the
    # member go, and their texts when keep_content is False. Sections erase in the reverse of
    # their registration order, the app above first: its copies of a lower app's data (stored
    # webhook payloads, notifications quoting a title) go while that app's rows are untouched.
    erase: Callable[..., None]


_SECTIONS: list[PrivacySection] = []


def privacy_section_register(section: PrivacySection) -> None:
    """Add an app's section (its export after the sections registered before it); registering
    the same one twice keeps one."""
    key = (section.export.__module__, section.export.__qualname__)
    _SECTIONS[:] = [s for s in _SECTIONS if (s.export.__module__, s.export.__qualname__) != key] + [
        section
    ]
    EXPORTED_RELATIONS.update(section.exported)
    NOT_EXPORTED_RELATIONS.update(section.not_exported)


def privacy_sections() -> list[PrivacySection]:
    """The registered sections, in the order the export runs them (the erasure runs them in
    reverse)."""
    return list(_SECTIONS)


# Fields of the user row left out of the export's 'profile' section, and why.
USER_FIELDS_NOT_EXPORTED: dict[str, str] = {
    "password": "a one-way hash: of no use to the member, and a risk if the file leaks",
}

# What staff did to the member's account, found in the audit log.
ACCOUNT_ACTIONS = (
    AuditAction.MEMBER_SUSPEND,
    AuditAction.MEMBER_BAN,
    AuditAction.MEMBER_REINSTATE,
    AuditAction.ROLE_CHANGE,
)


def export_value(value: Any) -> Any:
    """A value as the export's JSON carries it (dates as ISO 8601)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


# --- Consent -------------------------------------------------------------------------------------


def consent_versions() -> dict[str, str]:
    """The version of each document that members accept now."""
    return {
        ConsentDocument.TERMS: settings.TERMS_VERSION,
        ConsentDocument.PRIVACY: settings.PRIVACY_NOTICE_VERSION,
    }


# The session remembers that its user accepted these versions, so pages need not ask the database.
CONSENT_SESSION_KEY = "ruche_consent"


def consent_fingerprint() -> str:
    """The current versions in one string: what the session remembers as accepted."""
    return "|".join(f"{document}:{version}" for document, version in consent_versions().items())


def consents_record(*, user: User, documents: Iterable[str] | None = None) -> list[Consent]:
    """Record that the user accepts the current version of these documents (default: all).
    Accepting a version twice keeps the first acceptance."""
    versions = consent_versions()
    wanted = list(versions) if documents is None else list(documents)
    unknown = set(wanted) - set(versions)
    if unknown:
        raise ValueError(f"Unknown documents {sorted(unknown)}")
    consents = []
    for document in wanted:
        # get_or_create settles two acceptances recorded at the same moment (unique constraint).
        consent, _created = Consent.objects.get_or_create(
            user=user, document=document, version=versions[document]
        )
        consents.append(consent)
    return consents


def consents_missing(*, user: User) -> list[str]:
    """The documents whose current version the user has not accepted yet."""
    versions = consent_versions()
    accepted = set(
        Consent.objects.filter(
            Q(document=ConsentDocument.TERMS, version=versions[ConsentDocument.TERMS])
            | Q(document=ConsentDocument.PRIVACY, version=versions[ConsentDocument.PRIVACY]),
            user=user,
        ).values_list("document", flat=True)
    )
    return [document for document in versions if document not in accepted]


# --- Export --------------------------------------------------------------------------------------


def _profile(user: User) -> dict[str, Any]:
    profile = {
        field.name: export_value(field.value_from_object(user))
        for field in User._meta.concrete_fields
        if field.name not in USER_FIELDS_NOT_EXPORTED
    }
    profile["roles"] = sorted(user.groups.values_list("name", flat=True))
    return profile


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything Ruche holds about the user, as JSON-ready data (the "Download my data" file).

    Sections are lists of plain dicts; other people appear only as the ideas the member acted
    on (id and title), never by name. Secrets (password hash, two-factor keys, OAuth tokens) are
    left out."""
    sanctions = AuditEntry.objects.filter(
        target_type=User._meta.model_name, target_id=user.pk, action__in=ACCOUNT_ACTIONS
    )
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "generated_at": export_value(timezone.now()),
        "profile": _profile(user),
        "email_addresses": [
            {"email": a.email, "primary": a.primary, "verified": a.verified}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "social_accounts": [
            {
                "provider": a.provider,
                "uid": a.uid,
                "data_received": a.extra_data,
                "connected_at": export_value(a.date_joined),
                "last_login": export_value(a.last_login),
            }
            for a in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        "two_factor": [
            {
                "type": a.type,
                "created_at": export_value(a.created_at),
                "last_used_at": export_value(a.last_used_at),
            }
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "consents": [
            {
                "document": c.document,
                "version": c.version,
                "accepted_at": export_value(c.accepted_at),
            }
            for c in Consent.objects.filter(user=user)
        ],
        # Their personal API tokens, without the digest (a secret's, like the password's).
        "api_tokens": [
            {
                "name": t.name,
                "scope": t.scope,
                "prefix": t.prefix,
                "created_at": export_value(t.created_at),
                "expires_at": export_value(t.expires_at),
                "last_used_at": export_value(t.last_used_at),
                "revoked_at": export_value(t.revoked_at),
            }
            for t in ApiToken.objects.filter(user=user).order_by("pk")
        ],
    }
    for section in _SECTIONS:  # ideas, votes, comments, ...: the apps above, in their order
        data.update(section.export(user=user, data=data))
    # What moderators and admins did to this account (who did it is staff's own data).
    data["sanctions"] = [
        {
            "action": e.action,
            "summary": e.summary,
            "created_at": export_value(e.created_at),
        }
        for e in sanctions.order_by("created_at", "pk")
    ]
    return data


# --- Deletion ------------------------------------------------------------------------------------


def account_delete_refusal(*, user: User) -> str:
    """Why the user may not delete their own account now, or "" when they may."""
    if user.erased_at is not None:
        return _("This account is already deleted.")
    if user_holds_staff_role(user):
        # Staff actions are audited under their account: an admin removes the role first.
        return _(
            "You hold a staff role. Ask an administrator to remove it before you delete your "
            "account."
        )
    return ""


@transaction.atomic
def account_delete(*, user: User, keep_content: bool) -> User:
    """Delete the member's account at their request, in one transaction.

    The user row stays, because their posts and votes point to it, but every personal field is
    erased and it can never log in again: the email becomes a placeholder (so the address can
    sign up anew), the name is shown as "Former member" in each reader's language, the password
    is unusable. Everything only about the member goes: email addresses, social logins,
    authenticators, API tokens, sessions, consents, notifications, preferences, follows, points,
    badges.

    Their ideas and comments stay under "Former member" (keep_content) or are erased: ideas
    hidden with their text erased, comments shown as removed; other people's comments on them
    stay.

    Votes stay, attached to the erased account, in both cases: once the account is anonymous they
    no longer say anything about a person, and removing them would change the counts, ranking
    and points that other members earned. Their network hash, derived from an IP address, is
    cleared. The counts of the ideas concerned are then made to match the rows again.

    What the apps above accounts hold is erased by their registered sections (ideas/privacy.py,
    community/privacy.py), in this transaction, before the user row: the community's first (it
    rewrites stored webhook payloads about the member's ideas while they are as they were), then
    the ideas app's.
    """
    fresh = User.objects.select_for_update().get(pk=user.pk)
    refusal = account_delete_refusal(user=fresh)
    if refusal:
        raise PermissionDenied(refusal)
    now = timezone.now()
    # The apps above first, top down, while the member's name and their rows in the apps below
    # are as they were (PrivacySection.erase).
    for section in reversed(_SECTIONS):
        section.erase(user=fresh, now=now, keep_content=keep_content)
    for rows in (
        EmailAddress.objects.filter(user=fresh),
        SocialAccount.objects.filter(user=fresh),  # their OAuth tokens cascade
        Authenticator.objects.filter(user=fresh),
        Consent.objects.filter(user=fresh),
        ApiToken.objects.filter(user=fresh),
        SsoRoleGrant.objects.filter(user=fresh),  # with the roles, cleared below
    ):
        rows.delete()
    end_sessions(user=fresh)
    fresh.groups.clear()
    fresh.user_permissions.clear()
    fresh.email = f"former-{fresh.pk}@erased.invalid"
    fresh.display_name = fresh.organisation = fresh.first_name = fresh.last_name = ""
    fresh.sanction_reason = ""
    fresh.age_band = fresh.customer_type = fresh.region = ""  # segments shared for statistics
    fresh.preferred_language = ""
    fresh.suspended_until = fresh.banned_at = fresh.last_login = None
    fresh.profile_public = fresh.is_active = False
    fresh.set_unusable_password()
    fresh.erased_at = now
    fresh.save()
    pk, content = fresh.pk, "kept" if keep_content else "removed"
    # The id only: a log line must not carry the person's email or name.
    transaction.on_commit(
        lambda: logger.info("Account %s deleted by its owner; content %s", pk, content)
    )
    return fresh
