from django.urls import path

from ideas.themes import views

app_name = "themes"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("map/", views.theme_map, name="map"),
    path("export.csv", views.export_csv, name="export"),
    path("rerun/", views.rerun, name="rerun"),
    path("<int:pk>/", views.theme_detail, name="detail"),
]
