"""CSV exports of the audit log, written by the worker and downloaded by the admin who asked.

The log only grows (every staff action of every year), and a web process stops a request after
a minute (config/gunicorn.py): a million entries take 39–47 s to write (docs/benchmarks.md), so
a larger log exported in the request would be cut short, and a cut CSV file looks complete.
Here the request only asks (`audit_export_request`, state QUEUED); the outbox hands the export
to the worker even if the broker blinks; the worker claims it (WRITING), writes the entries
made up to that moment into a `.part` file and renames it once complete (READY), so a file
under its final name is always whole. An export whose worker died or whose task was lost is
handed over again by `audit_exports_recover`; the retention schedule (`audit_exports`) deletes
files after their period (EXPIRED).
"""

import logging
import os
import secrets
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import require_permission
from accounts.audit import AUDIT_TYPES, audit_csv_rows, audit_entries, audit_record, audit_type
from accounts.events import AuditExportFinished, AuditExportQueued
from accounts.models import AuditExport, User
from accounts.roles import VIEW_AUDIT
from config.outbox.events import record
from config.spreadsheet import UTF8_MARK

logger = logging.getLogger(__name__)

AUDIT_EXPORT = audit_type("audit_export", gettext_lazy("Audit log exported"))
ONLY_ADMINS = gettext_lazy("The audit log is for administrators.")
# A claim older than the task's hard time limit and a margin belongs to a worker that is gone.
CLAIM_LOST_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 5 * 60)
PENDING = (AuditExport.State.QUEUED, AuditExport.State.WRITING)
# Worth a retry: the database or the disk blinked.
TRANSIENT = (OperationalError, OSError)
# Claims after which an export that keeps failing is given up and shown as failed.
MAX_ATTEMPTS = 5


