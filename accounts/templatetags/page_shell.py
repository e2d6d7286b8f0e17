"""`{% site_header %}` and `{% site_footer %}`: the page shell of templates/base.html, kept
rendered per language, role and page (config/page_shell.py)."""

from django import template
from django.template import Context
from django.utils.safestring import SafeString, mark_safe

from config import kept, page_shell

register = template.Library()


@register.simple_tag(takes_context=True)
def site_header(context: Context) -> SafeString:
    return page_shell.site_header(context)


@register.simple_tag(takes_context=True)
def site_footer(context: Context) -> SafeString:
    return page_shell.site_footer(context)


@register.simple_tag(takes_context=True)
def kept_include(context: Context, template_name: str) -> SafeString:
    """`{% kept_include "name.html" %}`: an include for a template that shows nothing of the
    request but the language and URLs (its links, its words), kept rendered (config.kept)."""
    if not kept.on():
        return mark_safe(kept.render_in(context, template_name))  # noqa: S308 (a template's output)
    return kept.rendered(template_name)
