"""Small helpers shared by tests."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_to_get(client, url: str) -> int:  # type: ignore[no-untyped-def]
    """How many SQL queries a successful GET of `url` makes."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)
