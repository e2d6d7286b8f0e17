"""Helpers for the accessibility tests: a small scene of data, signing in through the real forms,
axe-core (vendored from the npm package, tests/e2e/vendor/) and keyboard-only navigation."""

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import ViewportSize

from accounts import roles
from accounts.encryption import encrypt
from accounts.mfa import mfa_enrol, totp_code
from accounts.models import AuditExport
from accounts.privacy import consents_record
from community.models import Flag, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ideas.models import (
    Campaign,
    ClusteringRun,
    RunState,
    SignalImport,
    StatusChange,
    Theme,
    ThemeMembership,
    Vote,
)
from ideas.rendering import render_markdown
from tests.e2e.pages import Sample
from tests.factories import CategoryFactory, CommentFactory, IdeaFactory, UserFactory

PASSWORD = "correct-horse-battery"
HERE = Path(__file__).parent
AXE_SOURCE = (HERE / "vendor" / "axe.min.js").read_text()
SIDEWAYS_OVERFLOW = (HERE / "sideways_overflow.js").read_text()
STRUCTURE = (HERE / "structure_problems.js").read_text()
CLIPPED_CHOICES = (HERE / "clipped_choices.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("critical", "serious")
VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1366, "height": 900},
    "mobile": {"width": 390, "height": 844},
}
# WCAG 1.4.10 (reflow): 1280 CSS px at 400 % zoom is 320 px wide, with no sideways scrolling.
REFLOW: ViewportSize = {"width": 320, "height": 640}
# Set to a folder (e.g. docs/screenshots) to save a screenshot of every page checked; set
# RUCHE_AXE_REPORT to a file to write every page's violations as JSON lines (docs/accessibility.md).
SCREENSHOTS = os.environ.get("RUCHE_SCREENSHOTS", "")
REPORT = os.environ.get("RUCHE_AXE_REPORT", "")


def person(role: str, email: str, name: str, **extra: Any) -> Any:
    user = UserFactory(email=email, display_name=name, role=role, mfa=False, **extra)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    consents_record(user=user)
    user.secret = (
        mfa_enrol(user) if role in (roles.MODERATOR, roles.PRODUCT_MANAGER, roles.ADMIN) else ""
    )
    return user


def build_scene() -> dict[str, Any]:
    """Enough data that every main page shows its parts: cards, statuses, an official answer,
    comments with a reply, an open and an ended campaign, a report and an idea waiting."""
    now = timezone.now()
    cards = CategoryFactory(slug="cards", name_en="Cards", name_fr="Cartes")
    savings = CategoryFactory(slug="savings", name_en="Savings", name_fr="Épargne")
    people = {
        "member": person(roles.MEMBER, "alice@example.com", "Alice Martin"),
        "partner": person(roles.PARTNER, "pat@example.com", "Pat", organisation="Fintech SAS"),
        "moderator": person(roles.MODERATOR, "mo@example.com", "Mo Dupont"),
        "product_manager": person(roles.PRODUCT_MANAGER, "pam@example.com", "Pam Leroy"),
        "admin": person(roles.ADMIN, "ada@example.com", "Ada", is_staff=True, is_superuser=True),
    }
    member, partner = people["member"], people["partner"]
    open_campaign = Campaign.objects.create(
        title="How should our app help you save?",
        slug="save",
        description="Tell us what would help you **save** each month.",
        description_html=render_markdown("Tell us what would help you **save** each month."),
        starts_at=now - timedelta(days=2),
        ends_at=now + timedelta(days=20),
        category=savings,
        created_by=people["moderator"],
    )
    Campaign.objects.create(
        title="Cards for students",
        slug="students",
        description="Ended.",
        description_html=render_markdown("Ended."),
        starts_at=now - timedelta(days=40),
        ends_at=now - timedelta(days=10),
        created_by=people["moderator"],
    )
    statuses = ["new", "under_review", "planned", "in_progress", "done", "declined"]
    ideas = [
        IdeaFactory(
            title=title,
            author=partner if n % 2 else member,
            category=cards if n % 3 else savings,
            status=statuses[n % len(statuses)],
            vote_count=30 - n,
            campaign=open_campaign if n in (1, 4) else None,
        )
        for n, title in enumerate(
            [
                "Freeze my card from the app",
                "Round up card payments into savings",
                "Notify me when my salary lands",
                "Split a bill with friends",
                "Virtual card for online shopping",
                "Paper statements on request",
                "Set a monthly savings goal",
            ]
        )
    ]
    main = ideas[0]
    StatusChange.objects.create(
        idea=main,
        changed_by=people["product_manager"],
        from_status="new",
        to_status="under_review",
        response="Thank you: our cards team is looking at it.",
        response_html=render_markdown("Thank you: our cards team is looking at it."),
    )
    first = CommentFactory(idea=main, author=partner, body="Yes please, every day.")
    CommentFactory(idea=main, author=member, body="Same for me.", parent=first)
    CommentFactory(idea=main, author=people["moderator"], body="Noted, thanks.")
    main.comment_count = 3
    main.status = "planned"  # as its last official answer says (below)
    main.save(update_fields=["comment_count", "status"])
    pending = IdeaFactory(
        title="Cheaper transfers abroad", author=partner, category=cards, pending_at=now
    )
    Flag.objects.create(reporter=member, idea=ideas[3], reason="spam", note="Looks like an ad")
    StatusChange.objects.create(  # a second step on the main idea's timeline
        idea=main,
        changed_by=people["moderator"],
        from_status="under_review",
        to_status="planned",
        response="Planned for the spring release.",
        response_html=render_markdown("Planned for the spring release."),
    )
    build_themes(ideas, voters=[partner, people["moderator"], people["admin"]])
    return {"people": people, "ideas": ideas, "main": main, "pending": pending}


