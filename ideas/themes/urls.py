from django.urls import path

from ideas.outside import views as outside
from ideas.themes import views

app_name = "themes"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("map/", views.theme_map, name="map"),
    path("export.csv", views.export_csv, name="export"),
    path("rerun/", views.rerun, name="rerun"),
    path("granularity/", views.granularity, name="granularity"),
    path("<int:pk>/", views.theme_detail, name="detail"),
    # Outside feedback (ideas.outside): upload, map the columns, the report.
    path("signals/", outside.upload, name="signals"),
    path("signals/<int:pk>/columns/", outside.map_columns, name="signals_map"),
    path("signals/<int:pk>/", outside.report, name="signals_report"),
]
