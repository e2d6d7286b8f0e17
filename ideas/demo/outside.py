"""The demo's outside feedback: `outside_feedback.csv`, a made-up export of a social-listening
and service-desk tool (written for Ruche, no third-party data) in a messy layout: French
headers, semicolons, day-first dates, extra columns, one empty row and one duplicate. seed_demo
imports it as the demo product manager; docs/signals.md shows how to import it by hand."""

from datetime import datetime
from pathlib import Path

from django.db.models import F, Max

from accounts.models import User
from ideas.models import Signal, SignalImport
from ideas.outside.reading import ColumnMapping
from ideas.outside.services import signals_import

SAMPLE = Path(__file__).with_name("outside_feedback.csv")
SAMPLE_MAPPING = ColumnMapping(
    text="Verbatim", date="Date publication", source="Canal", author="Auteur / pseudo", url="Lien"
)


def seed_outside_feedback(*, product_manager: User, now: datetime) -> dict[str, int]:
    with SAMPLE.open("rb") as sample:
        batch = signals_import(
            actor=product_manager,
            chunks=sample,
            file_name=SAMPLE.name,
            mapping=SAMPLE_MAPPING,
            skip_rejected=True,  # the sample has an empty row on purpose: the report shows it
            via=SignalImport.Via.COMMAND,
        )
    # The file's dates are fixed; move them so its newest post is from today.
    newest = Signal.objects.filter(batch=batch).aggregate(newest=Max("posted_at"))["newest"]
    if newest is not None:
        Signal.objects.filter(batch=batch).update(posted_at=F("posted_at") + (now - newest))
    return {"outside_signals": batch.imported}
