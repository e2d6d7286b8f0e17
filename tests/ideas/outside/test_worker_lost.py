"""A form import claimed by a worker that died ("Being imported" for ever before): the periodic
sweep queues it again while its file is there, refuses it saying why when the file is gone, and
leaves a live worker's claim alone. All or nothing as ever; safe to run twice."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ideas.models import Signal, SignalImport
from ideas.outside.services import (
    UPLOAD_CLAIM_LOST_AFTER,
    signal_upload_path,
    signal_uploads_recover,
)
from ideas.tasks import signal_uploads_recover as recover_task
from tests.ideas.outside.test_pages import MESSY, _upload

IMPORTING = SignalImport.State.IMPORTING


@pytest.fixture
def queued(client, product_manager, settings):  # type: ignore[no-untyped-def]
    """An upload mapped on the form and queued for the worker (its task not run)."""
    settings.SIGNALS_FORM_INLINE_BYTES = 0
    client.force_login(product_manager)
    location = _upload(client, MESSY)["Location"]
    client.post(
        location,
        {"text_column": "Description", "date_column": "Créé le", "source_column": "Canal"},
    )
    batch = SignalImport.objects.get()
    assert batch.state == SignalImport.State.QUEUED
    return batch


def _claimed(batch: SignalImport, ago: timedelta) -> None:
    """What a worker's claim leaves in the database (ideas.outside.services.signal_upload_run);
    the worker then died before its transaction committed: no row of the file was written."""
    SignalImport.objects.filter(pk=batch.pk).update(
        state=IMPORTING, claimed_at=timezone.now() - ago
    )


def test_a_lost_claim_is_queued_again_and_the_worker_imports_it(
    queued, client, django_capture_on_commit_callbacks
):
    _claimed(queued, UPLOAD_CLAIM_LOST_AFTER + timedelta(minutes=1))
    with django_capture_on_commit_callbacks() as nudges:
        assert signal_uploads_recover() == 1
    queued.refresh_from_db()
    assert (queued.state, queued.claimed_at) == (SignalImport.State.QUEUED, None)
    assert signal_uploads_recover() == 0  # twice: nothing more
    assert len(nudges) == 1

    nudges[0]()  # the outbox hands it to the worker (tasks run eagerly in these tests)

    queued.refresh_from_db()
    assert queued.state == SignalImport.State.IMPORTED
    assert Signal.objects.count() == 2
    report = client.get(reverse("themes:signals_report", args=[queued.pk])).content.decode()
    assert "2 signals imported." in report


def test_a_lost_claim_whose_file_is_gone_is_refused_saying_why(queued, client):
    _claimed(queued, UPLOAD_CLAIM_LOST_AFTER + timedelta(minutes=1))
    signal_upload_path(queued).unlink()

    assert recover_task.delay().get() == 1  # the periodic task

    queued.refresh_from_db()
    assert queued.state == SignalImport.State.REFUSED
    assert not Signal.objects.exists()
    report = client.get(reverse("themes:signals_report", args=[queued.pk])).content.decode()
    assert "The worker stopped during the import" in report
    assert signal_uploads_recover() == 0


def test_a_live_workers_claim_is_left_alone(queued):
    _claimed(queued, UPLOAD_CLAIM_LOST_AFTER - timedelta(minutes=1))
    assert signal_uploads_recover() == 0
    queued.refresh_from_db()
    assert queued.state == IMPORTING
    assert signal_upload_path(queued).exists()
