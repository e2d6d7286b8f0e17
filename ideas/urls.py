from django.urls import path

from ideas import views
from ideas.themes.views import similar

app_name = "ideas"
urlpatterns = [
    path("", views.home, name="home"),
    path("ideas/", views.idea_list, name="list"),
    path("ideas/new/", views.idea_create, name="create"),
    path("ideas/mine/", views.my_ideas, name="mine"),
    path("ideas/similar/", similar, name="similar"),
    path("ideas/<int:pk>/", views.idea_detail, name="detail"),
    path("ideas/<int:pk>/edit/", views.idea_edit, name="edit"),
    path("ideas/<int:pk>/vote/", views.idea_vote, name="vote"),
    path("ideas/<int:pk>/status/", views.idea_change_status, name="change_status"),
]
