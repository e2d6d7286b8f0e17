"""Every endpoint as every kind of caller: anonymous, member, suspended member, moderator,
product manager, admin, a service account (with the product manager's role) and a member's
read-only token. Staff tokens are made after two-factor, as they must be; the service account's
by an admin.

One test per caller: the scene is built once, and each request runs in a savepoint rolled back
after it, so no request sees another's writes (a vote, an approval) and the table stays fast.
Every mismatch is listed at once."""

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.service_accounts import service_account_create, service_token_create
from community.models import Flag
from ideas.models import Campaign
from tests.api.conftest import bearer, token_for
from tests.factories import CategoryFactory, CommentFactory, IdeaFactory, UserFactory

CALLERS = (
    "anonymous",
    "member",
    "suspended",
    "moderator",
    "product_manager",
    "admin",
    "service",
    "read_only",
)
ALL = dict.fromkeys(CALLERS, 200)


def expect(default: int, **by_caller: int) -> dict[str, int]:
    return {caller: by_caller.get(caller, default) for caller in CALLERS}


# Shorthands for the usual shapes of a row.
def write(ok: int, **others: int) -> dict[str, int]:
    """A member's write: anonymous 401, suspended and read-only tokens 403."""
    return expect(ok, **{"anonymous": 401, "suspended": 403, "read_only": 403, **others})


def staff_only(ok: int, allowed: tuple[str, ...], **others: int) -> dict[str, int]:
    by = {caller: (ok if caller in allowed else 403) for caller in CALLERS}
    return {**by, "anonymous": 401, **others}


MODERATORS = ("moderator", "admin")
ANSWER_OFFICIALLY = ("moderator", "product_manager", "admin", "service")
THEMES = ("product_manager", "admin", "service")
SEES_EVERYTHING = expect(404, moderator=200, admin=200)

# name: (method, url, body, expected status per caller)
MATRIX: dict[str, tuple[str, str, dict[str, object] | None, dict[str, int]]] = {
    "list ideas": ("GET", "/api/v1/ideas/", None, ALL),
    "list a campaign's ideas": ("GET", "/api/v1/ideas/?campaign=save", None, ALL),
    "read an idea": ("GET", "/api/v1/ideas/{idea}/", None, ALL),
    "read a waiting idea": ("GET", "/api/v1/ideas/{pending}/", None, SEES_EVERYTHING),
    "read a hidden idea": ("GET", "/api/v1/ideas/{hidden}/", None, SEES_EVERYTHING),
    "submit an idea": (
        "POST",
        "/api/v1/ideas/",
        {"title": "Round-ups into savings", "body": "Save.", "category": "cards", "language": "en"},
        write(201),
    ),
    "edit someone else's idea": (
        "PATCH",
        "/api/v1/ideas/{idea}/",
        {"title": "Mine now"},
        expect(403, anonymous=401),
    ),
    "vote": ("POST", "/api/v1/ideas/{idea}/vote/", None, write(200)),
    "withdraw a vote": ("DELETE", "/api/v1/ideas/{idea}/vote/", None, write(200)),
    "vote on a hidden idea": (
        "POST",
        "/api/v1/ideas/{hidden}/vote/",
        None,
        write(404, moderator=200, admin=200, suspended=404),
    ),
    "change an idea's status": (
        "POST",
        "/api/v1/ideas/{idea}/status/",
        {"to_status": "under_review", "response": "Our cards team is on it."},
        staff_only(201, ANSWER_OFFICIALLY),
    ),
    "read comments": ("GET", "/api/v1/ideas/{idea}/comments/", None, ALL),
    "comment": ("POST", "/api/v1/ideas/{idea}/comments/", {"body": "Yes please"}, write(201)),
    "list categories": ("GET", "/api/v1/categories/", None, ALL),
    "read a category": ("GET", "/api/v1/categories/cards/", None, ALL),
    "list campaigns": ("GET", "/api/v1/campaigns/?phase=open", None, ALL),
    "read a campaign": ("GET", "/api/v1/campaigns/save/", None, ALL),
    "read themes": ("GET", "/api/v1/themes/", None, staff_only(200, THEMES)),
    "read outside-only clusters": (
        "GET",
        "/api/v1/themes/outside/",
        None,
        staff_only(200, THEMES),
    ),
    "read me": ("GET", "/api/v1/me/", None, expect(200, anonymous=401)),
    "list notifications": ("GET", "/api/v1/notifications/", None, expect(200, anonymous=401)),
    "mark notifications read": (
        "POST",
        "/api/v1/notifications/read/",
        {},
        expect(200, anonymous=401, read_only=403),
    ),
    # Multipart only: a product manager passes the permission and meets the 415 of a JSON body
    # (tests/ideas/outside/test_pages.py imports a real file).
    "import signals": (
        "POST",
        "/api/v1/signals/imports/",
        {"text_column": "Text"},
        staff_only(415, THEMES),
    ),
    "list reported items": (
        "GET",
        "/api/v1/moderation/reported/",
        None,
        staff_only(200, MODERATORS),
    ),
    "list waiting items": ("GET", "/api/v1/moderation/waiting/", None, staff_only(200, MODERATORS)),
    "approve a waiting idea": (
        "POST",
        "/api/v1/moderation/ideas/{pending}/approve/",
        {"seen": "{pending_seen}"},  # the version the moderator read (its updated_at)
        staff_only(200, MODERATORS),
    ),
    "hide an idea": (
        "POST",
        "/api/v1/moderation/ideas/{idea}/hide/",
        {"reason": "Spam"},
        staff_only(200, MODERATORS),
    ),
    "reject a waiting comment": (
        "POST",
        "/api/v1/moderation/comments/{waiting_comment}/reject/",
        {"reason": "Off-topic"},
        staff_only(200, MODERATORS),
    ),
    "dismiss the reports on an idea": (
        "POST",
        "/api/v1/moderation/ideas/{flagged}/dismiss/",
        {"reason": "Fine as it is"},
        staff_only(200, MODERATORS),
    ),
    "an action that does not exist": (
        "POST",
        "/api/v1/moderation/ideas/{idea}/pin/",
        {"reason": "x"},
        staff_only(404, MODERATORS),
    ),
}


