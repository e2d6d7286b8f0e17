"""The retention schedule is applied: what is past its period goes, the run is recorded with
counts only, a second run removes nothing, and the dry run lists without removing."""

from dataclasses import replace
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.audit import AuditAction, AuditEntry
from accounts.models import AuditExport, RetentionRun, User
from accounts.retention_schedule import SCHEDULE, retention_days
from community.complaints import services as complaints
from community.models import ComplaintCase, Notification, WebhookDelivery, WebhookEndpoint
from community.retention.purge import retention_counts, retention_purge
from community.retention.record import processing_record_markdown
from community.retention.tasks import retention_purge_daily
from ideas.models import Idea, IdeaVector, Signal, SignalImport
from tests.factories import IdeaFactory, UserFactory

YEAR = timedelta(days=365)


def age(queryset, field: str, delta: timedelta) -> None:  # type: ignore[no-untyped-def]
    queryset.update(**{field: timezone.now() - delta})


@pytest.fixture(autouse=True)
def _private_uploads(settings, tmp_path):  # type: ignore[no-untyped-def]
    # The purge sweeps the upload directory for old files: never the checkout's own.
    settings.SIGNALS_UPLOAD_DIR = str(tmp_path / "uploads")


@pytest.fixture
def old_and_new(db, alice, moderator):  # type: ignore[no-untyped-def]
    """One row past its period and one within it, for each kind the purge handles."""
    now = timezone.now()
    for days_old in (6 * 365, 10):
        case = complaints.complaint_open(
            member=alice, subject="Fees", body="Charged twice", language="en"
        )
        age(ComplaintCase.objects.filter(pk=case.pk), "created_at", timedelta(days=days_old))
        entry = AuditEntry.objects.create(
            actor=moderator,
            action=AuditAction.IDEA_HIDE,
            target_type="idea",
            target_id=1,
            summary="x",
        )
        age(AuditEntry.objects.filter(pk=entry.pk), "created_at", timedelta(days=days_old))
        note = Notification.objects.create(
            recipient=alice, kind="mention", key=f"k{days_old}", title="t", url="/"
        )
        age(Notification.objects.filter(pk=note.pk), "created_at", timedelta(days=days_old))
    for expiry in (now - timedelta(days=1), now + timedelta(days=1)):
        store = SessionStore()
        store.create()
        Session.objects.filter(session_key=store.session_key).update(expire_date=expiry)
    for days_hidden in (60, 5):
        idea = IdeaFactory(author=alice)
        Idea.objects.filter(pk=idea.pk).update(hidden_at=now - timedelta(days=days_hidden))
        IdeaVector.objects.create(idea=idea, backend="t", data=b"\0" * 4, text_hash="h")
    IdeaVector.objects.create(idea=IdeaFactory(author=alice), backend="t", data=b"", text_hash="h")
    batch = SignalImport.objects.create(via="command", file_name="x.csv", state="imported")
    for days_old in (3 * 365, 10):
        Signal.objects.create(
            batch=batch,
            text="Fees",
            language="en",
            posted_at=now - timedelta(days=days_old),
            source="X",
            dedupe_key=f"t:{days_old}",
        )
    endpoint = WebhookEndpoint.objects.create(url="https://crm.example/", events=["x"])
    for days_old in (31, 10):  # delivered, and one older still waiting (kept until it ends)
        for state in ("delivered", "pending"):
            WebhookDelivery.objects.create(
                endpoint=endpoint,
                event_type="x",
                source=f"{days_old}{state}",
                message_id=f"msg_{days_old}{state}",
                state=state,
                created_at=now - timedelta(days=days_old),
            )
    for days_old in (2, 0):  # an upload whose columns nobody chose, and one just made
        waiting = SignalImport.objects.create(via="form", file_name="u.csv", stored_name="u.csv")
        age(SignalImport.objects.filter(pk=waiting.pk), "created_at", timedelta(days=days_old))
    for days_old in (8, 1):  # an audit export past its week, and one within it
        export = AuditExport.objects.create(
            requested_by=moderator, state="ready", stored_name=f"e{days_old}.csv"
        )
        age(AuditExport.objects.filter(pk=export.pk), "created_at", timedelta(days=days_old))
    gone = UserFactory(email="gone@example.com", display_name="Gone")
    age(User.objects.filter(pk=gone.pk), "last_login", 4 * YEAR)
    age(User.objects.filter(pk=alice.pk), "last_login", timedelta(days=2))
    staff = UserFactory(email="oldmod@example.com", role="moderator")
    age(User.objects.filter(pk=staff.pk), "last_login", 4 * YEAR)
    return {"gone": gone, "staff": staff}


EXPECTED = {
    "complaint_cases": 1,
    "audit_log": 1,
    "inactive_accounts": 1,
    "notifications": 1,
    "sessions": 1,
    "idea_vectors": 1,
    "outside_signals": 1,
    "webhook_deliveries": 1,
    "signal_uploads": 1,
    "audit_exports": 1,
}


