"""English pages write dates a European reader cannot misread (config/formats/en): the day before
the month in words, ISO short dates as the forms take them, a 24-hour clock; French is Django's.
CSV exports stay ISO in every language."""

import csv
import io
import re
from datetime import date, datetime

import pytest
from django.utils import formats, timezone, translation

from community.analytics.forms import PeriodForm
from community.moderation import services as moderation_services
from ideas.models import StatusChange
from tests.helpers import audit_export_text

MOMENT = datetime(2026, 12, 3, 14, 30)


def test_english_dates_put_the_day_first_and_short_dates_are_iso():
    with translation.override("en"):
        assert formats.date_format(MOMENT.date()) == "3 Dec 2026"
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == "3 Dec 2026, 14:30"
        assert formats.date_format(MOMENT.date(), "SHORT_DATE_FORMAT") == "2026-12-03"
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == "2026-12-03 14:30"
        assert formats.time_format(MOMENT.time()) == "14:30"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


def test_french_dates_stay_as_french_readers_write_them():
    with translation.override("fr"):
        assert formats.date_format(MOMENT.date()) == "3 décembre 2026"
        assert formats.date_format(MOMENT.date(), "SHORT_DATE_FORMAT") == "03/12/2026"
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == "03/12/2026 14:30"


def test_an_english_field_refuses_a_month_first_date_and_names_the_format():
    with translation.override("en"):
        form = PeriodForm(data={"start": "11/02/2026", "end": "2026-11-30"})
        assert not form.is_valid()
        assert form.errors["start"] == ["Enter the date as YYYY-MM-DD, for example 2026-12-31."]
        # A month in words is unambiguous: read, day first.
        form = PeriodForm(data={"start": "2 Nov 2026", "end": "30 November 2026"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["start"] == date(2026, 11, 2)


@pytest.mark.django_db
def test_an_english_idea_page_dates_its_answers_day_first(client, product_manager, idea):
    change = StatusChange.objects.create(
        idea=idea, changed_by=product_manager, from_status="new", to_status="planned"
    )
    when = timezone.make_aware(datetime(2026, 12, 2, 10, 0))
    StatusChange.objects.filter(pk=change.pk).update(created_at=when)
    client.cookies["django_language"] = "en"
    page = client.get(idea.get_absolute_url()).text
    assert "2 Dec 2026" in page
    assert "12/02/2026" not in page
    assert "Dec. 2, 2026" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_audit_csv_keeps_iso_dates_in_every_language(
    client, admin_user, moderator, idea, language, django_capture_on_commit_callbacks
):
    moderation_services.content_hide(actor=moderator, idea=idea, reason="Ad")
    client.force_login(admin_user)
    client.cookies["django_language"] = language
    text = audit_export_text(client, django_capture_on_commit_callbacks)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "created_at"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*", rows[1][0]), rows[1][0]
