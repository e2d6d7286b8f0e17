from collections.abc import Iterable

from django import forms

from community.models import Delivery, NotificationKind


class PreferencesForm(forms.Form):
    """One choice per kind of notification; only the known deliveries are accepted."""

    def __init__(self, *args: object, kinds: Iterable[NotificationKind], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for kind in kinds:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, widget=forms.RadioSelect
            )
