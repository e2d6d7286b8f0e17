from django.urls import path

from accounts import views

app_name = "members"
urlpatterns = [
    path("<int:pk>/", views.member_profile, name="detail"),
]
