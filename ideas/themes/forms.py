from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.models import Category, ThemeStatus


class ThemeForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        required=False,
        help_text=_(
            "Shown instead of the engine's name, in both languages. Leave empty to show the "
            "engine's name in the reader's language."
        ),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ThemeStatus.choices)
    note = forms.CharField(
        label=_("Note for the team"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DashboardFilterForm(forms.Form):
    sort = forms.ChoiceField(
        choices=[("trend", "trend"), ("size", "size"), ("votes", "votes")], required=False
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), to_field_name="slug", required=False
    )
    period = forms.TypedChoiceField(
        choices=[(7, 7), (30, 30), (90, 90)], coerce=int, required=False
    )
