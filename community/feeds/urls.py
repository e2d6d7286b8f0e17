from django.urls import path

from community.feeds import views as feeds
from config.page_cache import anonymous_page

app_name = "feeds"
urlpatterns = [
    path("ideas/", anonymous_page(feeds.NewIdeasFeed()), name="ideas"),
    path("categories/<slug:slug>/", anonymous_page(feeds.CategoryIdeasFeed()), name="category"),
    path("campaigns/<slug:slug>/", anonymous_page(feeds.CampaignIdeasFeed()), name="campaign"),
    path("status-updates/", anonymous_page(feeds.StatusUpdatesFeed()), name="status_updates"),
]
