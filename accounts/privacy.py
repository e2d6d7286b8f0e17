"""A member's rights over their personal data: consent to the terms and the privacy notice,
download everything Ruche holds about them (`personal_data_export`), delete their account
(`account_delete`). The privacy page (templates/pages/privacy.html) describes what this does.

Every relation from a model to the user is listed below, either as exported (with the section of
the export that carries it) or as left out (with the reason). A test fails when a new relation is
in neither list, so the export cannot silently fall behind the schema.
"""

import logging
from collections.abc import Iterable
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
from community.models import (
    BadgeAward,
    Comment,
    ComplaintCase,
    ContentSentiment,
    Flag,
    Follow,
    Notification,
    NotificationKind,
    NotificationPreference,
    PointsEntry,
)
from ideas.models import Idea, IdeaVector, Vote
from ideas.pii_services import masked_originals_forget, masked_originals_of
from ideas.services import ideas_recount

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "ruche-personal-data/1"

# (model label, field) -> the section of the export that carries those rows.
EXPORTED_RELATIONS: dict[tuple[str, str], str] = {
    ("account.EmailAddress", "user"): "email_addresses",
    ("socialaccount.SocialAccount", "user"): "social_accounts",
    ("mfa.Authenticator", "user"): "two_factor",
    ("accounts.Consent", "user"): "consents",
    ("accounts.ApiToken", "user"): "api_tokens",
    ("ideas.Idea", "author"): "ideas",
    ("ideas.Vote", "user"): "votes",
    ("community.Comment", "author"): "comments",
    ("community.Follow", "user"): "follows",
    ("community.Flag", "reporter"): "flags",
    ("community.Notification", "recipient"): "notifications",
    ("community.NotificationPreference", "user"): "notification_preferences",
    ("community.PointsEntry", "user"): "points",
    ("community.BadgeAward", "user"): "badges",
    ("community.ComplaintCase", "member"): "complaints",
}

_STAFF_WORK = (
    "an action taken in a staff role on the bank's behalf: part of its records, not the "
    "member's own data (staff cannot delete their account while they hold a role)"
)
# Relations to the user that the export leaves out, and why.
NOT_EXPORTED_RELATIONS: dict[tuple[str, str], str] = {
    ("admin.LogEntry", "user"): _STAFF_WORK,
    ("ideas.Idea", "hidden_by"): _STAFF_WORK,
    # A campaign's text as typed: staff work too, though while kept it is in
    # texts_before_masking like an official response's (ideas.pii_services.masked_originals_of).
    ("ideas.MaskedOriginal", "typed_by"): _STAFF_WORK,
    ("ideas.StatusChange", "changed_by"): _STAFF_WORK,
    ("ideas.ClusteringRun", "requested_by"): _STAFF_WORK,
    ("community.Campaign", "created_by"): _STAFF_WORK,
    # The admin who made a service account's token (accounts.service_accounts); the token is
    # the service account's, and the making is in the audit log.
    ("accounts.ApiToken", "created_by"): _STAFF_WORK,
    ("community.WebhookEndpoint", "created_by"): _STAFF_WORK,
    ("ideas.SignalImport", "imported_by"): _STAFF_WORK,
    ("community.Flag", "resolved_by"): _STAFF_WORK,
    ("community.AuditEntry", "actor"): _STAFF_WORK
    + "; what staff did to the member's own account is exported under 'sanctions'",
    ("community.VoteRing", "reviewed_by"): _STAFF_WORK,
    ("community.ComplaintCase", "acknowledged_by"): _STAFF_WORK,
    ("community.ComplaintCase", "answered_by"): _STAFF_WORK,
    ("community.Comment", "removed_by"): (
        "who took a comment down: a moderator, or the author (the comment itself is exported "
        "under 'comments' with its 'removed' mark)"
    ),
    ("community.VoteRing", "voters"): (
        "evidence gathered against vote fraud, for moderators; showing it would defeat the "
        "detector. The member's votes are exported, marked when a moderator discounted one"
    ),
    ("community.MonthlyPoints", "user"): (
        "derived: the member's points ledger summed by month for the leaderboard; the ledger "
        "itself is exported under 'points'"
    ),
    ("accounts.SsoRoleGrant", "user"): (
        "which staff roles came from the bank's identity provider: the bank's access-management "
        "record (accounts.sso.roles); the roles themselves are exported in 'profile'"
    ),
    ("community.Notification", "actor"): (
        "someone else's notification about what this member did; what the member wrote is "
        "exported under 'comments'"
    ),
}

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


def _json(value: Any) -> Any:
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
        field.name: _json(field.value_from_object(user))
        for field in User._meta.concrete_fields
        if field.name not in USER_FIELDS_NOT_EXPORTED
    }
    profile["roles"] = sorted(user.groups.values_list("name", flat=True))
    return profile


