"""Helpers for the accessibility tests: a small scene of data, signing in through the real forms,
axe-core (vendored from the npm package, tests/e2e/vendor/) and keyboard-only navigation."""

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts import roles
from accounts.mfa import mfa_enrol, totp_code
from accounts.privacy import consents_record
from community.models import Campaign, Flag
from ideas.models import StatusChange
from ideas.rendering import render_markdown
from tests.factories import CategoryFactory, CommentFactory, IdeaFactory, UserFactory

PASSWORD = "correct-horse-battery"
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("critical", "serious")
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "mobile": {"width": 390, "height": 844}}
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
    main.save(update_fields=["comment_count"])
    pending = IdeaFactory(
        title="Cheaper transfers abroad", author=partner, category=cards, pending_at=now
    )
    Flag.objects.create(reporter=member, idea=ideas[3], reason="spam", note="Looks like an ad")
    return {"people": people, "ideas": ideas, "main": main, "pending": pending}


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
