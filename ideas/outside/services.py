"""Importing outside feedback: one file, all or nothing, with a report.

1. The import row (`SignalImport`) is written first, on its own, so the report survives
   whatever happens to the rows.
2. The rows are read streamed (ideas.outside.reading) and written in batches of SIGNALS_BATCH
   inside one transaction: a file refused midway (an undecodable line, the size limit, broken
   CSV) rolls back every row already written. So does a single rejected row, unless the import
   was asked to skip rejected rows; the report lists the rejected rows and why either way.
3. A signal already stored (same URL, else the same masked text) or met earlier in the file is
   a duplicate: counted, not written. The unique key settles two imports of one file at once.
4. On commit the `signals.imported` event is recorded; the next themes run clusters the new
   signals with the ideas.

A large form upload is imported by the worker (`signal_upload_run`): it claims the import
(QUEUED -> IMPORTING, `claimed_at`), and a claim older than the task's time limit was lost with
its worker (killed, machine gone: its transaction rolled back). `signal_uploads_recover`
(periodic) queues such an import again while its file is there, or refuses it saying why.
"""

import logging
import secrets
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import MANAGE_THEMES
from config.outbox.events import record
from ideas.events import SignalsImported, SignalUploadQueued
from ideas.models import Signal, SignalImport
from ideas.models.outside import SIGNAL_SOURCE_MAX_LENGTH
from ideas.outside.reading import (
    ENCODINGS,
    ColumnMapping,
    FileRefused,
    ParsedRow,
    Preview,
    Rejection,
    RowReader,
    column_indexes,
    csv_rows,
    decoded_lines,
    file_too_large,
    preview,
)

logger = logging.getLogger(__name__)


# `SignalImport.error_field` of a file refused for its rejected rows (all or nothing).
REJECTED_ROWS = "rows"
# The worker's hard time limit for one import (ideas.tasks.signal_upload_run). A claim older
# than this and a margin (a worker's clock, a slow commit) belongs to a worker that is gone.
UPLOAD_TASK_TIME_LIMIT = settings.SIGNAL_IMPORT_TIME_LIMIT
UPLOAD_CLAIM_LOST_AFTER = timedelta(seconds=UPLOAD_TASK_TIME_LIMIT + 5 * 60)


class _RejectedRows(Exception):
    """Rolls the rows back when a row was rejected and the import is all or nothing."""


def _require_manager(actor: User) -> None:
    if not actor.has_perm(MANAGE_THEMES):
        raise PermissionDenied(_("Only product managers import outside feedback."))


def _check_encoding(encoding: str) -> None:
    if encoding not in ENCODINGS:
        raise ValidationError(
            {"encoding": _("Choose one of: %(list)s.") % {"list": ", ".join(ENCODINGS)}}
        )


def _check_source_name(mapping: ColumnMapping) -> None:
    """The form and the API refuse a longer name as they read it; the command and other
    callers reach the service with whatever they were given."""
    if len(mapping.source_name) > SIGNAL_SOURCE_MAX_LENGTH:
        raise ValidationError(
            {
                "source_name": _("The source name is longer than %(max)s characters (%(length)s).")
                % {"max": SIGNAL_SOURCE_MAX_LENGTH, "length": len(mapping.source_name)}
            }
        )


