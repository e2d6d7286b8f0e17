from django.urls import path

from community.comments import views as comment_views
from community.moderation import views as moderation_views
from community.notifications import views as notification_views
from community.recognition import views as recognition_views

app_name = "community"
urlpatterns = [
    path("ideas/<int:idea_pk>/comments/", comment_views.comment_create, name="comment_create"),
    path("comments/<int:pk>/edit/", comment_views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/remove/", comment_views.comment_remove, name="comment_remove"),
    path("ideas/<int:idea_pk>/flag/", moderation_views.idea_flag, name="idea_flag"),
    path("comments/<int:pk>/flag/", moderation_views.comment_flag, name="comment_flag"),
    path("ideas/<int:idea_pk>/follow/", notification_views.idea_follow, name="idea_follow"),
    path(
        "categories/<slug:slug>/follow/",
        notification_views.category_follow,
        name="category_follow",
    ),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/read/", notification_views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/", notification_views.notification_open, name="notification_open"),
    path(
        "notifications/settings/", notification_views.notification_preferences, name="preferences"
    ),
    path("unsubscribe/<str:token>/", notification_views.unsubscribe, name="unsubscribe"),
    path("leaderboard/", recognition_views.leaderboard, name="leaderboard"),
]
