"""Small helpers shared by tests."""

import contextlib
import csv
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from allauth.account.internal.flows.login import record_authentication
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
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


def without_tokens(html: str) -> str:
    """`html` with its CSRF tokens (64 letters and digits, new per render) made alike."""
    return re.sub(r"\b\w{64}\b", "TOKEN", html)


def assert_kept_page_is_whole(  # type: ignore[no-untyped-def]
    client, settings, url: str, shows: str, **headers
) -> tuple[str, str]:
    """GET `url` rendered whole (PAGE_CACHE_SECONDS 0), then with the cache on twice (the first
    stores the fragments, the second is served from them); both answer 200, the kept page holds
    `shows` and is the whole page's HTML but for CSRF tokens. Returns (whole, kept)."""
    settings.PAGE_CACHE_SECONDS = 0
    whole = client.get(url, **headers)
    settings.PAGE_CACHE_SECONDS = 30
    client.get(url, **headers)
    kept = client.get(url, **headers)
    assert whole.status_code == kept.status_code == 200, (url, headers)
    whole_html, kept_html = whole.content.decode(), kept.content.decode()
    assert shows in kept_html, (url, headers)
    assert without_tokens(kept_html) == without_tokens(whole_html), (url, headers)
    return whole_html, kept_html


def compiled_models(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """A list that fills with the label of each model whose query the ORM compiles from now on
    (to show a warm page compiles nothing of its own)."""
    compiled: list[str] = []
    original = SQLCompiler.as_sql

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        compiled.append(self.query.model._meta.label)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", spy)
    return compiled


def page_html(client, url: str, settings, *, kept: bool) -> str:  # type: ignore[no-untyped-def]
    """GET `url` with the kept renderings on (DEBUG off) or everything rendered afresh (DEBUG
    on): 200, and its HTML with each request's masked CSRF token made alike, so two renders
    must match byte for byte otherwise."""
    settings.DEBUG = not kept
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    body = re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1TOKEN", response.content.decode())
    return re.sub(r'("X-CSRFToken": ")[^"]+', r"\1TOKEN", body)


def audit_export_text(client, capture_on_commit, **data: str) -> str:  # type: ignore[no-untyped-def]
    """Ask for an audit log export on the audit page as the signed-in admin, let it be written
    as it would be once the request commits (the outbox, then the worker's task, run eagerly),
    and download it: the CSV file's text, without its byte-order mark."""
    from accounts.models import AuditExport

    with capture_on_commit(execute=True):
        response = client.post(reverse("moderation:audit_export"), data)
    assert response.status_code == 302, response
    export = AuditExport.objects.latest("pk")
    assert export.state == AuditExport.State.READY, (export.state, export.error)
    download = client.get(reverse("moderation:audit_export_download", args=[export.pk]))
    assert download.status_code == 200
    return b"".join(download.streaming_content).decode("utf-8-sig")


# Vectors of the texts embedded under each_text_embedded_once, by (encoder, text), for this test
# process.
_EMBEDDED: dict[tuple[str, str], np.ndarray] = {}


@contextlib.contextmanager
def each_text_embedded_once() -> Iterator[None]:
    """For the tests that embed the demo's 210 ideas again (seeding the demo, twins across
    languages): the real encoders embed each distinct text once per test process,
    and those tests get the same vectors back afterwards. Not for tests of the encoders."""
    from ideas.clustering import vectors

    with pytest.MonkeyPatch.context() as patch:
        for encoder in vectors._ENCODERS.values():

            def embed(self, texts, batch_size=256, _embed=encoder.embed, _name=encoder.__name__):  # type: ignore[no-untyped-def]
                missing = [text for text in dict.fromkeys(texts) if (_name, text) not in _EMBEDDED]
                if missing:
                    rows = _embed(self, missing, batch_size=batch_size)
                    for text, row in zip(missing, rows, strict=True):
                        _EMBEDDED[_name, text] = row
                if not texts:
                    return _embed(self, texts, batch_size=batch_size)
                return np.stack([_EMBEDDED[_name, text] for text in texts])

            patch.setattr(encoder, "embed", embed)
        yield
