"""A user's pass over the demo (`make run`'s data): every main page for each role, desktop and
phone, in English and French, axe-core on each, screenshots of chosen pages.

    DJANGO_ENV=local .venv/bin/python manage.py seed_demo && .venv/bin/python manage.py recluster
    PORT=8216 .venv/bin/python manage.py runserver 127.0.0.1:8216 --noreload &
    .venv/bin/python scripts/a11y_demo_pass.py http://127.0.0.1:8216 /tmp/axe.jsonl docs/screenshots

The pages are the browser tests' (tests/e2e/pages.py), found in the demo's data; sizes desktop,
phone and 320 px wide (reflow at 400 % zoom). Writes one JSON line per page view (role, page,
viewport, language, status, axe violations, what scrolls sideways, the outline's problems: h1,
landmarks, heading levels); untranslated English on French pages is left to the reader of the
screenshots. Uses Debian's Chromium and the tests' vendored axe-core and checks."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_ENV", "local")

import django  # noqa: E402

from config.env import use_settings_from_environment  # noqa: E402

use_settings_from_environment()
django.setup()

from django.utils import timezone  # noqa: E402

from accounts.mfa import totp_code  # noqa: E402
from accounts.models import User  # noqa: E402
from community.models import ComplaintCase, WebhookDelivery  # noqa: E402
from ideas.demo.seed import DEMO_PASSWORD, DEMO_TOTP_SECRET  # noqa: E402
from ideas.models import Campaign, Idea, SignalImport, Theme  # noqa: E402
from tests.e2e.accessibility import (  # noqa: E402
    REFLOW,
    VIEWPORTS,
    axe_violations,
    sideways_overflow,
    structure_problems,
)
from tests.e2e.pages import ROLES, Sample, pages_for  # noqa: E402

# The tests' sizes, and 320 px wide: 1280 px at 400 % zoom (WCAG 1.4.10, reflow).
SIZES = {**VIEWPORTS, "reflow": REFLOW}
LOGINS = {
    "member": "customer@example.com",
    "moderator": "moderator@example.com",
    "product_manager": "pm@example.com",
    "admin": "admin@example.com",
}
# Pages whose screenshots are kept (role, page, language).
SHOTS = {
    ("product_manager", "theme", "en"),
    ("product_manager", "theme", "fr"),
    ("product_manager", "theme-map", "fr"),
    ("product_manager", "themes", "fr"),
    ("product_manager", "analytics", "fr"),
    ("product_manager", "campaign-new", "fr"),
    ("moderator", "member-record", "fr"),
    ("member", "notifications", "fr"),
}


def demo_sample() -> Sample:
    """The demo's objects for the pages of tests/e2e/pages.py (one list for both)."""
    idea = Idea.objects.public().filter(status_changes__response__gt="").order_by("-vote_count")[0]
    now = timezone.now()
    open_campaign = Campaign.objects.filter(ends_at__gt=now).order_by("ends_at").first()
    ended_campaign = Campaign.objects.filter(ends_at__lte=now).order_by("-ends_at").first()
    pending = Idea.objects.filter(pending_at__isnull=False).first()
    case = ComplaintCase.objects.first()
    theme = Theme.objects.filter(is_active=True).order_by("-size").first()
    signal_import = SignalImport.objects.order_by("-pk").first()
    delivery = WebhookDelivery.objects.order_by("-pk").first()
    # Someone else's page for the member and that person's record for a moderator: the author.
    others = User.objects.filter(is_active=True).exclude(email=LOGINS["member"])
    other = others.filter(pk=idea.author_id).first() or others.first()
    assert other is not None, "the demo has more than one member"
    return Sample(
        idea=idea.get_absolute_url(),
        other_member=other.pk,
        open_campaign=open_campaign.slug if open_campaign else None,
        ended_campaign=ended_campaign.slug if ended_campaign else None,
        pending_idea=pending.get_absolute_url() if pending else None,
        complaint=case.get_absolute_url() if case else None,
        theme=theme.pk if theme else None,
        signal_import=signal_import.pk if signal_import else None,
        webhook=delivery.endpoint_id if delivery else None,
        webhook_delivery=delivery.pk if delivery else None,
    )


def sign_in(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    if "/2fa/" in page.url:
        page.fill("input[name=code]", totp_code(DEMO_TOTP_SECRET, valid_for=10))
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
    assert "/login/" not in page.url, page.url
    assert "/2fa/" not in page.url, page.url


def main(base: str, report: str, shots: str) -> None:
    from playwright.sync_api import sync_playwright

    sample = demo_sample()
    plan = {role: pages_for(role, sample) for role in ROLES}
    with sync_playwright() as p, open(report, "w") as out:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        print("chromium", browser.version, flush=True)
        for role, paths in plan.items():
            context = browser.new_context(locale="en-GB", bypass_csp=True)
            context.set_default_timeout(20_000)
            page = context.new_page()
            if role != "anonymous":
                sign_in(page, base, LOGINS[role])
            for language in ("en", "fr"):
                context.add_cookies([{"name": "django_language", "value": language, "url": base}])
                for viewport, size in SIZES.items():
                    page.set_viewport_size(size)
                    for name, path in paths.items():
                        response = page.goto(base + path)
                        line = {
                            "role": role,
                            "page": name,
                            "viewport": viewport,
                            "language": language,
                            "status": response.status if response else None,
                            "overflow": sideways_overflow(page),
                            "structure": structure_problems(page),
                            "violations": axe_violations(page),
                        }
                        out.write(json.dumps(line) + "\n")
                        out.flush()
                        if shots and (role, name, language) in SHOTS and viewport != "reflow":
                            page.screenshot(
                                path=f"{shots}/demo-{role}-{name}-{language}-{viewport}.png",
                                full_page=True,
                            )
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "")
