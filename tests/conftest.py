"""Shared fixtures: one person per role (alice and bob are members), a category, an idea.

Integration tests (marker `integration`) need a real service or process. Without it they skip
on a laptop; on CI (CI=true) a skipped integration test fails the run.
"""

import os
import warnings

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

from accounts import roles
from accounts.mfa import mfa_enrol
from tests.factories import CategoryFactory, IdeaFactory, UserFactory
from tests.helpers import SignedInClient, each_text_embedded_once

ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if ON_CI and report.skipped and item.get_closest_marker("integration"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"Integration test skipped on CI, which counts as a failure: {reason}"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):  # type: ignore[no-untyped-def]
    """A PostgreSQL connection opened during a test, in a thread or a child process too, carries
    the test's name as its application_name (libpq reads PGAPPNAME when it connects), so the
    warning below names the test that left a connection open."""
    os.environ["PGAPPNAME"] = item.nodeid[-63:]


@pytest.fixture(scope="session", autouse=True)
def _files_in_the_run_folder(tmp_path_factory):  # type: ignore[no-untyped-def]
    """Uploaded signal files and audit exports go to this run's temporary folder (one per xdist
    worker; pytest keeps the last three runs'), never to var/, where each run left a folder
    behind."""
    with override_settings(
        SIGNALS_UPLOAD_DIR=str(tmp_path_factory.mktemp("signal-uploads")),
        AUDIT_EXPORT_DIR=str(tmp_path_factory.mktemp("audit-exports")),
    ):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """pytest-django's, and at the end of the run, before the test database is dropped, a
    warning naming every other connection still open on it (its DROP then fails with "being
    accessed by other users"): which client, since when, and its last statement."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, client_port, backend_start, state, left(query, 200) "
            "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        others = cursor.fetchall()
    if others:
        warnings.warn(f"Still connected to the test database at the end: {others}", stacklevel=1)


@pytest.fixture
def client():  # type: ignore[no-untyped-def]
    """`client.force_login(staff)` signs in with the second factor passed (tests.helpers)."""
    return SignedInClient()


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    """Rate-limit counters and cached values never leak from one test into another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():  # type: ignore[no-untyped-def]
    """A request in French (Accept-Language, a French member's email) leaves French active in
    the thread, as on a live worker between requests: each test starts in the default."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _first_posts_are_public(settings):  # type: ignore[no-untyped-def]
    """Most tests post as fresh members and expect public posts; the pre-moderation tests turn
    the first-post rule back on with `settings.RUCHE_PREMODERATE_FIRST_POST = True`."""
    settings.RUCHE_PREMODERATE_FIRST_POST = False


@pytest.fixture
def shared_cache(settings):  # type: ignore[no-untyped-def]
    """The page cache and its fragments (config.page_cache) on, on a real Redis (REDIS_URL,
    else 127.0.0.1:6379/9) under a key prefix of this test's own, deleted afterwards; yields
    the Redis client and the prefix."""
    import uuid

    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/9"
    server = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        server.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {url}: {error}")
    prefix = f"test-fragments-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    settings.PAGE_CACHE_SECONDS = 30
    yield server, prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


@pytest.fixture
def texts_embedded_once():  # type: ignore[no-untyped-def]
    """tests.helpers.each_text_embedded_once, for one test."""
    with each_text_embedded_once():
        yield


@pytest.fixture
def alice(db):  # type: ignore[no-untyped-def]
    return UserFactory(email="alice@example.com", display_name="Alice")


@pytest.fixture
def bob(db):  # type: ignore[no-untyped-def]
    return UserFactory(email="bob@example.com", display_name="Bob")


@pytest.fixture
def admin_with_app(db):  # type: ignore[no-untyped-def]
    """An admin with a verified email and an authenticator app whose secret the test knows
    (`.secret`), to sign in through the real forms with `accounts.mfa.totp_code`."""
    person = UserFactory(
        email="ada@example.com",
        display_name="Ada",
        role=roles.ADMIN,
        is_staff=True,
        is_superuser=True,
        mfa=False,
    )
    EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=True)
    person.secret = mfa_enrol(person)
    return person


@pytest.fixture
def mallory(db):  # type: ignore[no-untyped-def]
    """A member who posts what others should not see."""
    return UserFactory(email="mallory@example.com", display_name="Mallory")


@pytest.fixture
def partner(db):  # type: ignore[no-untyped-def]
    return UserFactory(
        email="partner@example.com",
        display_name="Pat",
        organisation="Fintech Partners SAS",
        role=roles.PARTNER,
    )


@pytest.fixture
def moderator(db):  # type: ignore[no-untyped-def]
    return UserFactory(email="mod@example.com", display_name="Mo", role=roles.MODERATOR)


@pytest.fixture
def product_manager(db):  # type: ignore[no-untyped-def]
    return UserFactory(email="pm@example.com", display_name="Pam", role=roles.PRODUCT_MANAGER)


@pytest.fixture
def admin_user(db):  # type: ignore[no-untyped-def]
    return UserFactory(
        email="admin@example.com",
        display_name="Ada",
        role=roles.ADMIN,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def category(db):  # type: ignore[no-untyped-def]
    return CategoryFactory(slug="cards", name_en="Cards", name_fr="Cartes")


@pytest.fixture
def idea(alice, category):  # type: ignore[no-untyped-def]
    return IdeaFactory(author=alice, category=category, title="Freeze my card from the app")


@pytest.fixture
def make_ideas(db):  # type: ignore[no-untyped-def]
    """Create ideas from {group: [titles]}; returns {group: [Idea]}."""
    category = CategoryFactory(slug="mobile-app")
    author = UserFactory()

    def make(groups: dict[str, list[str]]) -> dict[str, list]:  # type: ignore[type-arg]
        return {
            name: [
                IdeaFactory(title=title, body=title, category=category, author=author)
                for title in titles
            ]
            for name, titles in groups.items()
        }

    return make
