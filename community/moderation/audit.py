"""The audit log: what staff did to ideas, comments and themes, with the state before and after.

Services call `audit_record` inside their own transaction, so an entry exists exactly when the
change it describes was committed.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import models
from django.db.models import QuerySet

from accounts.models import User
from community.models import AuditAction, AuditEntry

SUMMARY_MAX_LENGTH = 300
# Spreadsheet programs run cells that start with these as formulas.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
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


def audit_record(
    *,
    actor: User,
    action: str,
    target: models.Model,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
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
    if action in AuditAction.values:
        entries = entries.filter(action=action)
    return entries


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def audit_csv_rows(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """CSV lines for the export, safe to open in a spreadsheet."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for entry in entries:
        yield writer.writerow(
            [
                entry.created_at.isoformat(),
                entry.actor_id or "",
                _cell(entry.actor or ""),
                entry.action,
                entry.target_type,
                entry.target_id,
                _cell(entry.summary),
                _cell(json.dumps(entry.before, ensure_ascii=False, sort_keys=True)),
                _cell(json.dumps(entry.after, ensure_ascii=False, sort_keys=True)),
            ]
        )