def test_a_run_removes_what_is_past_its_period_and_a_second_run_removes_nothing(old_and_new):
    notifications, cases = Notification.objects.count(), ComplaintCase.objects.count()
    run = retention_purge()
    assert run.counts == EXPECTED
    assert Notification.objects.count() == notifications - 1
    assert ComplaintCase.objects.count() == cases - 1
    assert Session.objects.count() == 1
    assert IdeaVector.objects.count() == 2
    assert WebhookDelivery.objects.count() == 3
    gone = User.objects.get(pk=old_and_new["gone"].pk)
    assert gone.erased_at is not None
    assert gone.email.endswith("@erased.invalid")
    assert User.objects.get(pk=old_and_new["staff"].pk).erased_at is None  # staff: the admins'

    again = retention_purge()
    assert again.counts == dict.fromkeys(EXPECTED, 0)
    assert list(RetentionRun.objects.order_by("pk")) == [run, again]
    assert "Charged" not in str(RetentionRun.objects.values_list("counts", flat=True)[0])


def test_the_dry_run_lists_what_would_go_and_removes_nothing(old_and_new):
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert "notifications            1" in out.getvalue()
    assert "Total: 10 (dry run)" in out.getvalue()
    assert retention_counts() == EXPECTED
    assert not RetentionRun.objects.exists()


def test_the_dry_run_with_the_clock_moved_lists_what_will_have_aged(old_and_new):
    in_two_years = (timezone.now() + 2 * YEAR).date().isoformat()
    out = StringIO()
    call_command("retention", "--dry-run", "--as-of", in_two_years, stdout=out)
    # The 10-day-old notification is then past a year; the 2-day-old sign-in is not past 3 years.
    assert "notifications            2" in out.getvalue()
    assert "inactive_accounts        1" in out.getvalue()
    with pytest.raises(CommandError, match="only with --dry-run"):
        call_command("retention", "--as-of", in_two_years)
    with pytest.raises(CommandError, match="not a date"):
        call_command("retention", "--dry-run", "--as-of", "soon")


def test_periods_come_from_the_settings_when_set(old_and_new, settings):
    settings.RETENTION_DAYS = {"notifications": 5, "complaint_cases": 7 * 365}
    assert retention_days("notifications") == 5
    counts = retention_counts()
    assert counts["notifications"] == 2
    assert counts["complaint_cases"] == 0
    settings.RETENTION_DAYS = {"notifcations": 5}
    with pytest.raises(ImproperlyConfigured, match="unknown kind 'notifcations'"):
        retention_counts()


def test_the_daily_task_is_scheduled_and_runs_the_purge(old_and_new):
    entry = django_settings.CELERY_BEAT_SCHEDULE["retention-purge"]
    assert entry["task"] == retention_purge_daily.name
    assert retention_purge_daily.delay().get() == EXPECTED


def test_every_kind_of_the_schedule_says_why_and_how_long():
    for rule in SCHEDULE:
        assert all((rule.purpose, rule.legal_basis, rule.source, rule.starts))
        assert (rule.default_days is None) == (rule.action == "none")


def test_the_admin_shows_the_schedule_and_the_runs_read_only(client, admin_user, settings):
    settings.RETENTION_DAYS = {"notifications": 180}
    retention_purge()
    client.force_login(admin_user)
    response = client.get("/admin/accounts/retentionrun/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Retention schedule" in page
    for rule in SCHEDULE:
        assert f"<code>{rule.kind}</code>" in page
    assert "180 days after the notification" in page
    assert "ACPR recommendation 2022-R-01" in page
    assert client.get("/admin/accounts/retentionrun/add/").status_code == 403


def test_the_record_of_processing_is_the_one_the_schedule_writes(settings):
    """docs/processing-record.md is generated: run `manage.py processing_record` after changing
    accounts/retention_schedule.py."""
    settings.RETENTION_DAYS = {"notifications": 30}  # the document shows defaults, not settings
    document = Path(settings.BASE_DIR, "docs", "processing-record.md").read_text(encoding="utf-8")
    assert document == processing_record_markdown()
    for rule in SCHEDULE:
        assert f"### {rule.kind}\n" in document


def test_the_record_follows_a_change_of_the_schedule(monkeypatch):
    changed = (replace(SCHEDULE[0], default_days=10 * 365), *SCHEDULE[1:])
    monkeypatch.setattr("community.retention.record.SCHEDULE", changed)
    assert "10 years (3650 days)" in processing_record_markdown()


def test_the_effective_record_shows_the_periods_in_force(settings, tmp_path):
    settings.RETENTION_DAYS = {"notifications": 30}
    out = tmp_path / "record.md"
    call_command("processing_record", "--effective", "--output", str(out), stdout=StringIO())
    assert "30 days after the notification" in out.read_text()


def test_the_privacy_notice_states_the_periods_in_force(client, db, settings):
    settings.RETENTION_DAYS = {"inactive_accounts": 730}
    page = client.get("/privacy/").content.decode()
    assert "erased 730 days after your last sign-in" in page
    assert "notifications: 365 days" in page
    assert "1825 days after their answer" in page
