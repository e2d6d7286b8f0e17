from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import COMMENT_MAX_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Be kind. Markdown: **bold**, *italics*, lists."),
    )
