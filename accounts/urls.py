from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("my-data.json", views.data_download, name="data_download"),
    path("delete/", views.delete, name="delete"),
    path("goodbye/", views.goodbye, name="goodbye"),
]
