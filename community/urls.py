from django.urls import path

from community import views

app_name = "community"
urlpatterns = [
    path("ideas/<int:idea_pk>/comments/", views.comment_create, name="comment_create"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/remove/", views.comment_remove, name="comment_remove"),
]