def _upload_dir() -> Path:
    directory = Path(settings.SIGNALS_UPLOAD_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def signal_upload_store(
    *, actor: User, file: IO[bytes], file_name: str, size: int, encoding: str
) -> SignalImport:
    """The form's first step: keep the file (privately, SIGNALS_UPLOAD_DIR) until its columns
    are mapped. A file over the size limit is refused before anything is kept."""
    _require_manager(actor)
    _check_encoding(encoding)
    if size > settings.SIGNALS_MAX_UPLOAD_BYTES:
        raise ValidationError({"file": file_too_large(size).message})
    stored_name = f"{secrets.token_hex(16)}.csv"
    with (_upload_dir() / stored_name).open("wb") as out:
        for chunk in iter(lambda: file.read(1 << 16), b""):
            out.write(chunk)
    return SignalImport.objects.create(
        imported_by=actor,
        via=SignalImport.Via.FORM,
        file_name=file_name[:255],
        stored_name=stored_name,
        encoding=encoding,
    )


def signal_upload_path(batch: SignalImport) -> Path:
    return _upload_dir() / Path(batch.stored_name).name


def signal_upload_preview(*, batch: SignalImport) -> Preview:
    """Header, first rows and guessed columns of a stored upload (FileRefused if unreadable)."""
    with signal_upload_path(batch).open("rb") as stored:
        return preview(stored, encoding=batch.encoding)


def signal_upload_refuse(*, batch: SignalImport, refusal: FileRefused) -> SignalImport:
    """A kept upload that cannot be read (seen when its columns are shown): refused with the
    reason, its file deleted, so the report page says why and nothing waits forever."""
    signal_upload_path(batch).unlink(missing_ok=True)
    batch.state, batch.error, batch.error_field = (
        SignalImport.State.REFUSED,
        refusal.message,
        refusal.field,
    )
    batch.finished_at = timezone.now()
    batch.save(update_fields=["state", "error", "error_field", "finished_at"])
    return batch


# Uploads whose file waits: for its columns, or for the worker (never claimed: broker down).
WAITING = (SignalImport.State.UPLOADED, SignalImport.State.QUEUED)


def signal_uploads_abandoned(cutoff: datetime) -> QuerySet[SignalImport]:
    """Uploads still waiting for their columns, made before `cutoff` (retention schedule:
    `signal_uploads`)."""
    return SignalImport.objects.filter(state__in=WAITING, created_at__lt=cutoff)


def signal_uploads_purge(*, cutoff: datetime) -> int:
    """Delete the files of uploads nobody mapped before `cutoff` and mark them refused (the
    report says why); also files in SIGNALS_UPLOAD_DIR older than `cutoff` that no waiting
    upload names (a crash between writing the file and its row). Returns how many imports."""
    purged = 0
    for batch in signal_uploads_abandoned(cutoff).order_by("pk").iterator():
        refused = SignalImport.objects.filter(pk=batch.pk, state__in=WAITING).update(
            state=SignalImport.State.REFUSED,
            error=_(
                "The columns were not chosen in time: the file was deleted, nothing was "
                "imported. Upload it again."
            ),
            finished_at=timezone.now(),
        )
        if refused:  # not mapped meanwhile
            signal_upload_path(batch).unlink(missing_ok=True)
            purged += 1
    in_use = [*WAITING, SignalImport.State.IMPORTING]
    waiting = set(
        SignalImport.objects.filter(state__in=in_use).values_list("stored_name", flat=True)
    )
    for path in _upload_dir().glob("*.csv"):
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        if path.name not in waiting and modified < cutoff:
            path.unlink(missing_ok=True)
    return purged


def signal_upload_import(
    *, actor: User, batch: SignalImport, mapping: ColumnMapping, skip_rejected: bool
) -> SignalImport:
    """The form's second step: import the stored file with the chosen columns, then delete it;
    a file larger than SIGNALS_FORM_INLINE_BYTES is queued for the worker instead (state
    QUEUED; `signal_upload_run` imports it, all or nothing as ever)."""
    _require_manager(actor)
    path = signal_upload_path(batch)
    if path.exists() and path.stat().st_size > settings.SIGNALS_FORM_INLINE_BYTES:
        return _queue(batch, mapping, skip_rejected)
    return _import_stored(actor, batch, mapping, skip_rejected)


def _queue(batch: SignalImport, mapping: ColumnMapping, skip_rejected: bool) -> SignalImport:
    with transaction.atomic():
        queued = SignalImport.objects.filter(pk=batch.pk, state=SignalImport.State.UPLOADED).update(
            state=SignalImport.State.QUEUED, mapping=mapping.as_dict(), skip_rejected=skip_rejected
        )
        if queued:  # the outbox hands it to the worker, even if the broker blinks now
            record(SignalUploadQueued(import_id=batch.pk))
    batch.refresh_from_db()
    return batch


def signal_upload_run(*, batch_id: int) -> SignalImport | None:
    """The worker's part of a queued form import: claim it (QUEUED -> IMPORTING, one worker
    wins), import the stored file with the mapping chosen, delete the file. None when there was
    nothing to do (claimed already, or refused meanwhile)."""
    claimed = SignalImport.objects.filter(pk=batch_id, state=SignalImport.State.QUEUED).update(
        state=SignalImport.State.IMPORTING, claimed_at=timezone.now()
    )
    if not claimed:
        return None
    batch = SignalImport.objects.select_related("imported_by").get(pk=batch_id)
    actor = batch.imported_by
    mapping = ColumnMapping(**batch.mapping)
    if actor is None or not actor.has_perm(MANAGE_THEMES):
        signal_upload_path(batch).unlink(missing_ok=True)
        SignalImport.objects.filter(pk=batch.pk).update(
            state=SignalImport.State.REFUSED,
            error=_("The person who imported it may no longer import: nothing was imported."),
            finished_at=timezone.now(),
        )
        return None
    return _import_stored(actor, batch, mapping, batch.skip_rejected)


def signal_uploads_recover(*, now: datetime | None = None) -> int:
    """Imports left "Being imported" by a worker that died: claimed more than
    UPLOAD_CLAIM_LOST_AFTER ago (its task would have been stopped by then). Each is queued for
    the worker again if its file is still there (nothing of it was written: the import is one
    transaction), else refused with why. Safe to run twice, and beside a worker: each change is
    conditional on the claim being the one read. Returns how many imports it changed."""
    now = now or timezone.now()
    cutoff = now - UPLOAD_CLAIM_LOST_AFTER
    lost = SignalImport.objects.filter(state=SignalImport.State.IMPORTING).filter(
        Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True, created_at__lt=cutoff)
    )
    changed = 0
    for batch in lost.order_by("pk").iterator():
        same_claim = SignalImport.objects.filter(
            pk=batch.pk, state=SignalImport.State.IMPORTING, claimed_at=batch.claimed_at
        )
        with transaction.atomic():
            if signal_upload_path(batch).exists():
                if same_claim.update(state=SignalImport.State.QUEUED, claimed_at=None):
                    record(SignalUploadQueued(import_id=batch.pk))
                    changed += 1
                    logger.warning("Signal import %s: its worker was lost, queued again", batch.pk)
                continue
            changed += same_claim.update(
                state=SignalImport.State.REFUSED,
                error=_(
                    "The worker stopped during the import and the file is gone: nothing was "
                    "imported. Upload the file again."
                ),
                finished_at=now,
            )
    return changed


