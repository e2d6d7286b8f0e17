"""The audit log: what staff did to members, ideas, comments and themes, with the state before
and after. It sits in the lowest app because every app writes to it (accounts: roles and
sanctions; ideas: status changes and themes; community: moderation and complaints).

Services call `audit_record` inside their own transaction, so an entry exists exactly when the
change it describes was committed.

The kinds of entry (`AuditEntry.action`) are a registry, not `choices` in the migrations: a module
declares its own with `audit_type("code", _("Label"))`, so a new kind needs no migration.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.spreadsheet import Echo, safe_cell

SUMMARY_MAX_LENGTH = 300
ACTION_MAX_LENGTH = 24
CSV_HEADER = [
    "created_at",
    "actor_id",
    "actor",
    "action",
    "target_type",
    "target_id",
    "summary",
    "before",
    "after",
]

# code -> label, in the order declared (the audit page's filter lists them so).
AUDIT_TYPES: dict[str, str | Promise] = {}


def audit_type(code: str, label: str | Promise) -> str:
    """Declare a kind of audit entry; returns its code, stored in rows: never rename it."""
    if len(code) > ACTION_MAX_LENGTH:
        raise ImproperlyConfigured(f"audit type {code!r} is longer than {ACTION_MAX_LENGTH}")
    if code in AUDIT_TYPES and str(AUDIT_TYPES[code]) != str(label):
        raise ImproperlyConfigured(f"audit type {code!r} is declared twice")
    AUDIT_TYPES[code] = label
    return code


def audit_type_choices() -> list[tuple[str, str | Promise]]:
    return list(AUDIT_TYPES.items())


class AuditAction:
    """The kinds of entry written before the registry existed, under their stored codes. A new
    kind is declared where it is written (e.g. a moderation action's entry in
    community/moderation/actions.py), not here."""

    STATUS_CHANGE = audit_type("status_change", _("Status changed"))
    IDEA_HIDE = audit_type("idea_hide", _("Idea hidden"))
    IDEA_RESTORE = audit_type("idea_restore", _("Idea restored"))
    COMMENT_HIDE = audit_type("comment_hide", _("Comment hidden"))
    COMMENT_RESTORE = audit_type("comment_restore", _("Comment restored"))
    COMMENT_REMOVE = audit_type("comment_remove", _("Comment removed by a moderator"))
    FLAGS_DISMISS = audit_type("flags_dismiss", _("Flags dismissed"))
    THEME_UPDATE = audit_type("theme_update", _("Theme edited"))
    IDEA_APPROVE = audit_type("idea_approve", _("Idea approved"))
    COMMENT_APPROVE = audit_type("comment_approve", _("Comment approved"))
    IDEA_MERGE = audit_type("idea_merge", _("Ideas merged"))
    MEMBER_SUSPEND = audit_type("member_suspend", _("Member suspended"))
    MEMBER_BAN = audit_type("member_ban", _("Member banned"))
    MEMBER_REINSTATE = audit_type("member_reinstate", _("Member reinstated"))
    VOTES_DISCOUNT = audit_type("votes_discount", _("Votes discounted"))
    VOTES_RESTORE = audit_type("votes_restore", _("Discounted votes restored"))
    VOTE_RING_DISMISS = audit_type("vote_ring_dismiss", _("Vote ring dismissed"))
    ROLE_CHANGE = audit_type("role_change", _("Roles changed"))
    COMPLAINT_ACKNOWLEDGE = audit_type("complaint_acknowledge", _("Complaint acknowledged"))
    COMPLAINT_ANSWER = audit_type("complaint_answer", _("Complaint answered"))
    COMPLAINT_CONVERT = audit_type("complaint_convert", _("Idea turned into a complaint"))
    SERVICE_ACCOUNT_CREATE = audit_type("service_account_create", _("Service account created"))
    SERVICE_TOKEN_CREATE = audit_type("service_token_create", _("Service token created"))
    SERVICE_TOKEN_REVOKE = audit_type("service_token_revoke", _("Service token revoked"))


class AuditEntry(models.Model):
    """What a staff member did, kept as written: the site offers no way to edit or delete it.

    Its code lives here, below every app that writes it; its table, permissions and migrations
    stay the community app's (app_label), where it was first created: moving the code down
    changed no schema, no permission name (community.view_auditentry) and no admin address.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # One of AUDIT_TYPES; checked by audit_record, not by `choices`, so a new kind needs no
    # migration.
    action = models.CharField(_("action"), max_length=ACTION_MAX_LENGTH)
    target_type = models.CharField(_("target type"), max_length=20)
    target_id = models.PositiveBigIntegerField(_("target id"))
    summary = models.CharField(_("summary"), max_length=300)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        app_label = "community"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["action", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"

    def get_action_display(self) -> str:
        return str(AUDIT_TYPES.get(self.action, self.action))

    # The values as JSON, on the page as in the export (not Python's dict notation).
    @property
    def before_json(self) -> str:
        return json.dumps(self.before, ensure_ascii=False, sort_keys=True)

    @property
    def after_json(self) -> str:
        return json.dumps(self.after, ensure_ascii=False, sort_keys=True)


def audit_record(
    *,
    actor: User | None,  # None: no person, e.g. single sign-on following the IdP's groups
    action: str,
    target: models.Model,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    # actor None: the system did it (e.g. a webhook endpoint disabled after failing a day).
    if action not in AUDIT_TYPES:
        raise ValueError(f"unknown audit type {action!r}: declare it with audit_type()")
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.model_name or "",
        target_id=target.pk,
        summary=summary[:SUMMARY_MAX_LENGTH],
        before=before or {},
        after=after or {},
    )


def audit_entries(*, action: str = "") -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("actor").order_by("-created_at", "-pk")
    if action in AUDIT_TYPES:
        entries = entries.filter(action=action)
    return entries


def audit_csv_rows(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """CSV lines for the export, safe to open in a spreadsheet."""
    writer = csv.writer(Echo())
    yield writer.writerow(CSV_HEADER)
    for entry in entries:
        yield writer.writerow(
            [
                entry.created_at.isoformat(),
                entry.actor_id or "",
                safe_cell(str(entry.actor or "")),
                entry.action,
                entry.target_type,
                entry.target_id,
                safe_cell(entry.summary),
                safe_cell(entry.before_json),
                safe_cell(entry.after_json),
            ]
        )
