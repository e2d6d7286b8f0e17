from django.urls import path

from community.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="mine"),
    path("new/", views.complaint_create, name="create"),
    path("<str:reference>/", views.complaint_detail, name="detail"),
]
