from django.urls import path

from community.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("new/", views.endpoint_create, name="create"),
    path("<int:pk>/", views.endpoint_detail, name="detail"),
    path("<int:pk>/edit/", views.endpoint_edit, name="edit"),
    path("<int:pk>/rotate-secret/", views.endpoint_rotate, name="rotate"),
    path("<int:pk>/disable/", views.endpoint_disable, name="disable"),
    path("<int:pk>/enable/", views.endpoint_enable, name="enable"),
    path("<int:pk>/test/", views.endpoint_test, name="test"),
    path("deliveries/<int:pk>/", views.delivery_detail, name="delivery"),
    path("deliveries/<int:pk>/resend/", views.delivery_resend, name="resend"),
]
