from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.analytics.selectors import Period
from config.date_fields import LocalDateField

MAX_WEEKS = 156  # three years: enough to compare, small enough to stay a quick page


class PeriodForm(forms.Form):
    """The period shown: whole weeks from the week of `start` to the week of `end`; the last
    12 weeks when nothing is given."""

    start = LocalDateField(label=_("From"), required=False)
    end = LocalDateField(label=_("To"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        today = timezone.localdate()
        default = Period.default(today=today)
        start: date | None = cleaned.get("start")
        end: date | None = cleaned.get("end")
        if self.errors:
            return cleaned
        end = end or today
        start = start or min(default.start, end)
        if end > today:
            self.add_error("end", _("The period cannot end after today."))
        if start > end:
            self.add_error("start", _("The start must be on or before the end."))
        elif (end - start) > timedelta(weeks=MAX_WEEKS):
            self.add_error("start", _("Choose a period of at most three years."))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def period(self) -> Period:
        """The chosen period (call after is_valid() returned True)."""
        return Period.covering(self.cleaned_data["start"], self.cleaned_data["end"])
