"""Branded error pages: a 500 for a bug, a 503 with Retry-After while the database or the cache
is down. Neither shows the error itself, and neither touches the database to render.

(tests/integration/test_database_outage.py stops a real PostgreSQL under a running server.)
"""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.config.ops.boom_urls")]


@pytest.fixture
def visitor() -> Client:
    return Client(raise_request_exception=False)


def test_a_bug_shows_the_branded_500_page_without_the_error(visitor, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = visitor.get("/test-bug/", HTTP_X_REQUEST_ID="support-ref-77")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert 'alt="">Ruche</a>' in page  # the brand (config/branding.py) and its logo
    assert "support-ref-77" in page  # the reference a visitor can give the support team
    assert "order 42" not in page
    assert "Server Error (500)" not in page
    assert "Retry-After" not in response


@pytest.mark.parametrize("url", ["/test-database-down/", "/test-cache-down/"])
def test_a_database_or_cache_outage_shows_the_503_page_with_retry_after(
    visitor, url, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = visitor.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Back in a moment" in page
    assert "try again in 30 seconds" in page
    assert "10.9.8" not in page


def test_the_outage_page_is_in_the_visitors_language(visitor):
    response = visitor.get("/test-database-down/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 503
    assert '<html lang="fr">' in response.content.decode()
