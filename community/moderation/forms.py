from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_type_choices
from community.models import FLAG_NOTE_MAX_LENGTH, FlagReason


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why are you reporting this?"), choices=FlagReason.choices)
    note = forms.CharField(
        label=_("Note for the moderators (optional)"),
        max_length=FLAG_NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ModerationActionForm(forms.Form):
    reason = forms.CharField(label=_("Reason (kept in the audit log)"), max_length=250, strip=True)

    def service_arguments(self) -> dict[str, Any]:
        """What the action's service takes besides actor, idea, comment and reason."""
        return {}


class ApproveForm(ModerationActionForm):
    """Approving needs no reason; a note, if given, is kept in the audit log."""

    reason = forms.CharField(
        label=_("Note (optional, kept in the audit log)"),
        max_length=250,
        strip=True,
        required=False,
    )
    # The version the moderator read (the item's `updated_at` when the page was drawn): an
    # approval covers that text, so the service refuses if the author edited it since.
    seen = forms.DateTimeField(widget=forms.HiddenInput)

    def service_arguments(self) -> dict[str, Any]:
        return {"seen": self.cleaned_data["seen"]}


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All actions")), *audit_type_choices()]