def _sentiments(user: User) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]]]:
    """How the worker scored the member's texts, by idea id and by comment id."""
    rows = ContentSentiment.objects.filter(
        Q(comment__isnull=True, idea__author=user) | Q(comment__author=user)
    )
    by_idea: dict[int, dict[str, Any]] = {}
    by_comment: dict[int, dict[str, Any]] = {}
    for row in rows:
        scored = {"label": row.label, "score": row.score, "complaint": row.complaint}
        if row.comment_id is None:
            by_idea[row.idea_id] = scored
        else:
            by_comment[row.comment_id] = scored
    return by_idea, by_comment


def _idea_ref(idea: Idea) -> dict[str, Any]:
    """Another idea the member acted on. The title of one hidden or waiting for a moderator is
    not theirs to see (their own ideas are exported in full under "ideas")."""
    shown = idea.hidden_at is None and idea.pending_at is None
    return {"id": idea.pk, "title": idea.title if shown else ""}


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything Ruche holds about the user, as JSON-ready data (the "Download my data" file).

    Sections are lists of plain dicts; other people appear only as the ideas the member acted
    on (id and title), never by name. Secrets (password hash, two-factor keys, OAuth tokens) are
    left out."""
    idea_sentiment, comment_sentiment = _sentiments(user)
    ideas = Idea.objects.filter(author=user).select_related("category", "campaign")
    comments = Comment.objects.filter(author=user).select_related("idea")
    votes = Vote.objects.filter(user=user).select_related("idea")
    follows = Follow.objects.filter(user=user).select_related("idea", "category")
    flags = Flag.objects.filter(reporter=user).select_related("idea")
    sanctions = AuditEntry.objects.filter(
        target_type=User._meta.model_name, target_id=user.pk, action__in=ACCOUNT_ACTIONS
    )
    points = PointsEntry.objects.filter(user=user)
    return {
        "format": EXPORT_FORMAT,
        "generated_at": _json(timezone.now()),
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
                "connected_at": _json(a.date_joined),
                "last_login": _json(a.last_login),
            }
            for a in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        "two_factor": [
            {
                "type": a.type,
                "created_at": _json(a.created_at),
                "last_used_at": _json(a.last_used_at),
            }
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "consents": [
            {"document": c.document, "version": c.version, "accepted_at": _json(c.accepted_at)}
            for c in Consent.objects.filter(user=user)
        ],
        # Their personal API tokens, without the digest (a secret's, like the password's).
        "api_tokens": [
            {
                "name": t.name,
                "scope": t.scope,
                "prefix": t.prefix,
                "created_at": _json(t.created_at),
                "expires_at": _json(t.expires_at),
                "last_used_at": _json(t.last_used_at),
                "revoked_at": _json(t.revoked_at),
            }
            for t in ApiToken.objects.filter(user=user).order_by("pk")
        ],
        "ideas": [
            {
                "id": i.pk,
                "title": i.title,
                "body": i.body,
                "category": i.category.slug,
                "campaign": i.campaign.slug if i.campaign else None,
                "status": i.status,
                "language": i.language,
                "created_at": _json(i.created_at),
                "updated_at": _json(i.updated_at),
                "vote_count": i.vote_count,
                "comment_count": i.comment_count,
                "hidden_by_a_moderator": i.hidden_at is not None,
                "waiting_for_review": i.pending_at is not None,
                "merged_into": i.merged_into_id,
                "sentiment": idea_sentiment.get(i.pk),
            }
            for i in ideas.order_by("created_at", "pk")
        ],
        "comments": [
            {
                "id": c.pk,
                "idea": _idea_ref(c.idea),
                "reply_to": c.parent_id,
                "body": c.body,
                "created_at": _json(c.created_at),
                "updated_at": _json(c.updated_at),
                "removed": c.removed_at is not None,
                "waiting_for_review": c.pending_at is not None,
                "sentiment": comment_sentiment.get(c.pk),
            }
            for c in comments.order_by("created_at", "pk")
        ],
        "votes": [
            {
                "idea": _idea_ref(v.idea),
                "created_at": _json(v.created_at),
                "network_hash": v.network,
                "discounted_by_a_moderator": v.discounted_at is not None,
            }
            for v in votes.order_by("created_at", "pk")
        ],
        "follows": [
            {
                "idea": _idea_ref(f.idea) if f.idea else None,
                "category": f.category.slug if f.category else None,
                "created_at": _json(f.created_at),
            }
            for f in follows.order_by("created_at", "pk")
        ],
        "flags": [
            {
                "idea": _idea_ref(f.idea),
                "comment": f.comment_id,
                "reason": f.reason,
                "note": f.note,
                "created_at": _json(f.created_at),
                "resolved_at": _json(f.resolved_at),
                "resolution": f.resolution,
            }
            for f in flags.order_by("created_at", "pk")
        ],
        "notifications": [
            {
                "kind": n.kind,
                "title": n.text,
                "body": n.body,
                "url": n.url,
                "created_at": _json(n.created_at),
                "read_at": _json(n.read_at),
                "emailed_at": _json(n.emailed_at),
            }
            for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
        ],
        "notification_preferences": [
            {"kind": p.kind, "delivery": p.delivery}
            for p in NotificationPreference.objects.filter(user=user).order_by("kind")
        ],
        "points_total": sum(p.points for p in points),
        "points": [
            {
                "reason": p.reason,
                "points": p.points,
                "idea": p.idea_id,
                "created_at": _json(p.created_at),
            }
            for p in points.order_by("created_at", "pk")
        ],
        "badges": [
            {
                "badge": b.code,
                "campaign": b.campaign.slug if b.campaign else None,
                "awarded_at": _json(b.awarded_at),
            }
            for b in BadgeAward.objects.filter(user=user).select_related("campaign")
        ],
        "complaints": [
            {
                "reference": c.reference,
                "subject": c.subject,
                "body": c.body,
                "status": c.status,
                "created_at": _json(c.created_at),
                "acknowledge_by": _json(c.acknowledge_by),
                "answer_by": _json(c.answer_by),
                "acknowledged_at": _json(c.acknowledged_at),
                "answered_at": _json(c.answered_at),
                "answer": c.answer,
            }
            for c in ComplaintCase.objects.filter(member=user).order_by("created_at", "pk")
        ],
        # The texts as the member typed them, before personal data was masked, while kept.
        "texts_before_masking": [
            {
                "idea": o.idea_id,
                "comment": o.comment_id,
                "campaign": o.campaign_id,
                "field": o.field,
                "original": o.original,
                "kinds": o.kinds,
                "delete_after": _json(o.delete_after),
            }
            for o in masked_originals_of(user_id=user.pk)
        ],
        # What moderators and admins did to this account (who did it is staff's own data).
        "sanctions": [
            {
                "action": e.action,
                "summary": e.summary,
                "created_at": _json(e.created_at),
            }
            for e in sanctions.order_by("created_at", "pk")
        ],
    }


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


def _remove_content(*, user: User, now: datetime) -> set[int]:
    """Erase the texts of the member's ideas and comments; returns the ideas whose counts moved.

    Ideas are hidden with their text erased; comments are marked removed by their author, as
    when a member deletes one that has replies, so the thread and other people's replies stay.
    """
    ideas = Idea.objects.filter(author=user)
    idea_ids = set(ideas.values_list("pk", flat=True))
    ideas.filter(hidden_at__isnull=True).update(hidden_at=now, hidden_by=user)
    ideas.update(title="", body="", body_html="", pending_at=None)
    comments = Comment.objects.filter(author=user)
    comment_idea_ids = set(comments.values_list("idea_id", flat=True))
    comments.filter(removed_at__isnull=True).update(removed_at=now, removed_by=user)
    comments.update(body="", body_html="", pending_at=None)
    # What was computed from the erased texts goes too: vectors and sentiment scores, and other
    # people's notifications that quote the texts or the idea titles.
    IdeaVector.objects.filter(idea__in=idea_ids).delete()
    ContentSentiment.objects.filter(
        Q(idea__in=idea_ids, comment__isnull=True) | Q(comment__author=user)
    ).delete()
    Notification.objects.filter(idea__in=idea_ids).delete()
    Notification.objects.filter(actor=user, kind=NotificationKind.COMMENT).delete()
    # Notes the member wrote on their flags are their words too; the flags stay for moderators.
    Flag.objects.filter(reporter=user).update(note="")
    return idea_ids | comment_idea_ids


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
    cleared. `ideas_recount` then makes the counts match the rows of the ideas concerned.
    """
    fresh = User.objects.select_for_update().get(pk=user.pk)
    refusal = account_delete_refusal(user=fresh)
    if refusal:
        raise PermissionDenied(refusal)
    now = timezone.now()
    touched: set[int] = set()
    if not keep_content:
        touched = _remove_content(user=fresh, now=now)
    Vote.objects.filter(user=fresh).update(network="")
    # Other people's notifications whose title names the member ("Alice mentioned you").
    Notification.objects.filter(actor=fresh, kind=NotificationKind.MENTION).delete()
    for rows in (
        EmailAddress.objects.filter(user=fresh),
        SocialAccount.objects.filter(user=fresh),  # their OAuth tokens cascade
        Authenticator.objects.filter(user=fresh),
        Consent.objects.filter(user=fresh),
        ApiToken.objects.filter(user=fresh),
        SsoRoleGrant.objects.filter(user=fresh),  # with the roles, cleared below
        Notification.objects.filter(recipient=fresh),
        NotificationPreference.objects.filter(user=fresh),
        Follow.objects.filter(user=fresh),
        PointsEntry.objects.filter(user=fresh),
        BadgeAward.objects.filter(user=fresh),
    ):
        rows.delete()
    # Texts kept as typed before masking go, whatever the retention setting.
    masked_originals_forget(user_id=fresh.pk)
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
    if touched:
        ideas_recount(ids=sorted(touched))
    pk, content = fresh.pk, "kept" if keep_content else "removed"
    # The id only: a log line must not carry the person's email or name.
    transaction.on_commit(
        lambda: logger.info("Account %s deleted by its owner; content %s", pk, content)
    )
    return fresh
