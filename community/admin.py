from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from community.models import AuditEntry, Comment, Flag


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("idea", "author", "created_at", "removed_at")
    search_fields = ("body",)
    raw_id_fields = ("idea", "author", "removed_by")
    readonly_fields = ("body_html",)


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ("idea", "comment", "reporter", "reason", "created_at", "resolution")
    list_filter = ("reason", "resolution")
    raw_id_fields = ("idea", "comment", "reporter", "resolved_by")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is only written by the services, never edited or deleted here."""

    list_display = ("created_at", "actor", "action", "target_type", "target_id", "summary")
    list_filter = ("action", "target_type")
    search_fields = ("summary",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
