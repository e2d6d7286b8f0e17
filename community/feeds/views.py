"""Atom feeds: new ideas (all, by category, by campaign) and staff's official responses.

Authors appear by display name only: a feed never carries an email address.
"""

from datetime import datetime
from html import unescape
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.campaigns.selectors import campaign_get
from ideas.models import Campaign, Category, Idea, StatusChange, public_q
from ideas.roadmap.feeds import Atom, OfficialAnswersFeed

FEED_LENGTH = 30


def _recent_ideas() -> QuerySet[Idea]:
    return Idea.objects.public().select_related("author", "category").order_by("-created_at", "-pk")


class NewIdeasFeed(Feed):
    feed_type = Atom
    title = gettext_lazy("Ruche: new ideas")
    subtitle = gettext_lazy("The latest ideas submitted by members and partners.")

    def link(self, obj: Any = None) -> str:
        return reverse("ideas:list") + "?sort=new"

    def items(self, obj: Any = None) -> QuerySet[Idea]:
        return _recent_ideas()[:FEED_LENGTH]

    def item_title(self, item: Idea) -> str:
        return item.title

    def item_description(self, item: Idea) -> str:
        return item.body_html  # sanitised when the idea was saved

    def item_link(self, item: Idea) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Idea) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Idea) -> datetime:
        return item.updated_at

    def item_author_name(self, item: Idea) -> str | None:
        # The display name, never str(user), which falls back to the email's local part.
        return item.author.display_name or None

    def item_categories(self, item: Idea) -> list[str]:
        return [item.category.name]


class CategoryIdeasFeed(NewIdeasFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Category:  # type: ignore[override]
        return get_object_or_404(Category, slug=slug)

    def title(self, obj: Category) -> str:  # type: ignore[override]
        return _("Ruche: new ideas in %(category)s") % {"category": obj.name}

    def link(self, obj: Any = None) -> str:
        return reverse("ideas:list") + f"?sort=new&category={obj.slug}"

    def items(self, obj: Any = None) -> QuerySet[Idea]:
        return _recent_ideas().filter(category=obj)[:FEED_LENGTH]


class CampaignIdeasFeed(NewIdeasFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Campaign:  # type: ignore[override]
        return campaign_get(slug=slug)

    def title(self, obj: Campaign) -> str:  # type: ignore[override]
        return _("Ruche: ideas for the campaign “%(title)s”") % {"title": obj.title}

    def subtitle(self, obj: Campaign) -> str:  # type: ignore[override]
        return Truncator(unescape(strip_tags(obj.description_html))).chars(200)

    def link(self, obj: Any = None) -> str:
        return obj.get_absolute_url() + "?sort=new"

    def items(self, obj: Any = None) -> QuerySet[Idea]:
        return _recent_ideas().filter(campaign=obj)[:FEED_LENGTH]


class StatusUpdatesFeed(OfficialAnswersFeed):
    title = gettext_lazy("Ruche: answers from our teams")
    subtitle = gettext_lazy("Official responses from the bank's staff as ideas change status.")

    def link(self, obj: Any = None) -> str:
        return reverse("ideas:home")

    def items(self, obj: Any = None) -> QuerySet[StatusChange]:
        return (
            StatusChange.objects.filter(public_q("idea__"))
            .select_related("idea__category", "changed_by")
            .order_by("-created_at", "-pk")[:FEED_LENGTH]
        )
