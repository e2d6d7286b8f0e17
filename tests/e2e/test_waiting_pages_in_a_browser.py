"""In Chromium: a page that waits for the worker (an audit log export, a large import of outside
feedback) shows the result by itself once the worker is done, without reloading the page (a
timed reload is WCAG failure F41, and axe's "meta-refresh" rule), and passes axe while it
waits."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import AuditExport
from ideas.models import SignalImport
from tests.e2e.accessibility import BLOCKING, axe_violations, person, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _blocking(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{v['id']} ({v['impact']})" for v in axe_violations(page) if v["impact"] in BLOCKING]


def _mark_the_page(page, region_id: str) -> None:  # type: ignore[no-untyped-def]
    """A mark that a reload of the page would wipe, and the live region as it is now."""
    page.evaluate(
        f"window.stillTheSamePage = true; window.region = document.getElementById('{region_id}')"
    )


def _same_page(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("window.stillTheSamePage === true"))


def _same_region(page, region_id: str) -> bool:  # type: ignore[no-untyped-def]
    """The live region is the element the page had when it was marked (not replaced)."""
    return bool(page.evaluate(f"window.region === document.getElementById('{region_id}')"))


def _asks_again_within(page, *, seconds: float) -> int:  # type: ignore[no-untyped-def]
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.wait_for_timeout(seconds * 1000)
    return len(requests)


def test_an_audit_export_appears_ready_on_the_waiting_page(
    axe_page, live_server, settings, tmp_path: Path
):
    page = axe_page
    settings.AUDIT_EXPORT_DIR = str(tmp_path)
    admin = person(roles.ADMIN, "ada@example.com", "Ada", is_staff=True, is_superuser=True)
    export = AuditExport.objects.create(requested_by=admin, stored_name="e2e.csv", state="writing")
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}{reverse('moderation:audit')}")
    assert page.get_by_role("cell", name="Being written").is_visible()
    status = page.locator("#exports-status")
    assert status.get_attribute("role") == "status"
    assert status.inner_text() == "Your export is being written: this list updates by itself."
    assert _blocking(page) == []
    _mark_the_page(page, "exports-status")

    (tmp_path / "e2e.csv").write_text("created_at\r\n", encoding="utf-8")
    AuditExport.objects.filter(pk=export.pk).update(
        state="ready", up_to=timezone.now(), rows=0, size_bytes=12
    )

    page.get_by_role("link", name="Download CSV").wait_for(timeout=12_000)
    assert _same_page(page)
    assert status.inner_text() == "Your latest export is ready to download."
    assert _same_region(page, "exports-status")  # updated inside: a screen reader hears it
    assert _blocking(page) == []
    assert _asks_again_within(page, seconds=6.5) == 0  # nothing waits: it stops asking


def test_an_import_report_appears_on_the_waiting_page(axe_page, live_server):
    page = axe_page
    manager = person(roles.PRODUCT_MANAGER, "pam@example.com", "Pam")
    batch = SignalImport.objects.create(
        imported_by=manager, via="form", file_name="desk.csv", state="importing"
    )
    sign_in(page, live_server.url, manager)
    page.goto(f"{live_server.url}{reverse('themes:signals_report', args=[batch.pk])}")
    assert page.get_by_text("Being imported").is_visible()
    assert _blocking(page) == []
    _mark_the_page(page, "report-status")

    SignalImport.objects.filter(pk=batch.pk).update(
        state="imported", rows_read=3, imported=3, finished_at=timezone.now()
    )

    page.get_by_text("3 signals imported.").wait_for(timeout=12_000)
    assert _same_page(page)
    assert "3 signals imported." in page.locator("#report-status").inner_text()
    assert _same_region(page, "report-status")
    assert page.get_by_role("heading", name="Import report").is_visible()  # not doubled
    assert page.locator("h1").count() == 1
    assert _blocking(page) == []
    assert _asks_again_within(page, seconds=6.5) == 0