def build_themes(ideas: list[Any], *, voters: list[Any]) -> None:
    """Two published runs of themes, written as rows (a real run needs the sentence encoders,
    minutes on a busy machine): the themes pages are checked with data, a trending theme, a
    theme new in the latest run, a triaged one and one that merely exists."""
    now = timezone.now()
    before = ClusteringRun.objects.create(
        state=RunState.SUPERSEDED, trigger="startup", published_at=now - timedelta(days=1)
    )
    run = ClusteringRun.objects.create(
        state=RunState.PUBLISHED,
        trigger="nightly",
        published_at=now,
        backend="e5+use+minilm",
        idea_count=len(ideas),
        theme_count=3,
        themed_count=len(ideas),
    )
    groups = [  # (names, terms, ideas, first run, status, map position)
        (("Card controls in the app", "Contrôle de la carte dans l'appli"), ["card", "app"],
         [0, 4, 3], before, "investigating", (0.1, 0.2)),
        (("Saving automatically", "Épargner automatiquement"), ["savings", "round-up"],
         [1, 6], before, "new", (0.8, 0.3)),
        (("Alerts and statements", "Alertes et relevés"), ["salary", "paper"],
         [2, 5], run, "new", (0.5, 0.9)),
    ]  # fmt: skip
    for (english, french), terms, members, first, status, (x, y) in groups:
        theme = Theme.objects.create(
            label=english, label_en=english, label_fr=french, terms=terms, terms_en=terms,
            status=status, first_run=first, last_run=run, is_active=True, size=len(members),
            map_x=x, map_y=y, representative_idea=ideas[members[0]],
        )  # fmt: skip
        for n in members:
            ThemeMembership.objects.create(run=run, theme=theme, idea=ideas[n], similarity=0.8)
    # Old, quiet votes on every theme; a burst this week on the first one only: it trends.
    for n, idea in enumerate(ideas):
        for voter in voters:
            vote = Vote.objects.create(user=voter, idea=idea)
            days = 3 if n in (0, 4, 3) else 20 + n
            Vote.objects.filter(pk=vote.pk).update(created_at=now - timedelta(days=days))


def scene_sample(role: str, scene: dict[str, Any]) -> Sample:
    """The scene's objects for tests.e2e.pages; an import's report for the product manager and a
    webhook for the admin are written only for them (a webhook would fire on every new idea)."""
    theme = Theme.objects.filter(is_active=True).order_by("-size").first()
    assert theme is not None, "the scene has themes (build_themes)"
    webhook = delivery = None
    if role == "admin":
        webhook, delivery = _webhook_with_a_delivery()
        _audit_exports(scene["people"]["admin"])
    return Sample(
        idea=scene["main"].get_absolute_url(),
        other_member=scene["people"]["partner"].pk,
        open_campaign="save",
        ended_campaign="students",
        pending_idea=scene["pending"].get_absolute_url(),
        theme=theme.pk,
        signal_import=_refused_import() if role == "product_manager" else None,
        webhook=webhook,
        webhook_delivery=delivery,
    )


