"""schemathesis against /api/schema/: requests generated from the schema, anonymous, with a
member's write token and with an admin's (staff) write token made on the profile page of a
session that passed two-factor, must never meet a server error, and every answer (status code,
content type, headers, body) must be one the schema describes. Through Django's WSGI handler in
this process, so the test database is the one served; EXAMPLES per operation bound the run
time (about a minute for the three callers)."""

from datetime import timedelta

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.color import no_style
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from accounts import roles
from community.models import Comment, Flag
from ideas.models import Campaign, Idea
from tests.api.conftest import token_for
from tests.factories import CategoryFactory, CommentFactory, IdeaFactory, UserFactory

EXAMPLES = 10
OPERATIONS = 24  # every method of every path in community/api/urls.py
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def api_schema(db, settings):  # type: ignore[no-untyped-def]
    # Generous budgets: the fuzzer's own requests are not what these tests count.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "token": "100000/hour",
            "user": "100000/hour",
            "anon": "100000/hour",
        },
    }
    category = CategoryFactory(slug="cards")
    idea = IdeaFactory(pk=1, category=category)
    comment = CommentFactory(pk=1, idea=idea)
    # Ids given by hand do not move PostgreSQL's sequences: the next idea or comment would be
    # numbered 1 again when this test runs first on a fresh database.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Idea, Comment]):
            cursor.execute(sql)
    Flag.objects.create(reporter=UserFactory(), idea=idea, comment=comment, reason="spam")
    IdeaFactory(category=category, pending_at=timezone.now())
    now = timezone.now()
    Campaign.objects.create(
        title="Save more",
        slug="save",
        description="How?",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=9),
        created_by=idea.author,
    )
    # Django closes the database connection after each request; the test's transaction is on
    # it, so (like django.test.Client) not while the test runs.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def member_token(db):  # type: ignore[no-untyped-def]
    return token_for(UserFactory(), "write", days=7)


@pytest.fixture
def staff_token(db, client):  # type: ignore[no-untyped-def]
    """An admin's token, made as staff must: on the profile page, in a session that passed
    two-factor (tests.helpers.SignedInClient records the code as the login would)."""
    admin = UserFactory(role=roles.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post("/profile/tokens/", {"name": "fuzz", "scope": "write", "days": "30"})
    assert response.status_code == 200, response.content
    return response.context["secret"]


def _fuzz(schema, headers: dict[str, str]) -> int:  # type: ignore[no-untyped-def]
    """Every operation of the schema, with hypothesis-generated requests. (schemathesis's own
    pytest plugin does not run under pytest 9, hence the loop.)"""
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):  # type: ignore[no-untyped-def]
            case.call_and_validate(checks=CHECKS, headers=headers)

        run()
        operations += 1
    return operations


def test_anonymous_calls_answer_as_the_schema_says(api_schema):  # type: ignore[no-untyped-def]
    assert _fuzz(api_schema, {}) == OPERATIONS


def test_member_token_calls_answer_as_the_schema_says(api_schema, member_token):  # type: ignore[no-untyped-def]
    assert _fuzz(api_schema, {"Authorization": f"Bearer {member_token}"}) == OPERATIONS


# staff_token first: the test client reconnects the signals that api_schema takes off.
def test_staff_token_calls_answer_as_the_schema_says(staff_token, api_schema):  # type: ignore[no-untyped-def]
    assert _fuzz(api_schema, {"Authorization": f"Bearer {staff_token}"}) == OPERATIONS
