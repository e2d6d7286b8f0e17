from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.admin import KeptAdmin
from ideas.models import Category, Idea, MaskedOriginal, StatusChange


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_en", "name_fr", "position", "premoderated")
    list_editable = ("premoderated",)
    list_filter = ("premoderated",)
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Idea)
class IdeaAdmin(KeptAdmin):
    list_display = (
        "title",
        "author",
        "category",
        "status",
        "vote_count",
        "comment_count",
        "created_at",
    )
    list_filter = ("status", "category", "language")
    search_fields = ("title", "body")
    # Counts and status change only through the services, which keep them consistent. What the
    # author wrote too: the services mask personal data and render the Markdown, which a change
    # here would skip (a card number "removed" here stayed on the page and in the feeds).
    # Moderators hide, restore and merge on the site.
    readonly_fields = ("title", "body", "body_html", "status", "vote_count", "comment_count")
    raw_id_fields = ("author",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # members post through the site (masking, rendering, pre-moderation)


@admin.register(StatusChange)
class StatusChangeAdmin(KeptAdmin):
    list_display = ("idea", "from_status", "to_status", "changed_by", "created_at")
    readonly_fields = [f.name for f in StatusChange._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(MaskedOriginal)
class MaskedOriginalAdmin(admin.ModelAdmin):
    """Texts as typed before personal data was masked (kept only when PII_KEEP_ORIGINALS_DAYS >
    0): superusers only, read-only. They may delete a row early, e.g. when its author asks."""

    list_display = ("created_at", "target", "field", "masked_kinds", "delete_after")
    list_filter = ("field",)
    list_select_related = ("idea",)
    fields = (
        "idea",
        "comment",
        "status_change",
        "campaign",
        "typed_by",
        "field",
        "kinds",
        "original",
        "created_at",
        "delete_after",
    )
    readonly_fields = fields
    raw_id_fields = ("idea", "comment", "status_change", "campaign", "typed_by")

    @admin.display(description=_("of"))
    def target(self, obj: MaskedOriginal) -> str:
        if obj.campaign_id:
            return gettext("Campaign #%(pk)s") % {"pk": obj.campaign_id}
        if obj.comment_id:
            return gettext("Comment #%(pk)s on idea #%(idea)s") % {
                "pk": obj.comment_id,
                "idea": obj.idea_id,
            }
        if obj.status_change_id:
            return gettext("Official response #%(pk)s on idea #%(idea)s") % {
                "pk": obj.status_change_id,
                "idea": obj.idea_id,
            }
        return gettext("Idea #%(pk)s") % {"pk": obj.idea_id}

    @admin.display(description=_("masked"))
    def masked_kinds(self, obj: MaskedOriginal) -> str:
        return ", ".join(obj.kinds)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)
