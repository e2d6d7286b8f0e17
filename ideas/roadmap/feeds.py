"""Atom feeds of official answers: the roadmap's (ideas moved to Planned, In progress or Done),
the changelog's (ideas adopted), and the base of community's feed of every answer
(community.feeds.views.StatusUpdatesFeed). Authors appear by display name only."""

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ideas.models import Status, StatusChange
from ideas.rendering import without_control_characters
from ideas.roadmap.selectors import ROADMAP_STATUSES, adopted_ideas, current_answers

FEED_LENGTH = 30


class Atom(Atom1Feed):
    """Atom, with the characters XML cannot hold left out of every entry's text (a title typed
    with a control character would otherwise stop the whole feed with a 500)."""

    def add_item(self, **item: Any) -> None:  # type: ignore[override]
        for name, value in item.items():
            if isinstance(value, str):
                item[name] = without_control_characters(value)
            elif isinstance(value, list | tuple):
                item[name] = [
                    without_control_characters(v) if isinstance(v, str) else v for v in value
                ]
        super().add_item(**item)


class OfficialAnswersFeed(Feed):
    """One entry per official answer (StatusChange): "<idea>: <status>", the answer as content."""

    feed_type = Atom

    def item_title(self, item: StatusChange) -> str:
        return _("%(title)s: %(status)s") % {
            "title": item.idea.title,
            "status": Status(item.to_status).label,
        }

    def item_description(self, item: StatusChange) -> str:
        return item.response_html  # sanitised when the answer was saved

    def item_link(self, item: StatusChange) -> str:
        return item.idea.get_absolute_url() + "#history"

    def item_guid(self, item: StatusChange) -> str:
        # One idea has several answers: the link alone would not tell them apart.
        return f"{item.idea.get_absolute_url()}#status-{item.pk}"

    def get_feed(self, obj: Any, request: HttpRequest) -> Any:
        feed = super().get_feed(obj, request)
        for entry in feed.items:  # Atom ids must be absolute; Feed only completes the links
            entry["unique_id"] = request.build_absolute_uri(entry["unique_id"])
        return feed

    def item_pubdate(self, item: StatusChange) -> datetime:
        return item.created_at

    def item_updateddate(self, item: StatusChange) -> datetime:
        return item.created_at  # Atom asks every entry for one; an answer is not edited

    def item_author_name(self, item: StatusChange) -> str | None:
        return item.changed_by.display_name or None

    def item_categories(self, item: StatusChange) -> list[str]:
        return [item.idea.category.name]


class RoadmapFeed(OfficialAnswersFeed):
    title = gettext_lazy("Ruche: roadmap")
    subtitle = gettext_lazy("Ideas the bank has planned, started or delivered.")

    def link(self, obj: Any = None) -> str:
        return reverse("roadmap:roadmap")

    def items(self, obj: Any = None) -> list[StatusChange]:
        answers = [a for s in ROADMAP_STATUSES for a in current_answers(s)[:FEED_LENGTH]]
        return sorted(answers, key=lambda a: (a.created_at, a.pk), reverse=True)[:FEED_LENGTH]


class AdoptedIdeasFeed(OfficialAnswersFeed):
    title = gettext_lazy("Ruche: you asked, we did")
    subtitle = gettext_lazy("Ideas from members that the bank has delivered, with its answer.")

    def link(self, obj: Any = None) -> str:
        return reverse("roadmap:changelog")

    def items(self, obj: Any = None) -> list[StatusChange]:
        return list(adopted_ideas()[:FEED_LENGTH])

    def item_title(self, item: StatusChange) -> str:
        return item.idea.title
