from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static as static_url
from django.urls import URLPattern, URLResolver, include, path

from accounts.views import language_switch
from config.branding import brand_css

# /health/live, /health/ready (and the old /healthz) and /metrics are answered by
# config.ops.endpoints.OpsEndpointsMiddleware, ahead of host checks and sessions.
handler500 = "config.ops.errors.server_error"  # branded 500; 503 + Retry-After for outages


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Pages that name no icon (the Django admin's, a feed read in a browser) ask for this one.
    Not a permanent redirect: the icon's name changes with its content in production."""
    return HttpResponseRedirect(static_url("favicon.svg"))


urlpatterns: list[URLPattern | URLResolver] = [
    path("favicon.ico", favicon),
    path("brand.css", brand_css, name="brand_css"),  # the bank's colours (config/branding.py)
    path("", include("ideas.urls")),
    path("", include("community.urls")),
    path("", include("ideas.roadmap.urls")),
    path("themes/", include("ideas.themes.urls")),
    path("campaigns/", include("community.campaigns.urls")),
    path("feeds/", include("community.feeds.urls")),
    path("complaints/", include("community.complaints.urls")),
    path("moderation/", include("community.moderation.urls")),
    path("analytics/", include("community.analytics.urls")),  # staff (docs/analytics.md)
    path("webhooks/", include("community.webhooks.urls")),  # admins (docs/webhooks.md)
    path("members/", include("accounts.member_urls")),
    path("profile/", include("accounts.urls")),
    path("", include("accounts.privacy_urls")),
    path("accounts/", include("allauth.urls")),
    # Django's set_language, which also sets a signed-in member's email language
    path("i18n/setlang/", language_switch, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", include("community.api.urls")),  # REST API, schema, docs (docs/api.md)
    path("embed/", include("community.embed.urls")),  # the framable widget (docs/widget.md)
]

if settings.DEBUG:
    # Uploaded files in development; production serves MEDIA_ROOT from the web server.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