def _import_stored(
    actor: User, batch: SignalImport, mapping: ColumnMapping, skip_rejected: bool
) -> SignalImport:
    path = signal_upload_path(batch)
    try:
        with path.open("rb") as stored:
            return signals_import(
                actor=actor,
                chunks=stored,
                file_name=batch.file_name,
                mapping=mapping,
                encoding=batch.encoding,
                skip_rejected=skip_rejected,
                via=SignalImport.Via.FORM,
                size=path.stat().st_size,
                batch=batch,
            )
    finally:
        path.unlink(missing_ok=True)


def signals_import(
    *,
    actor: User,
    chunks: Iterable[bytes],
    file_name: str,
    mapping: ColumnMapping,
    encoding: str = "utf-8",
    skip_rejected: bool = False,
    via: str,
    size: int | None = None,
    batch: SignalImport | None = None,
) -> SignalImport:
    """Import one CSV file of outside feedback (see the module's docstring). Returns the
    report: `state` IMPORTED or REFUSED, counts, rejected rows and why, `error` and
    `error_field` for a refused file."""
    _require_manager(actor)
    _check_encoding(encoding)
    _check_source_name(mapping)
    if batch is None:
        batch = SignalImport(imported_by=actor, via=via, file_name=file_name[:255])
    batch.encoding, batch.mapping, batch.skip_rejected = encoding, mapping.as_dict(), skip_rejected
    batch.save()
    started = time.monotonic()
    report = _Report()
    try:
        if size is not None and size > settings.SIGNALS_MAX_UPLOAD_BYTES:
            raise file_too_large(size)
        with transaction.atomic():
            _write_rows(batch, chunks, mapping, encoding, report)
            if not report.rows:  # a header and nothing under it: not an import of 0 rows
                raise FileRefused(_("The file has no rows under its header."))
            if report.rejected and not skip_rejected:
                raise _RejectedRows
            if report.imported:
                record(SignalsImported(import_id=batch.pk))
        batch.state = SignalImport.State.IMPORTED
    except FileRefused as refusal:
        batch.state, batch.error, batch.error_field = (
            SignalImport.State.REFUSED,
            refusal.message,
            refusal.field,
        )
        report.imported = report.duplicates = 0
    except _RejectedRows:
        batch.state = SignalImport.State.REFUSED
        batch.error = _(
            "%(count)s rows were rejected, so nothing was imported: correct them (see below) "
            "and upload the file again, or choose to skip rejected rows."
        ) % {"count": report.rejected}
        batch.error_field = REJECTED_ROWS
        report.imported = report.duplicates = 0
    except Exception:
        # A fault of ours or of the database: the rows rolled back; the report says so.
        SignalImport.objects.filter(pk=batch.pk).update(
            state=SignalImport.State.REFUSED,
            error=_("The import stopped on an unexpected error: nothing was imported."),
            finished_at=timezone.now(),
        )
        raise
    batch.rows_read, batch.imported = report.rows, report.imported
    batch.duplicates, batch.rejected = report.duplicates, report.rejected
    batch.rejected_rows, batch.warnings = report.rejected_rows, report.warnings
    batch.finished_at = timezone.now()
    batch.duration_seconds = time.monotonic() - started
    batch.save()
    logger.info(
        "Signal import %s (%s): %s rows, %s imported, %s duplicates, %s rejected",
        batch.pk,
        batch.state,
        batch.rows_read,
        batch.imported,
        batch.duplicates,
        batch.rejected,
    )
    return batch