def _scene() -> dict[str, object]:
    now = timezone.now()
    category = CategoryFactory(slug="cards")
    author, moderator = UserFactory(), UserFactory(role=roles.MODERATOR)
    idea = IdeaFactory(author=author, category=category)
    flagged = IdeaFactory(author=author, category=category)
    Flag.objects.create(reporter=UserFactory(), idea=flagged, reason="spam")
    Campaign.objects.create(
        title="Save more",
        slug="save",
        description="How?",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=9),
        created_by=moderator,
    )
    return {
        "idea": idea,
        "flagged": flagged,
        "pending": IdeaFactory(author=author, category=category, pending_at=now),
        "hidden": IdeaFactory(author=author, category=category, hidden_at=now),
        "waiting_comment": CommentFactory(idea=idea, author=author, pending_at=now),
    }


def _headers(caller: str) -> dict[str, str]:
    if caller == "anonymous":
        return {}
    if caller == "service":
        admin = UserFactory(role=roles.ADMIN, is_staff=True, is_superuser=True)
        account = service_account_create(actor=admin, name="CRM", role=roles.PRODUCT_MANAGER)
        new = service_token_create(
            actor=admin, account=account, name="crm", scope="write", days=7, second_factor=True
        )
        return bearer(new.secret)
    if caller == "read_only":
        return bearer(token_for(UserFactory(), "read", days=7))
    extra: dict[str, object] = {
        "suspended": {"suspended_until": timezone.now() + timedelta(days=2)},
        "moderator": {"role": roles.MODERATOR},
        "product_manager": {"role": roles.PRODUCT_MANAGER},
        "admin": {"role": roles.ADMIN, "is_staff": True, "is_superuser": True},
    }.get(caller, {})  # type: ignore[assignment]
    return bearer(token_for(UserFactory(**extra), "write", days=7))  # type: ignore[arg-type]


@pytest.mark.parametrize("caller", CALLERS)
def test_every_endpoint_answers_each_caller_as_its_role_allows(api, db, caller):
    scene = _scene()
    headers = _headers(caller)
    wrong = []
    for name, (method, url, body, expected) in MATRIX.items():
        url = url.format(**{key: getattr(value, "pk", "") for key, value in scene.items()})
        if body and body.get("seen") == "{pending_seen}":
            body = {**body, "seen": scene["pending"].updated_at.isoformat()}
        with transaction.atomic():
            response = getattr(api, method.lower())(url, body, format="json", **headers)
            transaction.set_rollback(True)
        if response.status_code != expected[caller]:
            wrong.append(
                f"{name}: {response.status_code}, not {expected[caller]} {response.content[:200]!r}"
            )
        elif not response["Content-Type"].startswith("application/json"):
            wrong.append(f"{name}: {response['Content-Type']}")
    assert not wrong, "\n".join(wrong)


def test_the_matrix_covers_every_operation_of_the_schema(api, db):
    """A new endpoint without a row here fails this test."""
    schema = api.get("/api/schema/?format=json").json()
    operations = {
        (method.upper(), path) for path, item in schema["paths"].items() for method in item
    }
    covered = set()
    for method, url, _body, _expected in MATRIX.values():
        path = url.split("?")[0]
        path = re.sub(r"\{(idea|pending|hidden|flagged|waiting_comment)\}", "{id}", path)
        path = path.replace("cards/", "{slug}/")
        path = path.replace("save/", "{slug}/")
        for action in ("approve", "hide", "reject", "dismiss", "pin"):
            path = path.replace(f"/{action}/", "/{action}/")
        covered.add((method, path))
    # Theme detail needs a clustering run: tests/api/test_themes.py covers it per role.
    missing = operations - covered - {("GET", "/api/v1/themes/{id}/")}
    assert not missing, sorted(missing)
