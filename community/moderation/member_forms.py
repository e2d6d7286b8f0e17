"""Forms of the moderator's page for one member: suspend, ban, reinstate."""

from datetime import date, datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.date_fields import LocalDateField

REASON_MAX_LENGTH = 300  # User.sanction_reason


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Reason (shown in the audit log)"),
        max_length=REASON_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SuspendForm(forms.Form):
    until = LocalDateField(
        label=_("Suspended until"),
        help_text=_("They can take part again from the start of this day."),
    )
    reason = _reason_field()
    hide_content = forms.BooleanField(label=_("Hide their ideas and comments"), required=False)

    def clean_until(self) -> date:
        until: date = self.cleaned_data["until"]
        if until <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."))
        return until

    def until_moment(self) -> datetime:
        """The start of the chosen day, in the site's time zone."""
        return timezone.make_aware(datetime.combine(self.cleaned_data["until"], time.min))


class BanForm(forms.Form):
    reason = _reason_field()
    hide_content = forms.BooleanField(label=_("Hide their ideas and comments"), required=False)


class ReinstateForm(forms.Form):
    reason = _reason_field()
    restore_content = forms.BooleanField(
        label=_("Show again what the sanction hid"), required=False, initial=True
    )
