"""Every address under /api/ that names nothing answers a JSON 404, whatever its characters."""

import pytest

from tests.api.conftest import bearer, token_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here/",
        "/api/v1/campaigns/no-such/extra/",
        "/api/v1/campaigns/a%0Ab/",  # a newline in the path (found by the schema fuzz test)
        "/api/v1/campaigns/%C3%8FK%22%0A%0F/",
        "/api/v1/%0A/",
    ],
)
def test_an_unknown_api_address_answers_a_json_404(api, path):  # type: ignore[no-untyped-def]
    response = api.get(path, **bearer(token_for(UserFactory(), scope="read")))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


HUGE = "22484442494529772569231360"  # beyond any 64-bit integer (found by the schema fuzz test)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", f"/api/v1/ideas/{HUGE}/"),
        ("post", f"/api/v1/ideas/{HUGE}/vote/"),
        ("delete", f"/api/v1/ideas/{HUGE}/vote/"),
        ("get", f"/api/v1/ideas/{HUGE}/comments/"),
    ],
)
def test_an_id_no_integer_column_can_hold_is_a_404(api, method, path):  # type: ignore[no-untyped-def]
    response = getattr(api, method)(path, **bearer(token_for(UserFactory(), scope="write")))

    assert response.status_code == 404, response.content
