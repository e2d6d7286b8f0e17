from django.urls import path

from community import moderation_views, views

app_name = "community"
urlpatterns = [
    path("ideas/<int:idea_pk>/comments/", views.comment_create, name="comment_create"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/remove/", views.comment_remove, name="comment_remove"),
    path("ideas/<int:idea_pk>/flag/", moderation_views.idea_flag, name="idea_flag"),
    path("comments/<int:pk>/flag/", moderation_views.comment_flag, name="comment_flag"),
    path("ideas/<int:idea_pk>/follow/", views.idea_follow, name="idea_follow"),
    path("categories/<slug:slug>/follow/", views.category_follow, name="category_follow"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/settings/", views.notification_preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
]
