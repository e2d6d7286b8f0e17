"""The site's URLs plus views that fail, for the error page tests."""

import redis
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as site_urlpatterns


def bug(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("internal detail: order 42 has no owner")


def database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError('connection to server at "10.9.8.7", port 5432 failed: refused')


def cache_down(request: HttpRequest) -> HttpResponse:
    raise redis.exceptions.ConnectionError("Error 111 connecting to 10.9.8.6:6379. Refused.")


urlpatterns = [
    *site_urlpatterns,
    path("test-bug/", bug),
    path("test-database-down/", database_down),
    path("test-cache-down/", cache_down),
]
__all__ = ["handler500", "urlpatterns"]
