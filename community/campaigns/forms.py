from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from community.campaigns.services import SLUG_MAX_LENGTH, banner_validate
from config.date_fields import LocalDateTimeField
from ideas.models import Category


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=140)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=SLUG_MAX_LENGTH,
        required=False,
        help_text=_("In the page address: letters, digits, hyphens. Leave blank to use the title."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What are we asking, and why? Markdown: **bold**, *italics*, lists."),
    )
    banner = forms.FileField(
        label=_("Banner image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Optional. JPEG, PNG or WebP, 2 MB at most."),
    )
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("Any category"),
    )
    partners_only = forms.BooleanField(
        label=_("Partners only"),
        required=False,
        help_text=_("Only partners may submit ideas; everyone can read them."),
    )
    premoderated = forms.BooleanField(
        label=_("Pre-moderated"),
        required=False,
        help_text=_(
            "Ideas submitted to this campaign wait for a moderator before they are public."
        ),
    )

    def clean_banner(self) -> Any:
        banner = self.cleaned_data.get("banner")
        if isinstance(banner, UploadedFile):
            banner_validate(banner)
        return banner

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        return cleaned

    # A FileField cleans to an upload (a new file), False (the "clear" box) or the current file.

    def service_arguments(self) -> dict[str, Any]:
        """cleaned_data as campaign_create and campaign_update take it: a new banner or None."""
        data = dict(self.cleaned_data)
        banner = data.pop("banner", None)
        data["banner"] = banner if isinstance(banner, UploadedFile) else None
        return data

    @property
    def banner_cleared(self) -> bool:
        return self.cleaned_data.get("banner") is False
