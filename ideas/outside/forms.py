"""The import form's two steps: the file, then its columns."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.models.outside import SIGNAL_SOURCE_MAX_LENGTH
from ideas.outside.reading import ENCODINGS, FIELDS, ColumnMapping


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "An export of a social-listening, survey or service-desk tool, one post per row, "
            "the first row naming the columns."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding"),
        choices=list(ENCODINGS.items()),
        initial="utf-8",
        help_text=_("Excel on Windows often saves CSV files in Windows-1252."),
    )


class MappingForm(forms.Form):
    """Each field offers the file's own columns; text and date are required."""

    text_column = forms.ChoiceField(label=_("Text"))
    date_column = forms.ChoiceField(label=_("Date"))
    source_column = forms.ChoiceField(label=_("Source"), required=False)
    author_column = forms.ChoiceField(
        label=_("Author handle"),
        required=False,
        help_text=_("Kept only as a keyed hash, to count distinct authors."),
    )
    url_column = forms.ChoiceField(label=_("URL"), required=False)
    source_name = forms.CharField(
        label=_("Source name"),
        max_length=SIGNAL_SOURCE_MAX_LENGTH,
        required=False,
        help_text=_("Used when the file has no source column, or a row's source is empty."),
    )
    skip_rejected = forms.BooleanField(
        label=_("Import the valid rows even if some are rejected"),
        required=False,
        help_text=_(
            "Off: one rejected row and nothing is imported, so you can correct the file. The "
            "report lists the rejected rows and why either way."
        ),
    )

    def __init__(self, *args: Any, header: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        columns = [(name, name) for name in header if name]
        none = [("", _("(none)"))]
        for name in ("text_column", "date_column"):
            self.fields[name].choices = [("", _("Choose a column")), *columns]  # type: ignore[attr-defined]
        for name in ("source_column", "author_column", "url_column"):
            self.fields[name].choices = none + columns  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mapping = ColumnMapping(**{n: data.get(f"{n}_column") or "" for n in FIELDS})
        if mapping.repeated():
            raise forms.ValidationError(_("Each column can be used for one field only."))
        if not data.get("source_column") and not (data.get("source_name") or "").strip():
            self.add_error("source_name", _("Name the source, or choose a source column."))
        return data

    def mapping(self) -> ColumnMapping:
        data = self.cleaned_data
        return ColumnMapping(
            text=data["text_column"],
            date=data["date_column"],
            source=data.get("source_column") or "",
            author=data.get("author_column") or "",
            url=data.get("url_column") or "",
            source_name=(data.get("source_name") or "").strip(),
        )
