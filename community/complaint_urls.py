from django.urls import path

from community import complaint_views as views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="mine"),
    path("new/", views.complaint_create, name="create"),
    path("<str:reference>/", views.complaint_detail, name="detail"),
]
