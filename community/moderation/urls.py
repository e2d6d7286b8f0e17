from django.urls import path

from community.complaints import views as complaint_views
from community.moderation import member_views, merge_views, views
from community.moderation.vote_rings import views as ring_views

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("needs-answer/", views.needs_answer, name="needs_answer"),
    path("ideas/<int:pk>/<slug:action>/", views.idea_action, name="idea_action"),
    path("comments/<int:pk>/<slug:action>/", views.comment_action, name="comment_action"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/exports/", views.audit_export, name="audit_export"),
    path(
        "audit/exports/<int:pk>/download/",
        views.audit_export_download,
        name="audit_export_download",
    ),
    path("merge/<int:pk>/", merge_views.merge_pick, name="merge_pick"),
    path(
        "merge/<int:pk>/into/<int:target_pk>/",
        merge_views.merge_confirm,
        name="merge_confirm",
    ),
    path("members/<int:pk>/", member_views.member_detail, name="member"),
    path("members/<int:pk>/suspend/", member_views.member_suspend, name="member_suspend"),
    path("members/<int:pk>/ban/", member_views.member_ban, name="member_ban"),
    path("members/<int:pk>/reinstate/", member_views.member_reinstate, name="member_reinstate"),
    path("vote-rings/", ring_views.vote_rings, name="vote_rings"),
    path(
        "vote-rings/<int:pk>/<slug:action>/",
        ring_views.vote_ring_action,
        name="vote_ring_action",
    ),
    path("complaints/", complaint_views.complaint_queue, name="complaints"),
    path("complaints/<int:pk>/", complaint_views.complaint_staff_detail, name="complaint"),
    path(
        "complaints/<int:pk>/acknowledge/",
        complaint_views.complaint_acknowledge,
        name="complaint_acknowledge",
    ),
    path("complaints/<int:pk>/answer/", complaint_views.complaint_answer, name="complaint_answer"),
    path(
        "complaints/from-idea/<int:pk>/",
        complaint_views.complaint_convert,
        name="complaint_convert",
    ),
]
