"""An audit log export travels to a real worker process: the request only asks, the outbox
hands it over through the broker, the worker writes the file, and the admin downloads it from
the audit page."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.audit import AuditAction, AuditEntry
from accounts.models import AuditExport
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.integration

ENTRIES = 20_000


def test_an_audit_export_is_written_by_a_worker_process_and_downloaded(
    start_worker, client, admin_user, moderator, settings, tmp_path
):
    exports = tmp_path / "exports"
    settings.AUDIT_EXPORT_DIR = str(exports)
    worker = start_worker(RUCHE_TEST_AUDIT_EXPORT_DIR=str(exports))
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=moderator,
            action=AuditAction.IDEA_HIDE,
            target_type="idea",
            target_id=n,
            summary=f"Hid idea #{n}: spam",
        )
        for n in range(ENTRIES)
    )
    client.force_login(admin_user)

    response = client.post(reverse("moderation:audit_export"), {"action": "idea_hide"})

    assert response.status_code == 302
    export = AuditExport.objects.get()

    def written() -> bool:
        return AuditExport.objects.filter(pk=export.pk, state__in=["ready", "failed"]).exists()

    wait_until(written, seconds=240, worker=worker)
    export.refresh_from_db()
    assert export.state == AuditExport.State.READY, (export.error, worker.output())
    assert export.rows == ENTRIES
    assert [p.name for p in exports.iterdir()] == [export.stored_name]
    url = reverse("moderation:audit_export_download", args=[export.pk])
    assert url in client.get(reverse("moderation:audit")).content.decode()
    text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == ENTRIES + 1
    assert {row[6] for row in rows[1:]} == {f"Hid idea #{n}: spam" for n in range(ENTRIES)}
    assert "accounts.tasks.audit_export_run" in worker.output()
