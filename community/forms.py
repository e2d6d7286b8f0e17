from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import COMMENT_MAX_LENGTH, Delivery, NotificationKind


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Be kind. Markdown: **bold**, *italics*, lists."),
    )


class PreferencesForm(forms.Form):
    """One choice per kind of notification; only the known deliveries are accepted."""

    def __init__(self, *args: object, kinds: Iterable[NotificationKind], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for kind in kinds:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, widget=forms.RadioSelect
            )
