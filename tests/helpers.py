"""Small helpers shared by tests."""

import csv
from datetime import timedelta
from pathlib import Path

from allauth.account.internal.flows.login import record_authentication
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.mfa import user_has_mfa
from accounts.roles import user_holds_staff_role
from accounts.staff_sessions import staff_session_touch


class SignedInClient(Client):
    """The test client whose `force_login` stands for a whole sign-in: for an account with an
    authenticator app, the password and then the code, as allauth records them in the session.

    Tests of pages and services use it to skip the login forms; the login flows themselves, and
    every way around the second factor, are tested through the real forms with a plain
    `django.test.Client` (tests/accounts/test_staff_mfa.py, test_staff_entry_points.py)."""

    def force_login(self, user, backend=None):  # type: ignore[no-untyped-def]
        super().force_login(user, backend)
        if user_has_mfa(user):
            request = RequestFactory().get("/")
            request.session = self.session
            request.user = user
            record_authentication(request, user, "mfa", type="totp")
            if user_holds_staff_role(user):
                staff_session_touch(request)  # as the login request itself does
            request.session.save()


def signed_in(user) -> SignedInClient:  # type: ignore[no-untyped-def]
    """A SignedInClient already signed in as `user`."""
    client = SignedInClient()
    client.force_login(user)
    return client


def fragment_keys(shared_cache, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The keys of the stored fragments of one kind ("card", "comment") under the test's prefix
    (tests/conftest.py shared_cache)."""
    server, prefix = shared_cache
    return sorted(k.decode() for k in server.scan_iter(f"{prefix}:*fragment:{kind}:*"))


def queries_to_get(client, url: str) -> int:  # type: ignore[no-untyped-def]
    """How many SQL queries a successful GET of `url` makes."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """A UTF-8 CSV file with a header row taken from the first row's keys."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def posted_hours_ago(*querysets) -> None:  # type: ignore[no-untyped-def]
    """What the querysets hold, posted 2½ hours ago: pages compared in a test then say "2 hours
    ago" throughout, where an idea posted "now" reads "a second ago" when the page is rendered
    again a second later on a slow machine (a kept fragment's relative date is up to
    PAGE_CACHE_SECONDS old by design)."""
    then = timezone.now() - timedelta(hours=2, minutes=30)
    for queryset in querysets:
        queryset.update(created_at=then)
