from django.urls import path

from config.page_cache import anonymous_page
from ideas.roadmap import feeds, views

app_name = "roadmap"
urlpatterns = [
    path("roadmap/", views.roadmap, name="roadmap"),
    path("roadmap/feed/", anonymous_page(feeds.RoadmapFeed()), name="roadmap_feed"),
    path("changelog/", views.changelog, name="changelog"),
    path("changelog/feed/", anonymous_page(feeds.AdoptedIdeasFeed()), name="changelog_feed"),
]
