"""`{% site_header %}` and `{% site_footer %}`: the page shell of templates/base.html, kept
rendered per language, role and page (config/page_shell.py)."""

from django import template
from django.template import Context
from django.utils.safestring import SafeString

from config import page_shell

register = template.Library()


@register.simple_tag(takes_context=True)
def site_header(context: Context) -> SafeString:
    return page_shell.site_header(context)


@register.simple_tag(takes_context=True)
def site_footer(context: Context) -> SafeString:
    return page_shell.site_footer(context)
