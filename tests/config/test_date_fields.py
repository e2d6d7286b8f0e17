"""Dates in forms follow the page's language, not the browser's: text inputs in the language's
format with a hint linked to the input, errors that name the format (config.date_fields)."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from community.analytics.forms import PeriodForm
from community.campaigns.forms import CampaignForm
from community.moderation.member_forms import SuspendForm


def test_a_french_page_reads_and_writes_french_dates():
    with translation.override("fr"):
        form = PeriodForm(data={"start": "01/10/2026", "end": "31/10/2026"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["start"] == date(2026, 10, 1)  # the first of October, not 10 Jan
        html = str(PeriodForm(initial={"start": date(2026, 10, 1)})["start"])
        assert 'type="text"' in html
        assert 'value="01/10/2026"' in html
        assert 'inputmode="numeric"' in html
        assert 'aria-describedby="id_start_helptext"' in html
        # Day first, as French readers write it (the words, JJ/MM/AAAA, once translated).
        assert str(PeriodForm()["start"].help_text).endswith("31/12/2026")


def test_an_english_page_uses_unambiguous_iso_dates():
    with translation.override("en"):
        html = str(PeriodForm(initial={"start": date(2026, 10, 1)})["start"])
        assert 'value="2026-10-01"' in html
        assert str(PeriodForm()["start"].help_text) == "Format: YYYY-MM-DD, for example 2026-12-31"


def test_iso_dates_are_read_in_every_language():
    with translation.override("fr"):
        form = PeriodForm(data={"start": "2026-10-01", "end": "2026-10-31"})
        assert form.is_valid(), form.errors


def test_a_wrong_date_gets_an_error_in_the_pages_language_naming_the_format():
    with translation.override("en"):
        form = SuspendForm(data={"until": "31/12", "reason": "spam"})
        assert not form.is_valid()
        assert form.errors["until"] == ["Enter the date as YYYY-MM-DD, for example 2026-12-31."]
    with translation.override("fr"):
        form = SuspendForm(data={"until": "12/31/2030", "reason": "spam"})  # American order
        assert not form.is_valid()
        assert "31/12/2026" in form.errors["until"][0]


def test_the_suspension_keeps_its_own_help_and_adds_the_format():
    with translation.override("en"):
        help_text = str(SuspendForm()["until"].help_text)
    assert help_text.startswith("They can take part again from the start of this day.")
    assert help_text.endswith("Format: YYYY-MM-DD, for example 2026-12-31")


@pytest.mark.django_db
def test_campaign_dates_and_times_in_french():
    with translation.override("fr"):
        form = CampaignForm(
            data={
                "title": "Épargne",
                "description": "Vos idées ?",
                "starts_at": "01/12/2026 09:00",
                "ends_at": "31/12/2026 18:30",
            }
        )
        assert form.is_valid(), form.errors
        ends = timezone.localtime(form.cleaned_data["ends_at"])
        assert (ends.day, ends.month, ends.hour, ends.minute) == (31, 12, 18, 30)
        start = timezone.make_aware(datetime(2026, 12, 1, 9, 0))
        html = str(CampaignForm(initial={"starts_at": start})["starts_at"])
        assert 'value="01/12/2026 09:00"' in html
        assert 'type="datetime-local"' not in html


def test_the_help_is_linked_to_the_input_on_the_page(client, moderator, alice):
    client.force_login(moderator)
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("moderation:member", args=[alice.pk])).text
    assert 'aria-describedby="id_suspend-until_helptext"' in page
    assert 'id="id_suspend-until_helptext"' in page
    assert 'type="date"' not in page