def _export_dir() -> Path:
    """The directory, made if missing, for the purge that lists it. Not audit_export_path's:
    a download or a file's deletion must not make directories (only the writer does, inside its
    retried try: fd47c43)."""
    directory = Path(settings.AUDIT_EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def audit_export_path(export: AuditExport) -> Path:
    """Where the export's file is (the worker makes the directory when it writes)."""
    return Path(settings.AUDIT_EXPORT_DIR) / Path(export.stored_name).name


def audit_export_request(*, actor: User, action: str = "") -> AuditExport:
    """Ask for an export of the log (of one kind of entry if `action` names one). Asking again
    while the same export waits returns it rather than queueing a second one."""
    require_permission(actor, VIEW_AUDIT, str(ONLY_ADMINS))
    action = action if action in AUDIT_TYPES else ""
    with transaction.atomic():
        # Two clicks at once: the second waits here for the first's row, then finds it.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        waiting = AuditExport.objects.filter(requested_by=actor, action=action, state__in=PENDING)
        if existing := waiting.first():
            return existing
        export = AuditExport.objects.create(
            requested_by=actor, action=action, stored_name=f"{secrets.token_hex(16)}.csv"
        )
        kind = str(AUDIT_TYPES[action]) if action else _("every kind")
        audit_record(
            actor=actor,
            action=AUDIT_EXPORT,
            target=export,
            summary=_("Asked for a CSV export of the audit log (%(kind)s)") % {"kind": kind},
            after={"action": action},
        )
        record(AuditExportQueued(export_id=export.pk))
    return export


@dataclass(frozen=True)
class ExportRow:
    export: AuditExport
    kind: str  # the kind of entry it holds, in words


def audit_exports_of(*, actor: User, limit: int = 10) -> list[ExportRow]:
    """The actor's latest exports, newest first (the audit page lists them)."""
    exports = AuditExport.objects.filter(requested_by=actor)[:limit]
    return [
        ExportRow(e, str(AUDIT_TYPES.get(e.action, e.action)) if e.action else _("Every kind"))
        for e in exports
    ]


def audit_export_for_download(*, actor: User, pk: int) -> tuple[AuditExport, IO[bytes]]:
    """The ready export `pk` of `actor` and its file, opened. Only who asked for it may download
    it, and only while they may still read the log; anything else is not found."""
    require_permission(actor, VIEW_AUDIT, str(ONLY_ADMINS))
    export = AuditExport.objects.filter(
        pk=pk, requested_by=actor, state=AuditExport.State.READY
    ).first()
    try:
        if export is None:
            raise FileNotFoundError
        return export, audit_export_path(export).open("rb")
    except FileNotFoundError:  # never made, or deleted at the end of its period just now
        raise Http404(_("No such export.")) from None


def audit_export_run(*, export_id: int) -> AuditExport | None:
    """The worker's part: claim the export (QUEUED -> WRITING, one worker wins), write the
    entries made up to the claim into a file of this claim's own, and, while the claim still
    holds (the row locked), rename it and mark the export READY. None when there was nothing to
    do. A half-written file never stays. A transient failure (the database or the disk) gives
    the export back (QUEUED, with why) and is raised, for the task to retry; anything else, or
    the MAX_ATTEMPTS-th claim, marks it FAILED."""
    now = timezone.now()
    claimed = AuditExport.objects.filter(pk=export_id, state=AuditExport.State.QUEUED).update(
        state=AuditExport.State.WRITING, claimed_at=now, up_to=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    export = AuditExport.objects.select_related("requested_by").get(pk=export_id)
    mine = AuditExport.objects.filter(pk=export.pk, state=AuditExport.State.WRITING, claimed_at=now)
    owner = export.requested_by
    refusal = ""
    if owner is None or not owner.has_perm(VIEW_AUDIT):
        refusal = _("The person who asked for it may no longer read the audit log.")
    elif export.attempts > MAX_ATTEMPTS:
        refusal = _("Given up. %(error)s Ask for it again.") % {"error": export.error}
    if refusal:
        _finish(mine, export.pk, state=AuditExport.State.FAILED, error=refusal)
        return None
    final = audit_export_path(export)
    part = final.with_name(f"{final.stem}.{int(now.timestamp() * 1e6)}.part")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        rows, size = _write(part, action=export.action, up_to=now)
        with transaction.atomic():
            # Locked: a recovery or the retention purge waits, then finds it READY; and if one
            # took the claim first, this claim's file is dropped, never put under the final name.
            if not mine.select_for_update().exists():
                _discard(part)
                return None
            os.replace(part, final)
            _finish(
                mine, export.pk, state=AuditExport.State.READY, rows=rows, size_bytes=size, error=""
            )
    except TRANSIENT as error:
        _discard(part)
        mine.update(
            state=AuditExport.State.QUEUED,
            queued_at=timezone.now(),
            error=_("Attempt %(n)s of %(max)s failed (%(error)s).")
            % {"n": export.attempts, "max": MAX_ATTEMPTS, "error": type(error).__name__},
        )
        raise
    except BaseException as error:
        _discard(part)
        logger.exception("Audit export %s failed", export.pk)
        _finish(
            mine,
            export.pk,
            state=AuditExport.State.FAILED,
            error=_("The export failed (%(error)s). Ask for it again.")
            % {"error": type(error).__name__},
        )
        raise
    export.refresh_from_db()
    logger.info("Audit export %s: %s entries, %s bytes", export.pk, rows, size)
    return export


def _finish(mine: QuerySet[AuditExport], export_id: int, **outcome: Any) -> None:
    """Mark this claim's export READY or FAILED and, if the claim still held, tell the admin who
    asked (the outbox: community.consumers notifies them)."""
    with transaction.atomic():
        if mine.update(finished_at=timezone.now(), **outcome):
            record(AuditExportFinished(export_id=export_id))


def _discard(part: Path) -> None:
    """Delete a half-written file if there is one, whatever the disk says."""
    with suppress(OSError):
        part.unlink(missing_ok=True)


def _discard_parts(export: AuditExport) -> None:
    """The half-written files of every claim of `export` (a worker that died left its own)."""
    final = audit_export_path(export)
    for part in final.parent.glob(f"{final.stem}.*.part"):
        _discard(part)


def _write(path: Path, *, action: str, up_to: datetime) -> tuple[int, int]:
    entries = audit_entries(action=action).filter(created_at__lte=up_to)
    rows = -1  # the header is not an entry
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(UTF8_MARK)
        for line in audit_csv_rows(entries.iterator(chunk_size=2000)):
            out.write(line)
            rows += 1
        out.flush()
        os.fsync(out.fileno())
    return rows, path.stat().st_size


def audit_exports_recover(*, now: datetime | None = None) -> int:
    """Exports the worker lost: claimed (WRITING) or waiting (QUEUED: the broker lost the task,
    or its retries ran out) for longer than the task may run. Each is handed to the worker
    again. Safe to run twice and beside a worker: each change is conditional on the claim or
    queueing read. Returns how many."""
    now = now or timezone.now()
    cutoff = now - CLAIM_LOST_AFTER
    lost = AuditExport.objects.filter(
        Q(state=AuditExport.State.WRITING, claimed_at__lt=cutoff)
        | Q(state=AuditExport.State.QUEUED, queued_at__lt=cutoff)
    )
    recovered = 0
    for export in lost.order_by("pk"):
        with transaction.atomic():
            same = AuditExport.objects.filter(
                pk=export.pk,
                state=export.state,
                claimed_at=export.claimed_at,
                queued_at=export.queued_at,
            )
            if same.update(state=AuditExport.State.QUEUED, queued_at=now):
                _discard_parts(export)
                record(AuditExportQueued(export_id=export.pk))
                recovered += 1
                logger.warning("Audit export %s lost (%s): queued again", export.pk, export.state)
    return recovered


def audit_exports_due(cutoff: datetime) -> QuerySet[AuditExport]:
    """Exports made before `cutoff` whose file may still be on disk (retention schedule:
    `audit_exports`)."""
    return AuditExport.objects.filter(created_at__lt=cutoff).exclude(
        state=AuditExport.State.EXPIRED
    )


def audit_exports_purge(*, cutoff: datetime) -> int:
    """Delete the files of exports made before `cutoff` and mark them EXPIRED (the row stays: it
    says who exported what, when); also files in AUDIT_EXPORT_DIR older than `cutoff` that no
    export names (a crash between the file and its row). Returns how many exports."""
    purged = 0
    for export in audit_exports_due(cutoff).order_by("pk"):
        if AuditExport.objects.filter(pk=export.pk, state=export.state).update(
            state=AuditExport.State.EXPIRED, finished_at=export.finished_at or timezone.now()
        ):
            audit_export_path(export).unlink(missing_ok=True)
            _discard_parts(export)
            purged += 1
    kept = set(
        AuditExport.objects.exclude(state=AuditExport.State.EXPIRED).values_list(
            "stored_name", flat=True
        )
    )
    for path in _export_dir().iterdir():
        with suppress(FileNotFoundError):  # renamed or deleted by a worker meanwhile
            modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
            if f"{path.name.split('.')[0]}.csv" not in kept and modified < cutoff:
                path.unlink(missing_ok=True)
    return purged
