from typing import Any

from django import template

from ideas.cards import idea_cards as render_cards
from ideas.idea_text import idea_text as render_text
from ideas.page_parts import category_menu as render_category_menu
from ideas.page_parts import filter_form, latest_answers

register = template.Library()


@register.simple_tag(takes_context=True)
def idea_cards(context: template.Context, ideas: Any, heading_level: str = "3") -> str:
    """`{% idea_cards page heading_level="2" %}`: the ideas' cards (ideas.cards), "" if none."""
    return render_cards(ideas, context=context, heading_level=heading_level)


@register.simple_tag(takes_context=True)
def idea_text(context: template.Context, idea: Any) -> str:
    """`{% idea_text idea %}`: the idea page's text and status history (ideas.idea_text)."""
    return render_text(idea, context=context)


@register.simple_tag(takes_context=True)
def idea_filters(context: template.Context) -> str:
    """`{% idea_filters %}`: the idea list's filter form (ideas.page_parts)."""
    return filter_form(context)


@register.simple_tag(takes_context=True)
def category_menu(context: template.Context, categories: Any) -> str:
    """`{% category_menu categories %}`: the home page's categories (ideas.page_parts)."""
    return render_category_menu(context, categories)


@register.simple_tag(takes_context=True)
def idea_latest_answers(context: template.Context, changes: Any) -> str:
    """`{% idea_latest_answers status_updates %}`: the home page's answers (ideas.page_parts)."""
    return latest_answers(context, changes)
