from django.contrib import admin

from community.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("idea", "author", "created_at", "removed_at")
    search_fields = ("body",)
    raw_id_fields = ("idea", "author", "removed_by")
    readonly_fields = ("body_html",)