class _Report:
    def __init__(self) -> None:
        self.rows = self.imported = self.duplicates = self.rejected = 0
        self.rejected_rows: list[dict[str, object]] = []
        self.warnings: list[dict[str, object]] = []
        self.limit: int = settings.SIGNALS_REPORT_ROWS

    def reject(self, rejection: Rejection) -> None:
        self.rejected += 1
        if len(self.rejected_rows) < self.limit:
            self.rejected_rows.append({"row": rejection.row, "reason": rejection.reason})

    def nul(self, line: int) -> None:
        if len(self.warnings) < self.limit:
            self.warnings.append(
                {"line": line, "warning": _("NUL bytes were removed from this line.")}
            )


def _write_rows(
    batch: SignalImport,
    chunks: Iterable[bytes],
    mapping: ColumnMapping,
    encoding: str,
    report: _Report,
) -> None:
    header, rows = csv_rows(decoded_lines(chunks, encoding=encoding, on_nul=report.nul))
    reader = RowReader(indexes=column_indexes(header, mapping), mapping=mapping, width=len(header))
    seen: set[str] = set()  # keys met in this file: 66 bytes each, 100,000 rows take ~10 MB
    pending: list[ParsedRow] = []
    for number, cells in rows:
        report.rows += 1
        parsed = reader.read(number, cells)
        if isinstance(parsed, Rejection):
            report.reject(parsed)
            continue
        if parsed.dedupe_key in seen:
            report.duplicates += 1
            continue
        seen.add(parsed.dedupe_key)
        pending.append(parsed)
        if len(pending) >= settings.SIGNALS_BATCH:
            _flush(batch, pending, report)
            pending = []
    _flush(batch, pending, report)


def _flush(batch: SignalImport, pending: list[ParsedRow], report: _Report) -> None:
    if not pending:
        return
    stored = set(
        Signal.objects.filter(dedupe_key__in=[row.dedupe_key for row in pending]).values_list(
            "dedupe_key", flat=True
        )
    )
    new = [row for row in pending if row.dedupe_key not in stored]
    report.duplicates += len(pending) - len(new)
    report.imported += len(new)
    Signal.objects.bulk_create(
        [
            Signal(
                batch=batch,
                text=row.text,
                masked_kinds=list(row.masked_kinds),
                language=row.language,
                posted_at=row.posted_at,
                source=row.source,
                author_key=row.author_key,
                url=row.url,
                dedupe_key=row.dedupe_key,
            )
            for row in new
        ],
        ignore_conflicts=True,  # another import of the same posts committed meanwhile
    )
