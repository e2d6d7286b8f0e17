from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ideas.forms import SlugChoiceField
from ideas.models import Category, ThemeStatus
from ideas.models.themes import TARGET_THEMES_MAX, TARGET_THEMES_MIN


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
    category = SlugChoiceField(queryset=Category.objects.all(), required=False)
    period = forms.TypedChoiceField(
        choices=[(7, 7), (30, 30), (90, 90)], coerce=int, required=False
    )


class GranularityForm(forms.Form):
    """Automatic, or the number of themes a product manager expects (checked again by the
    service, which is what guards the database)."""

    AUTOMATIC, TARGET = "auto", "target"
    mode = forms.ChoiceField(
        label=_("Theme granularity"),
        choices=[
            (AUTOMATIC, _("Automatic: the engine decides how many themes")),
            (TARGET, _("About this many themes:")),
        ],
        widget=forms.RadioSelect,
        initial=AUTOMATIC,
        error_messages={
            "required": _("Choose Automatic or an expected number of themes."),
            "invalid_choice": _("Choose Automatic or an expected number of themes."),
        },
    )
    target_themes = forms.IntegerField(
        label=_("Expected number of themes"),
        required=False,
        min_value=TARGET_THEMES_MIN,
        max_value=TARGET_THEMES_MAX,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Interpolated per request: a lazy string formatted at import would freeze the language.
        self.fields["target_themes"].help_text = gettext(
            "Between %(min)s and %(max)s: fewer for broad subjects, more for precise requests. "
            "Takes effect at the next run; themes that continue keep their name, note and status."
        ) % {"min": TARGET_THEMES_MIN, "max": TARGET_THEMES_MAX}

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("mode") == self.AUTOMATIC:
            # Whatever is left in the box does not matter once Automatic is chosen.
            self.errors.pop("target_themes", None)
            cleaned.pop("target_themes", None)
        wanted = cleaned.get("mode") == self.TARGET
        if wanted and cleaned.get("target_themes") is None and "target_themes" not in self.errors:
            self.add_error(
                "target_themes",
                _("Enter the number of themes you expect, or choose Automatic."),
            )
        return cleaned

    def target(self) -> int | None:
        """The number to store: None when Automatic was chosen, whatever the box holds."""
        if self.cleaned_data["mode"] == self.AUTOMATIC:
            return None
        return int(self.cleaned_data["target_themes"])
