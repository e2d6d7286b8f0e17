"""API test helpers: a client speaking JSON, and tokens made through the real service."""

import pytest
from rest_framework.test import APIClient

from accounts.tokens import token_create


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    return APIClient()


def token_for(user, scope: str = "write", days: int = 30, second_factor: bool = True) -> str:  # type: ignore[no-untyped-def]
    return token_create(
        user=user, name="test", scope=scope, days=days, second_factor=second_factor
    ).secret


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
