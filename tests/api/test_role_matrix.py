"""Every endpoint as every role: anonymous, member, suspended member, moderator, product
manager, each with a write token (staff made theirs after two-factor, as they must)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import roles
from tests.api.conftest import bearer, token_for
from tests.factories import CategoryFactory, IdeaFactory, UserFactory

ROLES = ("anonymous", "member", "suspended", "moderator", "product_manager")


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    category = CategoryFactory(slug="cards")
    author = UserFactory()
    return {
        "category": category,
        "idea": IdeaFactory(author=author, category=category),
        "pending": IdeaFactory(author=author, category=category, pending_at=timezone.now()),
        "hidden": IdeaFactory(author=author, category=category, hidden_at=timezone.now()),
    }


def _caller(role: str) -> dict[str, str]:
    if role == "anonymous":
        return {}
    if role == "suspended":
        user = UserFactory(suspended_until=timezone.now() + timedelta(days=2))
    elif role == "member":
        user = UserFactory()
    else:
        user = UserFactory(role={"moderator": roles.MODERATOR}.get(role, roles.PRODUCT_MANAGER))
    return bearer(token_for(user, "write", days=7))


def _new_idea() -> dict[str, str]:
    return {
        "title": "Round-ups into savings",
        "body": "Save the change.",
        "category": "cards",
        "language": "en",
    }


# role -> expected status, per request
MATRIX = {
    "list ideas": ("GET", "/api/v1/ideas/", None, dict.fromkeys(ROLES, 200)),
    "read an idea": ("GET", "/api/v1/ideas/{idea}/", None, dict.fromkeys(ROLES, 200)),
    "read a waiting idea": (
        "GET",
        "/api/v1/ideas/{pending}/",
        None,
        {
            "anonymous": 404,
            "member": 404,
            "suspended": 404,
            "moderator": 200,
            "product_manager": 404,
        },
    ),
    "read a hidden idea": (
        "GET",
        "/api/v1/ideas/{hidden}/",
        None,
        {
            "anonymous": 404,
            "member": 404,
            "suspended": 404,
            "moderator": 200,
            "product_manager": 404,
        },
    ),
    "submit an idea": (
        "POST",
        "/api/v1/ideas/",
        _new_idea(),
        {
            "anonymous": 401,
            "member": 201,
            "suspended": 403,
            "moderator": 201,
            "product_manager": 201,
        },
    ),
    "edit someone else's idea": (
        "PATCH",
        "/api/v1/ideas/{idea}/",
        {"title": "Mine now"},
        {
            "anonymous": 401,
            "member": 403,
            "suspended": 403,
            "moderator": 403,
            "product_manager": 403,
        },
    ),
    "vote": (
        "POST",
        "/api/v1/ideas/{idea}/vote/",
        None,
        {
            "anonymous": 401,
            "member": 200,
            "suspended": 403,
            "moderator": 200,
            "product_manager": 200,
        },
    ),
    "withdraw a vote": (
        "DELETE",
        "/api/v1/ideas/{idea}/vote/",
        None,
        {
            "anonymous": 401,
            "member": 200,
            "suspended": 403,
            "moderator": 200,
            "product_manager": 200,
        },
    ),
    "vote on a hidden idea": (
        "POST",
        "/api/v1/ideas/{hidden}/vote/",
        None,
        {
            "anonymous": 401,
            "member": 404,
            "suspended": 404,
            "moderator": 200,
            "product_manager": 404,
        },
    ),
    "read comments": ("GET", "/api/v1/ideas/{idea}/comments/", None, dict.fromkeys(ROLES, 200)),
    "comment": (
        "POST",
        "/api/v1/ideas/{idea}/comments/",
        {"body": "Yes please"},
        {
            "anonymous": 401,
            "member": 201,
            "suspended": 403,
            "moderator": 201,
            "product_manager": 201,
        },
    ),
    "list categories": ("GET", "/api/v1/categories/", None, dict.fromkeys(ROLES, 200)),
    "read a category": ("GET", "/api/v1/categories/cards/", None, dict.fromkeys(ROLES, 200)),
    "read themes": (
        "GET",
        "/api/v1/themes/",
        None,
        {
            "anonymous": 401,
            "member": 403,
            "suspended": 403,
            "moderator": 403,
            "product_manager": 200,
        },
    ),
    # Multipart only: a product manager passes the permission and meets the 415 of a JSON body
    # (tests/ideas/outside/test_pages.py imports a real file).
    "import signals": (
        "POST",
        "/api/v1/signals/imports/",
        {"text_column": "Text"},
        {
            "anonymous": 401,
            "member": 403,
            "suspended": 403,
            "moderator": 403,
            "product_manager": 415,
        },
    ),
    "read me": (
        "GET",
        "/api/v1/me/",
        None,
        {
            "anonymous": 401,
            "member": 200,
            "suspended": 200,
            "moderator": 200,
            "product_manager": 200,
        },
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_role_matrix(api, world, role, action):
    method, url, data, expected = MATRIX[action]
    url = url.format(**{name: getattr(value, "pk", "") for name, value in world.items()})
    response = getattr(api, method.lower())(url, data, format="json", **_caller(role))
    assert response.status_code == expected[role], response.content
    assert response["Content-Type"].startswith("application/json")
