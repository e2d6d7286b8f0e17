"""/api/v1/ (the resources), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI from the
sidecar wheel, no CDN; its start-up script is a file of its own, so the site's CSP holds).

One block per concept, each view in the module of its concept; the JSON 404 stays last."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from community.api import campaigns, moderation, notifications, signals, views

app_name = "api"

ideas = [
    path("v1/ideas/", views.IdeaListView.as_view(), name="ideas"),
    path("v1/ideas/<int:pk>/", views.IdeaDetailView.as_view(), name="idea"),
    path("v1/ideas/<int:pk>/vote/", views.IdeaVoteView.as_view(), name="idea_vote"),
    path("v1/ideas/<int:pk>/status/", views.IdeaStatusView.as_view(), name="idea_status"),
    path("v1/ideas/<int:pk>/comments/", views.IdeaCommentsView.as_view(), name="idea_comments"),
    path("v1/categories/", views.CategoryListView.as_view(), name="categories"),
    path("v1/categories/<str:slug>/", views.CategoryDetailView.as_view(), name="category"),
]
campaign_urls = [
    path("v1/campaigns/", campaigns.CampaignListView.as_view(), name="campaigns"),
    path("v1/campaigns/<slug:slug>/", campaigns.CampaignDetailView.as_view(), name="campaign"),
]
member_urls = [
    path("v1/me/", views.MeView.as_view(), name="me"),
    path(
        "v1/notifications/",
        notifications.NotificationListView.as_view(),
        name="notifications",
    ),
    path(
        "v1/notifications/read/",
        notifications.NotificationReadView.as_view(),
        name="notifications_read",
    ),
]
staff = [
    path("v1/themes/", views.ThemeListView.as_view(), name="themes"),
    path("v1/themes/<int:pk>/", views.ThemeDetailView.as_view(), name="theme"),
    path("v1/themes/outside/", signals.OutsideOnlyListView.as_view(), name="themes_outside"),
    path("v1/signals/imports/", signals.SignalImportView.as_view(), name="signal_imports"),
    path(
        "v1/moderation/reported/",
        moderation.ReportedListView.as_view(),
        name="moderation_reported",
    ),
    path(
        "v1/moderation/waiting/",
        moderation.WaitingListView.as_view(),
        name="moderation_waiting",
    ),
    path(
        "v1/moderation/ideas/<int:pk>/<slug:action>/",
        moderation.IdeaActionView.as_view(),
        name="moderation_idea_action",
    ),
    path(
        "v1/moderation/comments/<int:pk>/<slug:action>/",
        moderation.CommentActionView.as_view(),
        name="moderation_comment_action",
    ),
]
schema = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
]

urlpatterns = [
    *ideas,
    *campaign_urls,
    *member_urls,
    *staff,
    *schema,
    # Last: a JSON 404 for anything else, newlines included (`.` would stop at one).
    re_path(r"^(?P<rest>[\s\S]*)\Z", views.not_found),
]
