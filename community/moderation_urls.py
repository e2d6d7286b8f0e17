from django.urls import path

from community import moderation_views as views

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("needs-answer/", views.needs_answer, name="needs_answer"),
    path("ideas/<int:pk>/<slug:action>/", views.idea_action, name="idea_action"),
    path("comments/<int:pk>/<slug:action>/", views.comment_action, name="comment_action"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
]
