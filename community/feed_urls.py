from django.urls import path

from community import feeds

app_name = "feeds"
urlpatterns = [
    path("ideas/", feeds.NewIdeasFeed(), name="ideas"),
    path("categories/<slug:slug>/", feeds.CategoryIdeasFeed(), name="category"),
    path("campaigns/<slug:slug>/", feeds.CampaignIdeasFeed(), name="campaign"),
    path("status-updates/", feeds.StatusUpdatesFeed(), name="status_updates"),
]
