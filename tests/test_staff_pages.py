"""Every staff page, requested by every role: anonymous, member, partner, moderator, product
manager and admin, with the status code each must get.

The list of staff pages is read from the URL configuration (every URL in a staff namespace, and
the named staff pages outside them, as accounts.mfa defines them), so a new staff page without a
row here fails `test_every_staff_page_has_a_row`. Staff run with two-factor authentication set
up, as they must (the factory enrols them).
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.encryption import encrypt
from accounts.mfa import STAFF_NAMESPACES, STAFF_URL_NAMES
from accounts.models import AuditExport
from community.comments import services as comment_services
from community.complaints.services import complaint_open
from community.models import Flag, VoteRing, WebhookDelivery, WebhookEndpoint
from ideas.models import ClusteringRun, RunState, SignalImport, Theme
from tests.community.campaigns.helpers import make_campaign
from tests.factories import IdeaFactory, UserFactory

ROLES = ("anonymous", "member", "partner", "moderator", "product_manager", "admin")
MODERATORS = frozenset({"moderator", "admin"})
THEME_MANAGERS = frozenset({"product_manager", "admin"})
ANSWERERS = frozenset({"moderator", "product_manager", "admin"})
ADMINS = frozenset({"admin"})


@dataclass(frozen=True)
class Row:
    method: str
    allowed: frozenset[str]
    kwargs: tuple[str, ...] = ()  # names of objects from the `world` fixture, in URL order
    data: tuple[tuple[str, str], ...] = ()


ROWS: dict[str, Row] = {
    # Moderation
    "moderation:queue": Row("GET", MODERATORS),
    "moderation:needs_answer": Row("GET", ANSWERERS),
    "moderation:idea_action": Row(
        "POST", MODERATORS, ("flagged_idea", "action"), (("reason", "spam"),)
    ),
    "moderation:comment_action": Row(
        "POST", MODERATORS, ("comment", "action"), (("reason", "rude"),)
    ),
    "moderation:audit": Row("GET", ADMINS),
    "moderation:audit_export": Row("POST", ADMINS),
    "moderation:audit_export_download": Row("GET", ADMINS, ("audit_export",)),
    "moderation:merge_pick": Row("GET", MODERATORS, ("idea",)),
    "moderation:merge_confirm": Row("GET", MODERATORS, ("idea", "other_idea")),
    "moderation:member": Row("GET", MODERATORS, ("bob",)),
    "moderation:member_suspend": Row("POST", MODERATORS, ("bob",)),
    "moderation:member_ban": Row("POST", MODERATORS, ("bob",)),
    "moderation:member_reinstate": Row("POST", MODERATORS, ("bob",)),
    "moderation:vote_rings": Row("GET", MODERATORS),
    "moderation:vote_ring_action": Row("POST", MODERATORS, ("ring", "ring_action")),
    "moderation:complaints": Row("GET", MODERATORS),
    "moderation:complaint": Row("GET", MODERATORS, ("case",)),
    "moderation:complaint_acknowledge": Row("POST", MODERATORS, ("case",)),
    "moderation:complaint_answer": Row("POST", MODERATORS, ("case",)),
    "moderation:complaint_convert": Row("GET", MODERATORS, ("idea",)),
    # Themes (product managers)
    "themes:dashboard": Row("GET", THEME_MANAGERS),
    "themes:map": Row("GET", THEME_MANAGERS),
    "themes:export": Row("GET", THEME_MANAGERS),
    "themes:rerun": Row("POST", THEME_MANAGERS),
    "themes:granularity": Row("POST", THEME_MANAGERS),
    "themes:detail": Row("GET", THEME_MANAGERS, ("theme",)),
    "themes:signals": Row("GET", THEME_MANAGERS),
    "themes:signals_map": Row("GET", THEME_MANAGERS, ("signal_upload",)),
    "themes:signals_report": Row("GET", THEME_MANAGERS, ("signal_import",)),
    # Analytics (same permission as themes)
    "analytics:dashboard": Row("GET", THEME_MANAGERS),
    "analytics:export": Row("GET", THEME_MANAGERS, ("analytics_panel",)),
    # Campaigns and official answers
    "campaigns:create": Row("GET", ANSWERERS),
    "campaigns:edit": Row("GET", ANSWERERS, ("campaign",)),
    "ideas:change_status": Row("POST", ANSWERERS, ("idea",)),
    # Webhooks (administrators)
    "webhooks:list": Row("GET", ADMINS),
    "webhooks:create": Row("GET", ADMINS),
    "webhooks:detail": Row("GET", ADMINS, ("endpoint",)),
    "webhooks:edit": Row("GET", ADMINS, ("endpoint",)),
    "webhooks:rotate": Row("POST", ADMINS, ("endpoint",)),
    "webhooks:disable": Row("POST", ADMINS, ("endpoint",)),
    "webhooks:enable": Row("POST", ADMINS, ("endpoint",)),
    "webhooks:test": Row("POST", ADMINS, ("endpoint",)),
    "webhooks:delivery": Row("GET", ADMINS, ("delivery",)),
    "webhooks:resend": Row("POST", ADMINS, ("delivery",)),
}


def staff_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                walk(pattern.url_patterns, f"{namespace}{inner}:" if inner else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}{pattern.name}"
                if name.split(":")[0] in STAFF_NAMESPACES - {"admin"} or name in STAFF_URL_NAMES:
                    names.add(name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_staff_page_has_a_row():
    assert staff_url_names() == set(ROWS)


@pytest.fixture
def world(db, alice, bob, moderator, admin_user, category, settings, tmp_path):  # type: ignore[no-untyped-def]
    idea = IdeaFactory(author=alice, category=category, title="Freeze my card")
    flagged = IdeaFactory(author=bob, category=category, title="Buy cheap watches")
    Flag.objects.create(reporter=alice, idea=flagged, reason="spam")
    comment = comment_services.comment_create(idea=idea, author=bob, body="You are all idiots")
    ring = VoteRing.objects.create(idea=idea, fingerprint="f" * 64, score=3.0)
    run = ClusteringRun.objects.create(trigger="manual", state=RunState.PUBLISHED)
    theme = Theme.objects.create(label="cards · freeze", first_run=run, last_run=run, size=1)
    campaign = make_campaign(moderator)
    case = complaint_open(
        member=alice, subject="Charged twice", body="I was charged twice.", language="en"
    )
    endpoint = WebhookEndpoint.objects.create(
        url="https://hooks.example.com/", events=["idea.created"], secret=encrypt("whsec_AA==")
    )
    sent = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="idea.created", source="s", message_id="msg_1"
    )
    settings.SIGNALS_UPLOAD_DIR = str(tmp_path)
    (tmp_path / "upload.csv").write_bytes(b"Text,Date\r\nCard declined,2026-11-02\r\n")
    upload = SignalImport.objects.create(via="form", file_name="x.csv", stored_name="upload.csv")
    done = SignalImport.objects.create(via="form", file_name="y.csv", state="imported")
    settings.AUDIT_EXPORT_DIR = str(tmp_path)
    (tmp_path / "audit.csv").write_text("created_at\r\n")
    export = AuditExport.objects.create(
        requested_by=admin_user, state="ready", stored_name="audit.csv", up_to=timezone.now()
    )
    return {
        "endpoint": endpoint.pk,
        "delivery": sent.pk,
        "signal_upload": upload.pk,
        "signal_import": done.pk,
        "audit_export": export.pk,
        "idea": idea.pk,
        "other_idea": IdeaFactory(author=bob, category=category).pk,
        "flagged_idea": flagged.pk,
        "comment": comment.pk,
        "action": "hide",
        "bob": bob.pk,
        "ring": ring.pk,
        "ring_action": "discount",
        "theme": theme.pk,
        "campaign": campaign.slug,
        "case": case.pk,
        "analytics_panel": "weekly",
    }


@pytest.fixture
def people(alice, partner, moderator, product_manager, admin_user):  # type: ignore[no-untyped-def]
    return {
        "anonymous": None,
        "member": alice,
        "partner": partner,
        "moderator": moderator,
        "product_manager": product_manager,
        "admin": admin_user,
    }


def expected_status(row: Row, role: str) -> set[int]:
    if role == "anonymous":
        return {302}  # to the login page
    if role not in row.allowed:
        return {403}
    # GET pages render; actions redirect after success or answer 400 with the form's errors.
    return {200} if row.method == "GET" else {200, 302, 400}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ROWS))
def test_staff_page_answers_each_role_as_expected(client, world, people, name, role):
    row = ROWS[name]
    url = reverse(name, args=[world[key] for key in row.kwargs])
    person = people[role]
    if person is not None:
        client.force_login(person)
    response = client.generic(
        row.method,
        url,
        data="&".join(f"{k}={v}" for k, v in row.data),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in expected_status(row, role), (name, role, response.status_code)
    if response.status_code == 302:
        location = response["Location"]
        logged_out = location.startswith(reverse("account_login"))
        assert logged_out == (role == "anonymous"), (name, role, location)


@pytest.mark.parametrize("role", ROLES)
def test_the_django_admin_is_for_admins_only(client, people, role):
    person = people[role]
    if person is not None:
        client.force_login(person)
    response = client.get("/admin/")
    if role == "admin":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_a_new_member_account_is_not_staff(db):
    """The matrix's member is an ordinary sign-up: no staff flag, no staff permission."""
    member = UserFactory()
    assert not member.is_staff
    assert not member.get_all_permissions()


@pytest.mark.parametrize("name", sorted(ROWS))
def test_staff_without_two_factor_authentication_are_sent_to_set_it_up(client, world, name, db):
    row = ROWS[name]
    staff = UserFactory(role="admin", is_staff=True, mfa=False)
    client.force_login(staff)
    url = reverse(name, args=[world[key] for key in row.kwargs])
    response = client.generic(row.method, url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
