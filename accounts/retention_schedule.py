"""The retention schedule: each kind of personal data Ruche stores, why, on which legal basis,
and how long. One place: the daily purge (community.retention.purge), `manage.py retention`, the
admin page, the privacy notice and docs/processing-record.md (`manage.py processing_record`)
all read it. Plain data in the lowest app, so the privacy notice (accounts) can state the periods;
the purge that applies them to every app's data is in community.retention.

Periods are the defaults a French bank would start from (sources in `source`); the bank's data
protection officer sets its own in the environment, e.g.
RETENTION_DAYS=complaint_cases=3650,notifications=180 (kinds below, days; 0 keeps nothing past
the event that starts the period, and a kind not named keeps its default).
"""

from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Action = Literal["delete", "anonymise", "none"]


@dataclass(frozen=True)
class RetentionRule:
    kind: str  # the key in RETENTION_DAYS
    data: str  # what is kept
    purpose: str
    legal_basis: str  # GDPR article 6(1)
    starts: str  # the event the period runs from
    default_days: int | None  # None: no period set by Ruche (see `action` and `source`)
    action: Action  # what the daily job does once the period has passed
    source: str  # why this period

    @property
    def days(self) -> int | None:
        return retention_days(self.kind)


YEAR = 365

SCHEDULE: tuple[RetentionRule, ...] = (
    RetentionRule(
        kind="complaint_cases",
        data="complaint cases: subject, description, answer, dates, the member's account",
        purpose="handling members' complaints within the regulator's deadlines, and proving it",
        legal_basis="legal obligation (art. 6(1)(c)): ACPR recommendation 2022-R-01",
        starts="the answer (or the receipt, for a case never answered)",
        default_days=5 * YEAR,
        action="delete",
        source=(
            "ACPR recommendation 2022-R-01 and AMF position-recommendation DOC-2012-07 require "
            "complaints to be recorded and followed up; Ruche found no period in them. 5 years "
            "is the limitation period within which a member may still sue (Code civil art. 2224, "
            "Code de commerce L110-4), and the period French banks keep customer records for "
            "(Code monétaire et financier L561-12). To be confirmed by the bank's compliance "
            "officer"
        ),
    ),
    RetentionRule(
        kind="audit_log",
        data="audit log of staff actions: who, what, when, ids and lengths, staff's reasons",
        purpose="accountability of staff actions (moderation, complaints, roles)",
        legal_basis="legal obligation (art. 5(2), 24 and 32 GDPR; ACPR 2022-R-01 for the "
        "complaints' part) and legitimate interest",
        starts="the action",
        default_days=5 * YEAR,
        action="delete",
        source="as long as the complaint records it proves (5 years, above)",
    ),
    RetentionRule(
        kind="inactive_accounts",
        data="accounts of members who no longer sign in: email, name, organisation, settings",
        purpose="taking part in the portal",
        legal_basis="contract (the terms of use accepted at sign-up, art. 6(1)(b))",
        starts="the last sign-in (or the sign-up, if never signed in)",
        default_days=3 * YEAR,
        action="anonymise",
        source=(
            "CNIL, référentiel « gestion commerciale » (2021): 3 years after the last contact; "
            "the account is erased as when its member deletes it (posts kept under "
            '"Former member"); staff accounts are left to the administrators'
        ),
    ),
    RetentionRule(
        kind="notifications",
        data="notifications: recipient, what happened, links, read and emailed dates",
        purpose="telling members what happened to what they follow",
        legal_basis="contract (art. 6(1)(b))",
        starts="the notification",
        default_days=YEAR,
        action="delete",
        source="no legal period; a year covers any member's catching up",
    ),
    RetentionRule(
        kind="sessions",
        data="sessions: the signed-in account and the second factor passed",
        purpose="keeping a member signed in, securely",
        legal_basis="contract (art. 6(1)(b)) and security (art. 32)",
        starts="the session's expiry (2 weeks for members, 30 idle minutes for staff)",
        default_days=0,
        action="delete",
        source="nothing to keep once expired",
    ),
    RetentionRule(
        kind="idea_vectors",
        data="text embeddings of ideas hidden by a moderator or merged into another",
        purpose="similar ideas and themes of public ideas",
        legal_basis="legitimate interest (art. 6(1)(f))",
        starts="the idea's hiding or merging",
        default_days=30,
        action="delete",
        source="no use once an idea is not public; 30 days leave a moderator time to undo",
    ),
    RetentionRule(
        kind="outside_signals",
        data="outside feedback imported by product managers (ideas.outside): masked text, "
        "source, date, the post's address, a keyed hash of the author's handle",
        purpose="showing product managers what is said outside the portal about each theme",
        legal_basis="legitimate interest (art. 6(1)(f))",
        starts="the date it was posted outside",
        default_days=2 * YEAR,
        action="delete",
        source=(
            "no legal period; the trend reads 35 days, and two years let a theme be compared "
            "with the same months a year before. To be confirmed by the bank's data protection "
            "officer"
        ),
    ),
    RetentionRule(
        kind="signal_uploads",
        data="CSV files product managers uploaded whose columns were never mapped (raw exports "
        "from outside tools, not yet masked: texts, authors' handles, addresses)",
        purpose="the import form's two steps: the file waits while its columns are chosen",
        legal_basis="legitimate interest (art. 6(1)(f))",
        starts="the upload",
        default_days=1,
        action="delete",
        source=(
            "an upload is mapped within minutes; a file nobody mapped within a day is "
            "abandoned, and unmasked: deleted, its import marked refused so the product "
            "manager sees why"
        ),
    ),
    RetentionRule(
        kind="audit_exports",
        data="CSV files of the audit log that administrators exported (staff names, actions, "
        "ids; the row saying who asked for which export, when, stays with the audit log)",
        purpose="the administrator downloads the export the worker wrote for them",
        legal_basis="legal obligation (art. 6(1)(c)): the bank's internal control (arrêté "
        "du 3 novembre 2014)",
        starts="the request",
        default_days=7,
        action="delete",
        source=(
            "a file is downloaded within minutes of being written; the copies that matter are "
            "the ones the administrator keeps under the bank's own records policy, and the "
            "log itself stays here for its own period (audit_log)"
        ),
    ),
    RetentionRule(
        kind="webhook_deliveries",
        data="webhook deliveries (community.webhooks): each message sent to one of the bank's "
        "systems, as the endpoint's role sees the site (ideas, comments, complaints with their "
        "authors' display names and organisations, never an email address), its attempts and "
        "the first 1,000 characters of each answer",
        purpose="telling the bank's own systems (CRM, service desk, data lake) what happened, "
        "retrying, and showing administrators what was sent",
        legal_basis="legitimate interest (art. 6(1)(f)); complaints: legal obligation "
        "(art. 6(1)(c), ACPR 2022-R-01)",
        starts="the delivery's creation (one still being retried is kept until it ends)",
        default_days=30,
        action="delete",
        source=(
            "no legal period: the receiving system keeps its own copy; 30 days cover the 24 "
            "hours of retries, a resend after an incident and the receiving team's checks. An "
            "erased account's name is masked in stored payloads at once"
        ),
    ),
    RetentionRule(
        kind="masked_originals",
        data="texts as typed before personal data was masked",
        purpose="letting the bank check a masking, when it chooses to",
        legal_basis="legitimate interest (art. 6(1)(f))",
        starts="the publication",
        default_days=None,
        action="none",
        source=(
            "PII_KEEP_ORIGINALS_DAYS (default 0: not kept); purged by its own daily task "
            "ideas.tasks.purge_masked_originals"
        ),
    ),
    RetentionRule(
        kind="logs",
        data="web and worker logs: times, paths, account numbers (ids), never texts or names",
        purpose="operating and securing the service",
        legal_basis="legitimate interest and security (art. 6(1)(f), art. 32)",
        starts="the log line",
        default_days=None,
        action="none",
        source=(
            "written to standard output, kept by the bank's log platform: CNIL recommendation "
            "on logging (2021) advises 6 months to 1 year"
        ),
    ),
)

RULES = {rule.kind: rule for rule in SCHEDULE}


def retention_days(kind: str) -> int | None:
    """The period for `kind` in days: RETENTION_DAYS from the environment, else the default."""
    overrides: dict[str, int] = getattr(settings, "RETENTION_DAYS", {})
    rule = RULES[kind]
    if kind in overrides and rule.action != "none":
        return int(overrides[kind])
    return rule.default_days


def check_overrides(overrides: dict[str, object]) -> None:
    """Refuse a RETENTION_DAYS naming an unknown kind or a negative period (settings load)."""
    for kind, days in overrides.items():
        if kind not in RULES or RULES[kind].action == "none":
            known = ", ".join(rule.kind for rule in SCHEDULE if rule.action != "none")
            raise ImproperlyConfigured(f"RETENTION_DAYS: unknown kind {kind!r} (known: {known})")
        if int(str(days)) < 0:
            raise ImproperlyConfigured(f"RETENTION_DAYS: {kind} must be 0 or more days")
