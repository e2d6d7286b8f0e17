"""A user's pass over the demo (`make run`'s data): every main page for each role, desktop and
phone, in English and French, axe-core on each, screenshots of chosen pages.

    DJANGO_ENV=local .venv/bin/python manage.py seed_demo && .venv/bin/python manage.py recluster
    PORT=8216 .venv/bin/python manage.py runserver 127.0.0.1:8216 --noreload &
    .venv/bin/python scripts/a11y_demo_pass.py http://127.0.0.1:8216 /tmp/axe.jsonl docs/screenshots

Writes one JSON line per page view (role, page, viewport, language, status, violations,
horizontal overflow, untranslated English on French pages is left to the reader of the
screenshots). Uses Debian's Chromium and the vendored axe-core of tests/e2e."""

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

from django.urls import reverse  # noqa: E402
from playwright.sync_api import ViewportSize  # noqa: E402

from accounts.mfa import totp_code  # noqa: E402
from accounts.models import User  # noqa: E402
from community.models import ComplaintCase  # noqa: E402
from ideas.demo.seed import DEMO_PASSWORD, DEMO_TOTP_SECRET  # noqa: E402
from ideas.models import Campaign, Idea, Theme  # noqa: E402

AXE = (ROOT / "tests/e2e/vendor/axe.min.js").read_text()
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1366, "height": 900},
    "mobile": {"width": 390, "height": 844},
}
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


def pages(role: str) -> dict[str, str]:
    idea = Idea.objects.public().filter(status_changes__response__gt="").order_by("-vote_count")[0]
    campaign = Campaign.objects.order_by("-ends_at").first()
    public = {
        "home": reverse("ideas:home"),
        "ideas": reverse("ideas:list"),
        "idea": idea.get_absolute_url(),
        "campaigns": reverse("campaigns:list"),
        "leaderboard": reverse("community:leaderboard"),
        "roadmap": reverse("roadmap:roadmap"),
        "changelog": reverse("roadmap:changelog"),
    }
    if campaign:
        public["campaign"] = campaign.get_absolute_url()
    if role == "anonymous":
        return {**public, "login": reverse("account_login"), "signup": reverse("account_signup")}
    if role == "member":
        other = User.objects.exclude(email=LOGINS["member"]).filter(is_active=True).first()
        return {
            "home": public["home"],
            "idea": public["idea"],
            "submit": reverse("ideas:create"),
            "my-ideas": reverse("ideas:mine"),
            "notifications": reverse("community:notifications"),
            "email-settings": reverse("community:preferences"),
            "profile": reverse("accounts:profile"),
            "member-page": reverse("members:detail", args=[other.pk]) if other else "/",
            "my-complaints": reverse("complaints:mine"),
        }
    staff = {"home": reverse("ideas:home"), "idea": public["idea"]}
    member = User.objects.get(email=LOGINS["member"])
    if role == "moderator":
        found = {
            **staff,
            "moderation": reverse("moderation:queue"),
            "vote-rings": reverse("moderation:vote_rings"),
            "complaints-queue": reverse("moderation:complaints"),
            "needs-answer": reverse("moderation:needs_answer"),
            "member-record": reverse("moderation:member", args=[member.pk]),
        }
        case = ComplaintCase.objects.first()
        if case:
            found["complaint"] = case.get_absolute_url()
        return found
    theme = Theme.objects.filter(is_active=True).order_by("-size").first()
    if role == "product_manager":
        found = {
            **staff,
            "themes": reverse("themes:dashboard"),
            "theme-map": reverse("themes:map"),
            "needs-answer": reverse("moderation:needs_answer"),
            "campaign-new": reverse("campaigns:create"),
            "analytics": reverse("analytics:dashboard"),
            "outside-feedback": reverse("themes:signals"),
        }
        if theme:
            found["theme"] = reverse("themes:detail", args=[theme.pk])
        return found
    return {
        **staff,
        "moderation": reverse("moderation:queue"),
        "audit": reverse("moderation:audit"),
        "themes": reverse("themes:dashboard"),
        "two-factor": reverse("mfa_index"),
        "webhooks": reverse("webhooks:list"),
    }


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

    plan = {role: pages(role) for role in ["anonymous", *LOGINS]}
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
                for viewport, size in VIEWPORTS.items():
                    page.set_viewport_size(size)
                    for name, path in paths.items():
                        response = page.goto(base + path)
                        page.add_script_tag(content=AXE)
                        violations = page.evaluate(
                            """async (tags) => (await axe.run(document,
                                 {runOnly: {type: 'tag', values: tags}})).violations.map(v => ({
                                 id: v.id, impact: v.impact, nodes: v.nodes.length,
                                 targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""",
                            TAGS,
                        )
                        overflow = page.evaluate(
                            "document.documentElement.scrollWidth - window.innerWidth"
                        )
                        line = {
                            "role": role,
                            "page": name,
                            "viewport": viewport,
                            "language": language,
                            "status": response.status if response else None,
                            "overflow_px": overflow,
                            "violations": violations,
                        }
                        out.write(json.dumps(line) + "\n")
                        out.flush()
                        if shots and (role, name, language) in SHOTS:
                            page.screenshot(
                                path=f"{shots}/demo-{role}-{name}-{language}-{viewport}.png",
                                full_page=True,
                            )
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "")
