from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.forms import active_language
from ideas.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Language

# The two buttons of the offer shown when a new idea reads as a personal complaint.
ROUTE_PRIVATE = "private"
ROUTE_PUBLISH = "publish"


class ComplaintForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("In a few words: what went wrong?"),
    )
    body = forms.CharField(
        label=_("What happened"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Dates, amounts, what you already tried. Only you and our complaints team will see "
            "it. Never write your password or your full card number."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language for our answer"), choices=Language.choices, initial=active_language
    )


class ComplaintAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the member"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Private: only the member and the complaints team see it."),
    )


class ComplaintConvertForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional, kept in the audit log)"),
        max_length=250,
        required=False,
    )
