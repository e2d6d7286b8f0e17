from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.models import RetentionRun
from accounts.retention_schedule import SCHEDULE, retention_days
from community.models import AuditEntry, Comment, Flag
from config.admin import KeptAdmin, RecordAdmin
from ideas.models import Campaign


@admin.register(Campaign)
class CampaignAdmin(KeptAdmin):
    """Campaigns are created and edited on the site (community.campaigns.services renders the
    description and checks the banner); here only the pre-moderation switch changes."""

    list_display = ("title", "starts_at", "ends_at", "partners_only", "premoderated")
    list_editable = ("premoderated",)
    list_filter = ("premoderated", "partners_only")
    search_fields = ("title",)
    fields = ("title", "slug", "starts_at", "ends_at", "category", "partners_only", "premoderated")
    readonly_fields = ("title", "slug", "starts_at", "ends_at", "category", "partners_only")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(KeptAdmin):
    """What the author wrote is read-only: the services mask personal data and render the
    Markdown, which a change here would skip. Moderators remove comments on the site."""

    list_display = ("idea", "author", "created_at", "removed_at")
    search_fields = ("body",)
    raw_id_fields = ("idea", "author", "removed_by")
    # by_staff says what its author was when they wrote it: a fact the answer figures count.
    readonly_fields = ("body", "body_html", "by_staff")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Flag)
class FlagAdmin(KeptAdmin):
    """The reporter's note is theirs (and may be erased with their account): read-only."""

    list_display = ("idea", "comment", "reporter", "reason", "created_at", "resolution")
    list_filter = ("reason", "resolution")
    raw_id_fields = ("idea", "comment", "reporter", "resolved_by")
    readonly_fields = ("note",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # members report on the site (one open report per person and item)


@admin.register(AuditEntry)
class AuditEntryAdmin(RecordAdmin):
    """Read-only: the log is only written by the services, never edited or deleted here."""

    list_display = ("created_at", "actor", "action", "target_type", "target_id", "summary")
    list_filter = ("action", "target_type")
    search_fields = ("summary",)


@admin.register(RetentionRun)
class RetentionRunAdmin(RecordAdmin):
    """The retention schedule (each kind of personal data, why, on which basis, how long) above
    the runs of the daily purge and their counts. Read-only: periods are set in the environment
    (RETENTION_DAYS), runs are written by the purge only."""

    change_list_template = "admin/accounts/retentionrun/change_list.html"
    list_display = ("ran_at", "as_of", "counts")

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        rows = [(rule, retention_days(rule.kind)) for rule in SCHEDULE]
        return super().changelist_view(request, {**(extra_context or {}), "schedule": rows})
