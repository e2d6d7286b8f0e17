"""Sanctions by moderators: suspend a member until a date (they read, complain and use their data
rights, but cannot post, edit, comment, vote, report or rename themselves) or ban them (they
cannot log in at all), and reinstate them.

A sanction may hide the member's content. It hides each item through the moderation service
(`content_hide`, which keeps comment counts and flags right and audits the item; handed over by
the community app as ContentModeration, community.moderation.member_content) and lists the
ids it hid in the member's audit entry, so reinstating restores exactly those items: never one
that a moderator had hidden before, or hid again afterwards, for another reason.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.audit import AuditAction, AuditEntry, audit_record
from accounts.events import MemberSanctioned
from accounts.models import User
from accounts.roles import MODERATE_CONTENT, user_holds_staff_role
from config.outbox.events import record

SANCTION_ACTIONS = (AuditAction.MEMBER_SUSPEND, AuditAction.MEMBER_BAN)
MEMBER_ACTIONS = (*SANCTION_ACTIONS, AuditAction.MEMBER_REINSTATE, AuditAction.ROLE_CHANGE)


# --- Who may take part ---------------------------------------------------------------------------


def is_suspended(user: Any) -> bool:
    until = getattr(user, "suspended_until", None)
    return until is not None and until > timezone.now()


def can_participate(user: Any) -> bool:
    """Whether the user may post ideas, comment and vote: logged in, not banned, not suspended."""
    if not user.is_authenticated or not user.is_active or user.banned_at is not None:
        return False
    return not is_suspended(user)


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def ensure_can_participate(user: Any) -> None:
    """Raise PermissionDenied, with a message for the member, unless they may take part."""
    _ensure_not_sanctioned(
        user,
        suspended=_(
            "Your account is suspended until %(until)s: you can read the portal but not post "
            "ideas, comment or vote."
        ),
        closed=_("Your account is closed: you cannot post ideas, comment or vote."),
    )


def ensure_can_report(user: Any) -> None:
    """Raise PermissionDenied, with a message for the member, unless they may report content.

    A suspension stops whatever reaches other people, and a report reaches the moderators'
    queue (a suspended member could flood it). Complaints and the member's data rights (export,
    deletion) are private to them and the bank, and stay open."""
    _ensure_not_sanctioned(
        user,
        suspended=_(
            "Your account is suspended until %(until)s: you cannot report content meanwhile. "
            "You can still make a complaint and download or delete your data."
        ),
        closed=_("Your account is closed: you cannot report content."),
    )


def ensure_can_rename(user: Any) -> None:
    """Raise PermissionDenied, with a message for the member, unless they may change their
    display name: it is shown to everyone beside their posts, so changing it reaches other
    people (a suspended member could take an insulting or impersonating name). Their private
    settings (profile visibility, statistics segments) stay theirs to change."""
    _ensure_not_sanctioned(
        user,
        suspended=_(
            "Your account is suspended until %(until)s: you cannot change your display name "
            "meanwhile."
        ),
        closed=_("Your account is closed: you cannot change your display name."),
    )


def _ensure_not_sanctioned(user: Any, *, suspended: str, closed: str) -> None:
    """PermissionDenied with the message that fits, unless `user` may take part."""
    if can_participate(user):
        return
    if not user.is_authenticated:
        raise PermissionDenied(_("Log in to take part."))
    if is_suspended(user):
        raise PermissionDenied(suspended % {"until": _when(user.suspended_until)})
    raise PermissionDenied(closed)


# --- Checks shared by the actions ----------------------------------------------------------------


def sanction_refusal(*, actor: User, member: User, lifting: bool = False) -> str:
    """Why `actor` may not sanction `member` (or lift their sanction), or "" when they may."""
    if not actor.has_perm(MODERATE_CONTENT):
        return _("Only moderators can sanction members.")
    if actor.pk == member.pk:
        return _("You cannot sanction yourself.")
    # A sanction is lifted even from someone who has been given a staff role since.
    if not lifting and user_holds_staff_role(member):
        return _("Staff accounts cannot be sanctioned; an administrator changes their roles.")
    return ""


def _check(*, actor: User, member: User, reason: str, lifting: bool = False) -> str:
    refusal = sanction_refusal(actor=actor, member=member, lifting=lifting)
    if refusal:
        raise PermissionDenied(refusal)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("A reason is required.")})
    max_length = User._meta.get_field("sanction_reason").max_length or 300
    if len(reason) > max_length:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)s characters.") % {"n": max_length}}
        )
    return reason


def _locked(member: User) -> User:
    # Two moderators acting on one member at once take turns (PostgreSQL; SQLite locks the file).
    return User.objects.select_for_update().get(pk=member.pk)


def _state(member: User) -> dict[str, Any]:
    return {
        "suspended_until": member.suspended_until.isoformat() if member.suspended_until else None,
        "banned_at": member.banned_at.isoformat() if member.banned_at else None,
        "is_active": member.is_active,
        "sanction_reason": member.sanction_reason,
    }


def _sync(member: User, fresh: User) -> None:
    for name in ("suspended_until", "banned_at", "is_active", "sanction_reason"):
        setattr(member, name, getattr(fresh, name))


def _recorded(
    *,
    actor: User,
    member: User,
    fresh: User,
    action: str,
    summary: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> User:
    """The end of every action: audit it (the locked copy's new state, then `after`) and bring
    the caller's `member` up to date from the locked copy. The summary names the member by id,
    never by name: the audit log outlives the member's right to erasure."""
    audit_record(
        actor=actor,
        action=action,
        target=fresh,
        summary=summary,
        before=before,
        after={**_state(fresh), **after},
    )
    record(MemberSanctioned(member_id=fresh.pk, action=action))
    _sync(member, fresh)
    return member


# --- Hiding and restoring the member's content ---------------------------------------------------


@dataclass(frozen=True)
class ContentModeration:
    """How a member's posts are hidden and shown again: with moderation's own actions, which keep
    counts, flags, notifications and the audit log right. They live in the community app, above
    this one, which hands them over from its AppConfig.ready (`content_moderation_register`):
    community.moderation.member_content."""

    # (actor=, member=, reason=) -> {"hidden_ideas": [...], "hidden_comments": [...]}
    hide_posts: Callable[..., dict[str, list[int]]]
    # (actor=, member=, reason=, entries=the sanctions' audit entries) -> {"restored_ideas": ...}
    restore_posts: Callable[..., dict[str, list[int]]]


_content_moderation: list[ContentModeration] = []


def content_moderation_register(moderation: ContentModeration) -> None:
    _content_moderation[:] = [moderation]


def _moderation() -> ContentModeration:
    if not _content_moderation:
        raise ImproperlyConfigured("no content moderation registered (community app missing?)")
    return _content_moderation[0]


def _hide_content(*, actor: User, member: User, reason: str) -> dict[str, list[int]]:
    """Hide the member's shown posts; returns the ids this call hid (`hidden_ideas`,
    `hidden_comments`, kept in the sanction's audit entry)."""
    return _moderation().hide_posts(actor=actor, member=member, reason=reason)


def _sanction_entries(member: User) -> QuerySet[AuditEntry]:
    """The sanctions since the member was last reinstated (their hidden items are still due)."""
    entries = AuditEntry.objects.filter(target_type="user", target_id=member.pk)
    last = entries.filter(action=AuditAction.MEMBER_REINSTATE).order_by("-pk").first()
    sanctions = entries.filter(action__in=SANCTION_ACTIONS)
    return sanctions.filter(pk__gt=last.pk) if last else sanctions


def _restore_content(*, actor: User, member: User, reason: str) -> dict[str, list[int]]:
    """Show again what the sanctions since the last reinstatement hid, and only that
    (`restored_ideas`, `restored_comments`)."""
    entries = list(_sanction_entries(member).order_by("pk"))
    return _moderation().restore_posts(actor=actor, member=member, reason=reason, entries=entries)


def end_sessions(*, user: User) -> int:
    """Log the user out everywhere: delete their database sessions. Returns how many."""
    # Sessions do not index their user, so each live one is decoded (a rare moderator action).
    mine = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    deleted, _detail = Session.objects.filter(pk__in=mine).delete()
    return deleted


# --- The actions ---------------------------------------------------------------------------------


@transaction.atomic
def member_suspend(
    *, actor: User, member: User, until: datetime, reason: str, hide_content: bool
) -> User:
    """Suspend a member until a moment in the future (again: moves the date), optionally hiding
    their content. They can still log in and read."""
    reason = _check(actor=actor, member=member, reason=reason)
    if until <= timezone.now():
        raise ValidationError({"until": _("The end of the suspension must be in the future.")})
    fresh = _locked(member)
    if fresh.banned_at is not None:
        raise ValidationError(_("This member is banned; reinstate them before suspending them."))
    before = _state(fresh)
    fresh.suspended_until, fresh.sanction_reason = until, reason
    fresh.save(update_fields=["suspended_until", "sanction_reason"])
    hidden: dict[str, list[int]] = {}
    if hide_content:
        item_reason = _("Member suspended: %(reason)s") % {"reason": reason}
        hidden = _hide_content(actor=actor, member=fresh, reason=item_reason)
    return _recorded(
        actor=actor,
        member=member,
        fresh=fresh,
        action=AuditAction.MEMBER_SUSPEND,
        summary=_("Suspended member #%(pk)s until %(until)s: %(reason)s")
        % {"pk": fresh.pk, "until": _when(until), "reason": reason},
        before=before,
        after={"hide_content": hide_content, **hidden},
    )


@transaction.atomic
def member_ban(*, actor: User, member: User, reason: str, hide_content: bool) -> User:
    """Ban a member: they cannot log in (is_active is cleared, so Django and allauth refuse them)
    and every session they have is ended. Optionally hides their content."""
    reason = _check(actor=actor, member=member, reason=reason)
    fresh = _locked(member)
    if fresh.banned_at is not None:
        raise ValidationError(_("This member is already banned."))
    before = _state(fresh)
    fresh.banned_at, fresh.is_active = timezone.now(), False
    fresh.suspended_until, fresh.sanction_reason = None, reason
    fresh.save(update_fields=["banned_at", "is_active", "suspended_until", "sanction_reason"])
    sessions = end_sessions(user=fresh)
    hidden: dict[str, list[int]] = {}
    if hide_content:
        item_reason = _("Member banned: %(reason)s") % {"reason": reason}
        hidden = _hide_content(actor=actor, member=fresh, reason=item_reason)
    return _recorded(
        actor=actor,
        member=member,
        fresh=fresh,
        action=AuditAction.MEMBER_BAN,
        summary=_("Banned member #%(pk)s: %(reason)s") % {"pk": fresh.pk, "reason": reason},
        before=before,
        after={"hide_content": hide_content, "sessions_ended": sessions, **hidden},
    )


@transaction.atomic
def member_reinstate(*, actor: User, member: User, reason: str, restore_content: bool) -> User:
    """Lift a suspension or a ban (one that has expired too), optionally showing again what the
    sanctions since the last reinstatement hid."""
    reason = _check(actor=actor, member=member, reason=reason, lifting=True)
    fresh = _locked(member)
    if fresh.banned_at is None and fresh.suspended_until is None:
        raise ValidationError(_("This member has no sanction to lift."))
    before = _state(fresh)
    if fresh.banned_at is not None:
        fresh.is_active = True
    fresh.banned_at = fresh.suspended_until = None
    fresh.sanction_reason = ""
    fresh.save(update_fields=["banned_at", "is_active", "suspended_until", "sanction_reason"])
    restored: dict[str, list[int]] = {}
    if restore_content:
        item_reason = _("Member reinstated: %(reason)s") % {"reason": reason}
        restored = _restore_content(actor=actor, member=fresh, reason=item_reason)
    return _recorded(
        actor=actor,
        member=member,
        fresh=fresh,
        action=AuditAction.MEMBER_REINSTATE,
        summary=_("Reinstated member #%(pk)s: %(reason)s") % {"pk": fresh.pk, "reason": reason},
        before=before,
        after={"reason": reason, "restore_content": restore_content, **restored},
    )
