"""`{% flag_form action %}` and `{% comment_form form %}`: the report and comment forms of an
idea page, kept rendered when empty (community.page_forms)."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from community import page_forms

register = template.Library()


@register.simple_tag(takes_context=True)
def flag_form(context: template.Context, action: str) -> SafeString:
    return page_forms.flag_form(context, action)


@register.simple_tag(takes_context=True)
def comment_form(context: template.Context, form: Any) -> SafeString:
    return page_forms.comment_form(context, form)
