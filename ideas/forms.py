from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ideas.clustering.text import language_scores
from ideas.models import (
    BODY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Campaign,
    Category,
    Idea,
    Language,
    Status,
)
from ideas.selectors import SORTS


def _is_slug(text: str) -> bool:
    try:
        validate_slug(text)
    except ValidationError:
        return False
    return True


class SlugChoiceField(forms.ModelChoiceField):
    """A choice of rows named by their slug. A value that cannot be a slug (a NUL byte the
    database refuses in any query, a stray character) is an invalid choice before any query."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(to_field_name="slug", **kwargs)

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _is_slug(str(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


def active_language() -> str:
    """The page's language as a `Language` value."""
    return "fr" if (get_language() or "").startswith("fr") else "en"


def written_in(text: str) -> str:
    """The language `text` is written in, French or English, by its accents and function words;
    the page's language where the text gives no evidence either way ("Apple Pay")."""
    french, english = language_scores(text)
    if french == english:
        return active_language()
    return "fr" if french > english else "en"


class IdeaForm(forms.Form):
    """An idea's text, category and language: the language is read from the text unless the
    member chooses it, so a French idea posted from the English pages is searched, suggested and
    named in French."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("One sentence that says what you would like."),
    )
    body = forms.CharField(
        label=_("Description"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What problem does it solve for you? Markdown: **bold**, *italics*, lists."),
    )
    # No category chosen in advance: one skipped would file the idea under the first unnoticed.
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), empty_label=_("Choose a category")
    )
    language = forms.ChoiceField(
        label=_("Language of your idea"),
        choices=[("", _("Read from my text")), *Language.choices],
        required=False,
    )

    @staticmethod
    def initial_for(idea: Idea) -> dict[str, Any]:
        """The edit form of an idea as stored. Its language shows "Read from my text" where that
        is what the text reads as, so that an idea rewritten in the other language is read again;
        a language the member chose against the text stays chosen."""
        text = f"{idea.title}\n{idea.body}"
        read = written_in(text) == idea.language
        return {
            "title": idea.title,
            "body": idea.body,
            "category": idea.category,
            "language": "" if read else idea.language,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("language") and "title" in cleaned:
            cleaned["language"] = written_in(f"{cleaned['title']}\n{cleaned.get('body', '')}")
        return cleaned


class IdeaCreateForm(IdeaForm):
    """A new idea, optionally submitted into a campaign (`?campaign=<slug>` preselects it).

    The choices are the campaigns that have not ended, plus the one asked for even if it has:
    idea_create then refuses it with a message that says why, shown on this field.
    """

    campaign = SlugChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("No campaign"),
    )
    field_order = ["campaign", "title", "body", "category", "language"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.data if self.is_bound else self.initial
        asked = str(source.get("campaign") or "")
        if not _is_slug(asked):
            asked = ""  # the field says why when the form is posted
        field = self.fields["campaign"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Campaign.objects.filter(
            Q(ends_at__gt=timezone.now()) | Q(slug=asked)
        ).order_by("ends_at", "pk")
        if not asked and not field.queryset.exists():
            del self.fields["campaign"]  # no campaign running: the usual form
        elif asked and not self.is_bound and "category" not in self.initial:
            chosen = field.queryset.filter(slug=asked, category__isnull=False).first()
            if chosen is not None:
                self.initial["category"] = chosen.category_id


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    response = forms.CharField(
        label=_("Official response"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Public: shown on the idea and sent to its author."),
    )


class IdeaFilterForm(forms.Form):
    """Query-string filters for the idea list; bad values fall back to defaults."""

    sort = forms.ChoiceField(choices=[(s, s) for s in SORTS], required=False)
    category = SlugChoiceField(queryset=Category.objects.all(), required=False)
    status = forms.ChoiceField(choices=Status.choices, required=False)
    q = forms.CharField(max_length=100, required=False)
