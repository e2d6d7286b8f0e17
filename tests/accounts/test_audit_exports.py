"""Audit log exports are written by the worker, whole or not at all, and downloaded only by the
admin who asked (accounts.audit_exports). tests/integration/test_audit_export_worker.py runs the
same path through a real worker process."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts import audit_exports, roles
from accounts.audit import CSV_HEADER, AuditAction, AuditEntry, audit_record
from accounts.models import AuditExport
from community.models import Notification, NotificationKind
from config.outbox import delivery
from config.outbox.models import OutboxEvent
from tests.factories import UserFactory

QUEUED_EVENT = "audit.export_queued"


@pytest.fixture
def export_dir(settings, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    directory = tmp_path / "exports"
    directory.mkdir()
    settings.AUDIT_EXPORT_DIR = str(directory)
    return directory


@pytest.fixture
def logged(moderator, idea):  # type: ignore[no-untyped-def]
    """Three entries by a moderator, one of another kind."""
    for action in (AuditAction.IDEA_HIDE, AuditAction.IDEA_RESTORE, AuditAction.IDEA_HIDE):
        audit_record(actor=moderator, action=action, target=idea, summary=f"{action} #{idea.pk}")


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_asking_queues_one_export_records_who_asked_and_hands_it_to_the_worker(
    admin_user, export_dir
):
    export = audit_exports.audit_export_request(actor=admin_user, action=AuditAction.IDEA_HIDE)
    again = audit_exports.audit_export_request(actor=admin_user, action=AuditAction.IDEA_HIDE)
    other = audit_exports.audit_export_request(actor=admin_user)

    assert again == export  # a second click while it waits: the same export
    assert other != export
    assert export.state == AuditExport.State.QUEUED
    assert OutboxEvent.objects.filter(name=QUEUED_EVENT).count() == 2
    entries = AuditEntry.objects.filter(action="audit_export", actor=admin_user)
    assert entries.count() == 2
    assert {tuple(e.after.items()) for e in entries} == {
        (("action", "idea_hide"),),
        (("action", ""),),
    }


@pytest.mark.parametrize("who", ["alice", "moderator", "product_manager"])
def test_only_those_who_read_the_log_may_export_it(request, who, export_dir):
    with pytest.raises(PermissionDenied):
        audit_exports.audit_export_request(actor=request.getfixturevalue(who))
    assert not AuditExport.objects.exists()


def test_the_worker_writes_the_entries_up_to_its_claim_into_a_whole_file(
    admin_user, moderator, idea, logged, export_dir
):
    later = audit_record(
        actor=moderator, action=AuditAction.IDEA_HIDE, target=idea, summary="made after the claim"
    )
    AuditEntry.objects.filter(pk=later.pk).update(created_at=timezone.now() + timedelta(hours=1))
    export = audit_exports.audit_export_request(actor=admin_user, action=AuditAction.IDEA_HIDE)

    done = audit_exports.audit_export_run(export_id=export.pk)

    assert done is not None
    assert done.state == AuditExport.State.READY
    assert done.rows == 2
    assert done.up_to is not None
    assert done.claimed_at == done.up_to
    path = audit_exports.audit_export_path(done)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheets read the accents right
    rows = _rows(path)
    assert rows[0] == CSV_HEADER
    assert [row[3] for row in rows[1:]] == ["idea_hide", "idea_hide"]
    assert "made after the claim" not in path.read_text(encoding="utf-8")
    assert done.size_bytes == path.stat().st_size
    assert sorted(p.name for p in export_dir.iterdir()) == [export.stored_name]  # no .part
    assert audit_exports.audit_export_run(export_id=export.pk) is None  # twice: nothing more


def test_a_disk_that_fails_gives_the_export_back_to_be_retried_and_leaves_no_file(
    admin_user, logged, settings, tmp_path
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.AUDIT_EXPORT_DIR = str(blocker / "exports")  # mkdir fails: NotADirectoryError
    export = audit_exports.audit_export_request(actor=admin_user)

    with pytest.raises(NotADirectoryError):
        audit_exports.audit_export_run(export_id=export.pk)

    export.refresh_from_db()
    assert export.state == AuditExport.State.QUEUED  # the task's retry claims it again
    assert export.error == "Attempt 1 of 5 failed (NotADirectoryError)."
    settings.AUDIT_EXPORT_DIR = str(tmp_path / "exports")
    assert audit_exports.audit_export_run(export_id=export.pk).rows == 4  # type: ignore[union-attr]


def test_an_error_that_a_retry_would_repeat_fails_the_export_with_why(
    admin_user, logged, export_dir, monkeypatch
):
    export = audit_exports.audit_export_request(actor=admin_user)

    def broken(entries):  # type: ignore[no-untyped-def]
        yield "created_at\r\n"
        raise ValueError("a row the writer cannot take")

    monkeypatch.setattr(audit_exports, "audit_csv_rows", broken)
    with pytest.raises(ValueError, match="cannot take"):
        audit_exports.audit_export_run(export_id=export.pk)

    export.refresh_from_db()
    assert export.state == AuditExport.State.FAILED
    assert "ValueError" in export.error
    assert list(export_dir.iterdir()) == []  # the half-written file is gone
    # The admin who asked is told, with why.
    (finished,) = OutboxEvent.objects.filter(name="audit.export_finished")
    assert delivery.deliver(finished.pk)
    (told,) = Notification.objects.filter(recipient=admin_user, kind=NotificationKind.AUDIT_EXPORT)
    assert told.text == "Your audit log export failed: ask for it again"
    assert told.body == export.error


def test_an_admin_who_lost_the_role_before_the_worker_ran_gets_no_file(admin_user, export_dir):
    export = audit_exports.audit_export_request(actor=admin_user)
    admin_user.is_superuser = False
    admin_user.groups.clear()
    admin_user.save()

    assert audit_exports.audit_export_run(export_id=export.pk) is None

    export.refresh_from_db()
    assert export.state == AuditExport.State.FAILED
    assert export.error
    assert list(export_dir.iterdir()) == []


def test_only_the_admin_who_asked_downloads_the_file(
    client, admin_user, logged, export_dir, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("moderation:audit_export"), {"action": "idea_hide"})
    assert response["Location"] == f"{reverse('moderation:audit')}?action=idea_hide#exports"
    export = AuditExport.objects.get()
    url = reverse("moderation:audit_export_download", args=[export.pk])
    # The admin is told in the app (the page also updates by itself while they wait on it).
    (told,) = Notification.objects.filter(kind=NotificationKind.AUDIT_EXPORT)
    assert (told.recipient, told.text) == (admin_user, "Your audit log export is ready to download")
    assert told.url == f"{reverse('moderation:audit')}#exports"

    page = client.get(reverse("moderation:audit")).content.decode()
    assert url in page
    download = client.get(url)
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"].startswith('attachment; filename="ruche-audit-')
    assert len(b"".join(download.streaming_content).decode("utf-8-sig").splitlines()) == 3

    other_admin = UserFactory(email="admin2@example.com", role=roles.ADMIN, is_superuser=True)
    client.force_login(other_admin)
    assert client.get(url).status_code == 404
    assert url not in client.get(reverse("moderation:audit")).content.decode()
    client.force_login(admin_user)
    audit_exports.audit_export_path(export).unlink()
    assert client.get(url).status_code == 404


def test_a_waiting_export_says_so_and_offers_no_file(client, admin_user, export_dir):
    client.force_login(admin_user)
    client.post(reverse("moderation:audit_export"))  # the outbox has not delivered it yet
    export = AuditExport.objects.get()
    page = client.get(reverse("moderation:audit")).content.decode()
    assert "Waiting for the worker" in page
    assert "this list updates by itself" in page  # htmx asks again (a test in tests/e2e)
    assert 'hx-trigger="every 5s"' in page
    assert "<noscript><p>Reload this page in a moment to see it." in page  # without JavaScript
    url = reverse("moderation:audit_export_download", args=[export.pk])
    assert url not in page
    assert client.get(url).status_code == 404


def test_the_list_asking_for_itself_gets_the_list_alone(client, admin_user, logged, export_dir):
    audit_exports.audit_export_request(actor=admin_user)
    client.force_login(admin_user)

    fragment = client.get(reverse("moderation:audit"), HTTP_HX_REQUEST="true").content.decode()

    assert 'id="audit-exports"' in fragment
    assert 'id="exports-status"' in fragment
    assert "Audit log" not in fragment  # not the page, nor its count of the whole log


def test_exports_the_worker_lost_are_handed_to_it_again_once(admin_user, export_dir):
    long_ago = timezone.now() - audit_exports.CLAIM_LOST_AFTER - timedelta(minutes=1)
    claimed = audit_exports.audit_export_request(actor=admin_user)
    AuditExport.objects.filter(pk=claimed.pk).update(state="writing", claimed_at=long_ago)
    stem = Path(claimed.stored_name).stem
    (export_dir / f"{stem}.1764860000000000.part").write_text("half")
    waiting = audit_exports.audit_export_request(actor=admin_user, action="idea_hide")
    AuditExport.objects.filter(pk=waiting.pk).update(queued_at=long_ago)
    recent = audit_exports.audit_export_request(actor=admin_user, action="idea_restore")
    AuditExport.objects.filter(pk=recent.pk).update(state="writing", claimed_at=timezone.now())
    events = OutboxEvent.objects.filter(name=QUEUED_EVENT)
    before = events.count()

    assert audit_exports.audit_exports_recover() == 2
    assert audit_exports.audit_exports_recover() == 0  # twice: nothing more

    assert events.count() == before + 2
    assert AuditExport.objects.get(pk=claimed.pk).state == AuditExport.State.QUEUED
    assert list(export_dir.iterdir()) == []  # the lost worker's half file
    assert AuditExport.objects.get(pk=recent.pk).state == AuditExport.State.WRITING
    assert audit_exports.audit_export_run(export_id=claimed.pk) is not None


def test_files_past_their_week_are_deleted_and_their_row_says_so(admin_user, logged, export_dir):
    export = audit_exports.audit_export_request(actor=admin_user)
    audit_exports.audit_export_run(export_id=export.pk)
    orphan = export_dir / "0123456789abcdef.csv"  # a crash between the file and its row
    orphan.write_text("x")
    week = timezone.now() + timedelta(days=8)

    assert audit_exports.audit_exports_purge(cutoff=timezone.now() - timedelta(days=7)) == 0
    assert orphan.exists()
    assert audit_exports.audit_exports_purge(cutoff=week) == 1

    export.refresh_from_db()
    assert export.state == AuditExport.State.EXPIRED
    assert list(export_dir.iterdir()) == []
    assert audit_exports.audit_exports_purge(cutoff=week) == 0


def test_an_export_that_keeps_failing_is_given_up_and_says_why(
    admin_user, logged, settings, tmp_path
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.AUDIT_EXPORT_DIR = str(blocker / "exports")
    export = audit_exports.audit_export_request(actor=admin_user)
    for _ in range(audit_exports.MAX_ATTEMPTS):
        with pytest.raises(NotADirectoryError):
            audit_exports.audit_export_run(export_id=export.pk)

    assert audit_exports.audit_export_run(export_id=export.pk) is None

    export.refresh_from_db()
    assert export.state == AuditExport.State.FAILED
    assert export.error == "Given up. Attempt 5 of 5 failed (NotADirectoryError). Ask for it again."
    assert audit_exports.audit_exports_recover(now=timezone.now() + timedelta(days=1)) == 0


def test_a_claim_taken_over_while_writing_puts_no_file_under_the_final_name(
    admin_user, logged, export_dir, monkeypatch
):
    """A worker stalled past its claim's lifetime: the recovery handed the export to another
    claim while it wrote. Its file must not become the export's."""
    export = audit_exports.audit_export_request(actor=admin_user)
    write = audit_exports._write

    def stalled(path, **kwargs):  # type: ignore[no-untyped-def]
        result = write(path, **kwargs)
        AuditExport.objects.filter(pk=export.pk).update(
            state="queued", claimed_at=None, queued_at=timezone.now()
        )  # as audit_exports_recover would, meanwhile
        return result

    monkeypatch.setattr(audit_exports, "_write", stalled)

    assert audit_exports.audit_export_run(export_id=export.pk) is None

    assert list(export_dir.iterdir()) == []  # neither the final name nor a half file
    assert AuditExport.objects.get(pk=export.pk).state == AuditExport.State.QUEUED
    monkeypatch.setattr(audit_exports, "_write", write)
    assert audit_exports.audit_export_run(export_id=export.pk).rows == 4  # type: ignore[union-attr]


def test_an_export_expired_while_being_written_leaves_no_file(
    admin_user, logged, export_dir, monkeypatch
):
    export = audit_exports.audit_export_request(actor=admin_user)
    write = audit_exports._write

    def purged_meanwhile(path, **kwargs):  # type: ignore[no-untyped-def]
        result = write(path, **kwargs)
        audit_exports.audit_exports_purge(cutoff=timezone.now() + timedelta(days=8))
        return result

    monkeypatch.setattr(audit_exports, "_write", purged_meanwhile)

    assert audit_exports.audit_export_run(export_id=export.pk) is None

    assert AuditExport.objects.get(pk=export.pk).state == AuditExport.State.EXPIRED
    assert list(export_dir.iterdir()) == []
