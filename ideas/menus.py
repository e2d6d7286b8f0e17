"""The idea list's filter form (sort, category and status menus, search box) and the home page's
category menu, kept rendered per process (config.kept) by everything they show: the language,
each category's slug, name, count (and description on home), and for the form the chosen sort,
search text, category and status and whether full-text search is on.

The menus were about a third of the template work of a signed-in list page around its cards
(docs/benchmarks.md). The categories and their counts are read for every page anyway
(ideas.list_rows.categories_with_counts, one compiled statement), so they are the key itself: a
new or renamed category, or a count that moved, is another key and shows at once; nothing is
invalidated. The form holds nothing of the visitor (a GET form, no CSRF token).
"""

from collections.abc import Iterable
from typing import Any, NamedTuple

from django.template import Context
from django.utils.safestring import SafeString, mark_safe

from config import kept
from config.kept import render_in
from ideas.models import Status

TEMPLATE = "ideas/_list_filters.html"
CATEGORY_MENU = "ideas/_category_menu.html"


class MenuCategory(NamedTuple):
    """What a category menu shows of a category (ideas.list_rows.categories_with_counts)."""

    pk: int
    slug: str
    name: str
    idea_count: Any
    description: str = ""


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
