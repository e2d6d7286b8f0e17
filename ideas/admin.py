from django.contrib import admin

from ideas.models import Category, Idea, StatusChange


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_en", "name_fr", "position")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
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
    # Counts and status change only through the services, which keep them consistent.
    readonly_fields = ("status", "vote_count", "comment_count", "body_html")
    raw_id_fields = ("author",)


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ("idea", "from_status", "to_status", "changed_by", "created_at")
    readonly_fields = [f.name for f in StatusChange._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
