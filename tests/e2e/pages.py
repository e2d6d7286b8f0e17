"""The main pages of each role: one list for the browser tests (tests/e2e/test_accessibility.py,
on their own scene) and for the demo pass (scripts/a11y_demo_pass.py, on `make run`'s data).

The pages about one object (an idea, a campaign, a theme, …) take it from a `Sample`; a page
whose object is missing (None: the demo may have no complaint yet) is left out."""

from dataclasses import dataclass

from django.urls import reverse

ROLES = ("anonymous", "member", "moderator", "product_manager", "admin")


@dataclass(frozen=True)
class Sample:
    idea: str  # the path of an idea with an official answer and comments
    other_member: int  # someone else's public page, and their record for a moderator
    open_campaign: str | None = None  # slugs
    ended_campaign: str | None = None
    pending_idea: str | None = None  # the path of an idea waiting for a moderator
    complaint: str | None = None  # the path of a complaint case
    theme: int | None = None
    signal_import: int | None = None  # an outside-feedback import and its report
    webhook: int | None = None
    webhook_delivery: int | None = None


def _url(name: str, arg: object) -> str | None:
    return None if arg is None else reverse(name, args=[arg])


def _present(pages: dict[str, str | None]) -> dict[str, str]:
    return {name: path for name, path in pages.items() if path is not None}


def pages_for(role: str, sample: Sample) -> dict[str, str]:
    """Page name (as in the screenshots' file names) -> path, for one role."""
    if role == "anonymous":
        return _present(
            {
                "home": reverse("ideas:home"),
                "ideas": reverse("ideas:list"),
                "idea": sample.idea,
                "campaigns": reverse("campaigns:list"),
                "campaign": _url("campaigns:detail", sample.open_campaign),
                "campaign-ended": _url("campaigns:detail", sample.ended_campaign),
                "leaderboard": reverse("community:leaderboard"),
                "privacy": reverse("privacy:notice"),
                "roadmap": reverse("roadmap:roadmap"),
                "changelog": reverse("roadmap:changelog"),
                "login": reverse("account_login"),
                "signup": reverse("account_signup"),
                "password-reset": reverse("account_reset_password"),
                "terms": reverse("privacy:terms"),
            }
        )
    if role == "member":
        return {  # the public pages differ only by the header once signed in
            "home": reverse("ideas:home"),
            "idea": sample.idea,
            "submit": reverse("ideas:create"),
            "my-ideas": reverse("ideas:mine"),
            "notifications": reverse("community:notifications"),
            "email-settings": reverse("community:preferences"),
            "profile": reverse("accounts:profile"),
            "member-page": reverse("members:detail", args=[sample.other_member]),
            "complaint": reverse("complaints:create"),
            "my-complaints": reverse("complaints:mine"),
            "password-change": reverse("account_change_password"),
            "api-tokens": reverse("accounts:tokens"),
        }
    staff = {"home": reverse("ideas:home"), "idea": sample.idea}
    if role == "moderator":
        return _present(
            {
                **staff,
                "moderation": reverse("moderation:queue"),
                "vote-rings": reverse("moderation:vote_rings"),
                "complaints-queue": reverse("moderation:complaints"),
                "complaint-case": sample.complaint,
                "needs-answer": reverse("moderation:needs_answer"),
                "member-record": reverse("moderation:member", args=[sample.other_member]),
                "pending-idea": sample.pending_idea,
            }
        )
    if role == "product_manager":
        return _present(
            {
                **staff,
                "themes": reverse("themes:dashboard"),
                "theme-map": reverse("themes:map"),
                "theme": _url("themes:detail", sample.theme),
                "needs-answer": reverse("moderation:needs_answer"),
                "campaign-new": reverse("campaigns:create"),
                "analytics": reverse("analytics:dashboard"),
                "outside-feedback": reverse("themes:signals"),
                "outside-feedback-report": _url("themes:signals_report", sample.signal_import),
            }
        )
    if role == "admin":
        return _present(
            {
                **staff,
                "moderation": reverse("moderation:queue"),
                "audit": reverse("moderation:audit"),
                "themes": reverse("themes:dashboard"),
                "two-factor": reverse("mfa_index"),
                "webhooks": reverse("webhooks:list"),
                "webhook-new": reverse("webhooks:create"),
                "webhook": _url("webhooks:detail", sample.webhook),
                "webhook-delivery": _url("webhooks:delivery", sample.webhook_delivery),
            }
        )
    raise ValueError(f"unknown role {role!r}")
