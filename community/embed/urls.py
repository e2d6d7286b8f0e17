from django.urls import path

from community.embed import views

app_name = "embed"
urlpatterns = [
    path("", views.widget, name="widget"),
    path("similar/", views.similar, name="similar"),
    path("ideas/<int:pk>/vote/", views.vote, name="vote"),
]
