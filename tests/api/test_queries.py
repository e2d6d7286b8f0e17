"""API lists make a fixed number of queries, whatever the page size (as the site's pages)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import bearer, token_for
from tests.factories import CategoryFactory, CommentFactory, IdeaFactory, UserFactory


def _queries(api, url: str, **headers: str) -> int:  # type: ignore[no-untyped-def]
    api.get(url, **headers)  # the first use of a token also notes when it was used
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url, **headers)
    assert response.status_code == 200, response.content
    return len(queries)


def test_the_idea_list_does_not_grow_with_the_page(api, db):
    category = CategoryFactory(slug="cards")
    for _ in range(12):
        IdeaFactory(category=category, author=UserFactory())
    headers = bearer(token_for(UserFactory(), "read"))
    few = _queries(api, "/api/v1/ideas/?page_size=2", **headers)
    many = _queries(api, "/api/v1/ideas/?page_size=12", **headers)
    assert few == many


def test_the_comment_list_does_not_grow_with_the_page(api, idea):
    for _ in range(6):
        top = CommentFactory(idea=idea, author=UserFactory())
        CommentFactory(idea=idea, author=UserFactory(), parent=top)
    few = _queries(api, f"/api/v1/ideas/{idea.pk}/comments/?page_size=2")
    many = _queries(api, f"/api/v1/ideas/{idea.pk}/comments/?page_size=6")
    assert few == many
