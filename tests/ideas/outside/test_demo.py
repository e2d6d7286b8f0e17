"""The demo's sample export imports as the docs say (seed_demo imports it the same way)."""

from django.utils import timezone

from ideas.demo.outside import SAMPLE, SAMPLE_MAPPING, seed_outside_feedback
from ideas.models import Signal, SignalImport
from ideas.outside.reading import guess_mapping
from ideas.outside.services import signal_upload_preview, signal_upload_store


def test_the_sample_export_imports_with_one_empty_row_and_one_duplicate(product_manager):
    now = timezone.now()
    assert seed_outside_feedback(product_manager=product_manager, now=now) == {
        "outside_signals": 76
    }
    batch = SignalImport.objects.get()
    assert (batch.rows_read, batch.rejected, batch.duplicates) == (78, 1, 1)
    assert batch.rejected_rows == [{"row": 65, "reason": "the text is empty"}]
    assert Signal.objects.filter(text__contains="[téléphone masqué]").count() == 1
    assert Signal.objects.filter(text__contains="[IBAN removed]").count() == 1
    newest = Signal.objects.order_by("-posted_at").first()
    assert abs((now - newest.posted_at).total_seconds()) < 1
    assert set(Signal.objects.values_list("source", flat=True)) == {
        "Twitter/X",
        "Service desk",
        "Trustpilot",
        "App Store",
        "Google Play",
        "Enquête NPS",
    }


def test_the_form_guesses_the_samples_columns(product_manager):
    with SAMPLE.open("rb") as sample:
        batch = signal_upload_store(
            actor=product_manager,
            file=sample,
            file_name=SAMPLE.name,
            size=SAMPLE.stat().st_size,
            encoding="utf-8",
        )
    shown = signal_upload_preview(batch=batch)
    assert shown.guesses == {name: column for name, column in SAMPLE_MAPPING.columns().items()}
    assert guess_mapping(shown.header) == shown.guesses
    assert len(shown.rows) == 5