def _audit_exports(admin: Any) -> None:
    """The audit page lists the admin's exports: one ready to download, one being written."""
    now = timezone.now()
    AuditExport.objects.create(
        requested_by=admin, state="ready", stored_name="e2e.csv", rows=1234, size_bytes=301_000,
        up_to=now, finished_at=now,
    )  # fmt: skip
    AuditExport.objects.create(
        requested_by=admin, action="idea_hide", state="writing", stored_name="e2e2.csv"
    )


def _refused_import() -> int:
    """An outside-feedback import refused for a rejected row: its report lists the row."""
    return SignalImport.objects.create(
        via="form",
        file_name="desk.csv",
        state="refused",
        rows_read=2,
        rejected=1,
        rejected_rows=[{"row": 3, "reason": "the text is empty"}],
        error="1 rows were rejected, so nothing was imported.",
        error_field="rows",
    ).pk


def _webhook_with_a_delivery() -> tuple[int, int]:
    endpoint = WebhookEndpoint.objects.create(
        url="https://crm.bank.example/hooks/ruche",
        description="CRM",
        events=["idea.created", "comment.posted"],
        secret=encrypt("whsec_AAAA"),
        consecutive_failures=1,
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type="idea.created",
        source="e2e",
        message_id="msg_e2e",
        payload={"type": "idea.created", "data": {"idea": {"id": 1}}},
        attempts=1,
        last_status_code=503,
        last_error="HTTP 503",
    )
    WebhookAttempt.objects.create(
        delivery=delivery,
        duration_ms=41,
        status_code=503,
        error="HTTP 503",
        response_excerpt="busy",
    )
    return endpoint.pk, delivery.pk


def sign_in(page: Any, base: str, user: Any) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    if "/accounts/2fa/" in page.url:
        page.fill("input[name=code]", totp_code(user.secret, valid_for=10))
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, page.url
    assert "/2fa/" not in page.url, page.url


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations of WCAG 2.0/2.1 A and AA on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_SOURCE)
    return page.evaluate(  # type: ignore[no-any-return]
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
            }));
        }""",
        AXE_TAGS,
    )


def check_pages(page: Any, base: str, role: str, paths: dict[str, str]) -> list[str]:
    """Open each page at desktop then mobile size and run axe; returns the blocking problems.
    Screenshots and a JSON report are written when asked for (SCREENSHOTS, REPORT)."""
    problems: list[str] = []
    for viewport, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        for name, path in paths.items():
            response = page.goto(f"{base}{path}")
            assert response is not None, (role, path)
            assert response.status < 400, (role, path, response.status)
            violations = axe_violations(page)
            if REPORT:
                with open(REPORT, "a") as report:
                    line = {"role": role, "page": name, "path": path, "viewport": viewport}
                    report.write(json.dumps({**line, "violations": violations}) + "\n")
            if SCREENSHOTS:
                Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{SCREENSHOTS}/{role}-{name}-{viewport}.png")
            problems += [
                f"{role} {viewport} {path}: {v['impact']} {v['id']} ({v['nodes']}×) {v['targets']}"
                for v in violations
                if v["impact"] in BLOCKING
            ]
    return problems


def sideways_overflow(page: Any) -> list[str]:
    """What makes the page scroll sideways, empty if nothing: the document's extra width and the
    innermost elements that stick out of the window. An element inside its own scroll container
    (a data table's `.table-wrap`, a chart's figure) does not count: 1.4.10 lets those scroll."""
    return page.evaluate(SIDEWAYS_OVERFLOW)  # type: ignore[no-any-return]


def clipped_choices(page: Any) -> list[str]:
    """The drop-down lists of the page's main part that cut the choice they show ("Toutes les
    caté…" on a phone), empty if none."""
    return page.evaluate(CLIPPED_CHOICES)  # type: ignore[no-any-return]


def structure_problems(page: Any) -> list[str]:
    """A page's outline as a screen reader lists it: exactly one h1, the landmarks (banner,
    navigation, main, contentinfo) and no heading level skipped (an h2 straight to an h4)."""
    return page.evaluate(STRUCTURE)  # type: ignore[no-any-return]


def tab_to(page: Any, selector: str, *, limit: int = 80, shift: bool = False) -> int:
    """Press Tab (only the keyboard) until the focused element matches `selector`; returns how
    many presses it took. Fails if it is never reached."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return presses
    raise AssertionError(f"{selector} not reached with {limit} Tab presses")
