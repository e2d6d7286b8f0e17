"""A form upload larger than SIGNALS_FORM_INLINE_BYTES travels to a real worker process: the
request only queues it, the outbox hands it over through the broker, the worker imports it all
or nothing and deletes the file, and the report page then shows the result."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ideas.models import Signal, SignalImport
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.integration

ROWS = 5_000  # about 600 KB, over the default SIGNALS_FORM_INLINE_BYTES (512 KB)


def _large_export() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Ticket", "Description", "Canal", "Créé le"])
    for n in range(ROWS):
        writer.writerow(
            [
                f"ticket {n}",
                f"Ticket {n}: customer asks for a cheaper instant transfer fee, branch {n % 97}",
                "Service desk",
                f"{1 + n % 28:02d}/11/2026",
            ]
        )
    return out.getvalue().encode()


def test_a_large_form_upload_is_imported_by_a_worker_process(
    start_worker, client, product_manager, settings, tmp_path
):
    uploads = tmp_path / "uploads"
    settings.SIGNALS_UPLOAD_DIR = str(uploads)
    worker = start_worker(RUCHE_TEST_SIGNALS_UPLOAD_DIR=str(uploads))
    data = _large_export()
    assert len(data) > settings.SIGNALS_FORM_INLINE_BYTES
    client.force_login(product_manager)
    location = client.post(
        reverse("themes:signals"),
        {"file": SimpleUploadedFile("desk.csv", data, "text/csv"), "encoding": "utf-8"},
    )["Location"]

    response = client.post(
        location,
        {"text_column": "Description", "date_column": "Créé le", "source_column": "Canal"},
    )

    batch = SignalImport.objects.get()
    report_url = reverse("themes:signals_report", args=[batch.pk])
    assert response["Location"] == report_url
    batch.refresh_from_db()
    assert batch.state in {SignalImport.State.QUEUED, SignalImport.State.IMPORTING}

    def imported() -> bool:
        return SignalImport.objects.filter(pk=batch.pk, state__in=["imported", "refused"]).exists()

    wait_until(imported, seconds=240, worker=worker)
    batch.refresh_from_db()
    assert batch.state == SignalImport.State.IMPORTED, (batch.error, worker.output())
    assert (batch.rows_read, batch.imported) == (ROWS, ROWS)
    assert batch.claimed_at is not None
    assert Signal.objects.count() == ROWS
    assert list(uploads.iterdir()) == []  # the worker deleted the file
    page = client.get(report_url).content.decode()
    assert f"{ROWS} signals imported." in page
    assert "hx-trigger" not in page  # done: the report stops asking for itself
    assert "ideas.tasks.signal_upload_run" in worker.output()
