"""Parts of the idea list and the home page kept rendered per process (config.kept) by
everything they show, so that nothing needs invalidating: a changed value is another key.

- the list's filter form (sort, category and status menus, search box): the language, the chosen
  sort, search text, category and status, whether full-text search is on, and each category's
  slug, name and count;
- the home page's category menu: each category's slug, name, count and description;
- the home page's latest official answers: each one's idea (link, title), status and how long
  ago ("3 hours ago", so the part is rendered again at most when that text changes).

The menus were about a third of the template work of a signed-in list page around its cards
(docs/benchmarks.md). The categories and their counts, and the answers, are read for every page
anyway (ideas.list_rows, compiled statements), so they are the key itself: a new or renamed
category, a count that moved or a new answer shows at once. None holds anything of the visitor
(the form is a GET form, no CSRF token).
"""

from collections.abc import Iterable
from typing import Any, NamedTuple

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template import Context
from django.utils.safestring import SafeString, mark_safe

from config import kept
from config.kept import render_in
from ideas.models import Status

TEMPLATE = "ideas/_list_filters.html"
CATEGORY_MENU = "ideas/_category_menu.html"
LATEST_ANSWERS = "ideas/_latest_answers.html"


class MenuCategory(NamedTuple):
    """What a category menu shows of a category (ideas.list_rows.categories_with_counts)."""

    pk: int
    slug: str
    name: str
    idea_count: Any
    description: str = ""


class Answer(NamedTuple):
    """What the home page shows of an official answer (ideas.list_rows.recent_answers)."""

    url: str
    title: str
    status: str
    label: str
    when: str  # humanize's naturaltime, in the active language


class Chosen(NamedTuple):
    q: str | None
    status: str | None
    category: MenuCategory | None


def menu_categories(
    categories: Iterable[Any], *, description: bool = False
) -> tuple[MenuCategory, ...]:
    return tuple(
        MenuCategory(c.pk, c.slug, c.name, c.idea_count, c.description if description else "")
        for c in categories
    )


def filter_form(context: Context) -> SafeString:
    """The form as `ideas/_list_filters.html` renders it in the list page's `context`."""
    if not kept.on() or not context.autoescape:
        return mark_safe(render_in(context, TEMPLATE))  # noqa: S308 (a template's output)
    chosen = context.get("chosen") or {}
    categories = menu_categories(context.get("categories") or ())
    category = chosen.get("category")
    # The chosen category compares equal (`==`) to its own entry of the menu only.
    picked = next((c for c in categories if category is not None and c.pk == category.pk), None)
    return kept.rendered(
        TEMPLATE,
        sort=context.get("sort"),
        full_text=bool(context.get("full_text")),
        chosen=Chosen(chosen.get("q"), chosen.get("status"), picked),
        categories=categories,
        statuses=tuple(Status.choices),
    )


def category_menu(context: Context, categories: Iterable[Any]) -> SafeString:
    """The home page's list of categories with their counts and descriptions."""
    if not kept.on() or not context.autoescape:
        html = render_in(context, CATEGORY_MENU, categories=categories)
        return mark_safe(html)  # noqa: S308 (a template's output)
    return kept.rendered(CATEGORY_MENU, categories=menu_categories(categories, description=True))


def latest_answers(context: Context, changes: Iterable[Any]) -> SafeString:
    """The home page's latest official answers, with their status and how long ago."""
    answers = tuple(
        Answer(
            c.idea.get_absolute_url(),
            c.idea.title,
            c.to_status,
            str(c.get_to_status_display()),
            naturaltime(c.created_at),
        )
        for c in changes
    )
    if not kept.on() or not context.autoescape:
        html = render_in(context, LATEST_ANSWERS, answers=answers)
        return mark_safe(html)  # noqa: S308 (a template's output)
    return kept.rendered(LATEST_ANSWERS, answers=answers)
