from django.urls import path

from accounts import token_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("my-data.json", views.data_download, name="data_download"),
    path("delete/", views.delete, name="delete"),
    path("goodbye/", views.goodbye, name="goodbye"),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke_view, name="token_revoke"),
]
