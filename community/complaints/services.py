"""Complaints handled privately: a member's complaint about their own account becomes a case for
the complaints team (moderators), with an acknowledgement and an answer deadline.

A case is seen only by its member and by moderators. Its text is never published, clustered,
scored or put in an email. Every staff action is audited in the same transaction and records an
event whose consumer tells the member (in the app, and by email as they chose). Deadlines:
community.complaints.deadlines.
"""

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Case, DateField, ExpressionWrapper, F, Q, QuerySet, When
from django.db.models.functions import TruncDate
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_permission
from accounts.audit import AuditAction, audit_record
from accounts.models import User
from accounts.roles import MODERATE_CONTENT, staff_role_of, users_with_permission
from community.complaints import deadlines as complaint_deadlines
from community.events import ComplaintAcknowledged, ComplaintAnswered, ComplaintOpened
from community.models import ComplaintCase, ComplaintStatus, ContentSentiment
from community.models.complaints import REFERENCE_PREFIX
from community.moderation.services import content_hide
from community.notifications import services as notifications
from config.outbox.events import record
from ideas.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Idea, Language
from ideas.pii_services import mask_texts
from ideas.sentiment.complaints import is_personal_complaint

# Public ideas the complaints queue checks for personal complaints: the latest ones the
# sentiment scorer flagged as complaints, at most this many, over this many days.
SUSPECTS_SCANNED = 200
SUSPECTS_DAYS = 60
# What the `person` template tag reads (staff badge, medals), fetched once per page.
PERSON_PREFETCH = (staff_role_of("member"), "member__badges")


def looks_like_personal_complaint(*, title: str, body: str, language: str) -> bool:
    personal, _reasons = is_personal_complaint(f"{title}\n{body}", language)
    return personal


def _deadlines(received: date) -> dict[str, date]:
    return {
        "acknowledge_by": complaint_deadlines.acknowledge_deadline(
            received, business_days=settings.COMPLAINT_ACK_BUSINESS_DAYS
        ),
        "answer_by": complaint_deadlines.answer_deadline(
            received, months=settings.COMPLAINT_ANSWER_MONTHS
        ),
    }


# --- writes -------------------------------------------------------------------------------------


@transaction.atomic
def complaint_open(
    *,
    member: User,
    subject: str,
    body: str,
    language: str,
    origin_idea: Idea | None = None,
    received: datetime | None = None,
    opened_by: User | None = None,
) -> ComplaintCase:
    """Open a case for `member`. Its deadlines run from `received` (default now), in the site's
    time zone. The reference needs the row's id, so it is set right after the insert.
    `opened_by` is the moderator who opened it for the member (who is then told), if not the
    member."""
    subject, body = subject.strip(), body.strip()
    errors: dict[str, str] = {}
    if not subject:
        errors["subject"] = _("Please say in a few words what went wrong.")
    elif len(subject) > TITLE_MAX_LENGTH:
        errors["subject"] = _("The subject is too long.")
    if not body:
        errors["body"] = _("Please describe what happened.")
    elif len(body) > BODY_MAX_LENGTH:
        errors["body"] = _("The description is too long.")
    if language not in Language.values:
        errors["language"] = _("Choose English or French.")
    if errors:
        raise ValidationError(errors)
    # The complaints team needs what happened, never a full card number or IBAN on this site: the
    # same masker as for ideas (a case made from an idea copies its text, masked already).
    masked = mask_texts(model=ComplaintCase, language=language, subject=subject, body=body)
    subject, body = masked["subject"], masked["body"]
    received = received or timezone.now()
    case = ComplaintCase.objects.create(
        reference=f"new-{secrets.token_hex(8)}",
        member=member,
        subject=subject,
        body=body,
        language=language,
        origin_idea=origin_idea,
        **_deadlines(timezone.localdate(received)),
    )
    year = timezone.localdate(case.created_at).year
    case.reference = f"{REFERENCE_PREFIX}-{year}-{case.pk:05d}"
    case.save(update_fields=["reference"])
    record(ComplaintOpened(case_id=case.pk, opened_by_id=opened_by.pk if opened_by else None))
    return case


def _locked(case: ComplaintCase) -> ComplaintCase:
    return (
        ComplaintCase.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=case.pk)
    )


@transaction.atomic
def complaint_acknowledge(*, actor: User, case: ComplaintCase) -> bool:
    """Tell the member their complaint was received and is being handled. Once only: the row is
    locked, so two moderators clicking at once acknowledge (audit, notify) once."""
    require_permission(actor, MODERATE_CONTENT)
    fresh = _locked(case)
    if fresh.acknowledged_at is not None or fresh.status != ComplaintStatus.OPEN:
        return False
    fresh.acknowledged_at, fresh.acknowledged_by = timezone.now(), actor
    fresh.status = ComplaintStatus.ACKNOWLEDGED
    fresh.save(update_fields=["acknowledged_at", "acknowledged_by", "status"])
    audit_record(
        actor=actor,
        action=AuditAction.COMPLAINT_ACKNOWLEDGE,
        target=fresh,
        summary=_("Acknowledged complaint %(reference)s") % {"reference": fresh.reference},
        before={"status": ComplaintStatus.OPEN, "acknowledge_by": fresh.acknowledge_by.isoformat()},
        after={"status": fresh.status, "late": timezone.localdate() > fresh.acknowledge_by},
    )
    record(ComplaintAcknowledged(case_id=fresh.pk, actor_id=actor.pk))
    return True


@transaction.atomic
def complaint_answer(*, actor: User, case: ComplaintCase, answer: str) -> bool:
    """Give the member the complaints team's answer (required). An answer also acknowledges a
    case nobody acknowledged yet. Once only, as for acknowledging."""
    require_permission(actor, MODERATE_CONTENT)
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer to the member.")})
    if len(answer) > BODY_MAX_LENGTH:
        raise ValidationError({"answer": _("The answer is too long.")})
    answer = mask_texts(model=ComplaintCase, language=case.language, answer=answer)["answer"]
    fresh = _locked(case)
    if fresh.answered_at is not None or fresh.status == ComplaintStatus.CLOSED:
        return False
    before = {"status": fresh.status, "answer_by": fresh.answer_by.isoformat()}
    now = timezone.now()
    if fresh.acknowledged_at is None:
        fresh.acknowledged_at, fresh.acknowledged_by = now, actor
    fresh.answered_at, fresh.answered_by, fresh.answer = now, actor, answer
    fresh.status = ComplaintStatus.ANSWERED
    fresh.save(
        update_fields=[
            "acknowledged_at",
            "acknowledged_by",
            "answered_at",
            "answered_by",
            "answer",
            "status",
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.COMPLAINT_ANSWER,
        target=fresh,
        summary=_("Answered complaint %(reference)s") % {"reference": fresh.reference},
        before=before,
        after={
            "status": fresh.status,
            "late": timezone.localdate() > fresh.answer_by,
            "answer_length": len(answer),
        },
    )
    record(ComplaintAnswered(case_id=fresh.pk, actor_id=actor.pk))
    return True


@transaction.atomic
def complaint_from_idea(*, actor: User, idea: Idea, note: str = "") -> ComplaintCase:
    """A moderator finds that a public idea is a personal complaint: a private case opens for its
    author (deadlines from when the idea was posted, when the member first complained), the idea
    is hidden with the case's reference as reason, and the author is told where it went."""
    require_permission(actor, MODERATE_CONTENT)
    idea = Idea.objects.select_for_update(of=("self",)).select_related("author").get(pk=idea.pk)
    if ComplaintCase.objects.filter(origin_idea=idea).exists():
        raise ValidationError(_("This idea is already a complaint case."))
    case = complaint_open(
        member=idea.author,
        subject=idea.title,
        body=idea.body,
        language=idea.language,
        origin_idea=idea,
        received=idea.created_at,
        opened_by=actor,  # the member is told (ComplaintOpened's consumer)
    )
    before = {"idea": idea.pk, "hidden": idea.is_hidden, "pending": idea.is_pending}
    reason = _("Personal complaint, handled privately by the complaints team as %(ref)s") % {
        "ref": case.reference
    }
    note = note.strip()
    content_hide(actor=actor, idea=idea, reason=f"{reason}: {note}" if note else reason)
    audit_record(
        actor=actor,
        action=AuditAction.COMPLAINT_CONVERT,
        target=case,
        summary=_("Turned idea #%(pk)s into complaint %(reference)s")
        % {"pk": idea.pk, "reference": case.reference},
        before=before,
        after={"idea": idea.pk, "hidden": True, "case": case.reference, "note": note},
    )
    return case


def complaint_moderators() -> QuerySet[User]:
    """Active people who handle complaints (MODERATE_CONTENT, or superusers)."""
    return users_with_permission(MODERATE_CONTENT)


def complaint_reminders_send(*, today: date | None = None) -> int:
    """Remind every moderator once of each deadline within COMPLAINT_REMINDER_BUSINESS_DAYS
    business days (or past) that is not met yet. Returns how many reminders went out.

    Safe to run twice, even at the same time: 1. a reminder is claimed with a conditional update
    of its `*_reminded_at` (only one run sees 1 row changed); 2. the notifications are created
    in the same transaction, so a failure releases the claim; 3. their unique keys would stop a
    second copy anyway.
    """
    today = today or timezone.localdate()
    horizon = complaint_deadlines.reminder_horizon(
        today, business_days=settings.COMPLAINT_REMINDER_BUSINESS_DAYS
    )
    steps: list[tuple[str, str, str, Q]] = [
        (
            "ack",
            "acknowledge_by",
            "ack_reminded_at",
            Q(status=ComplaintStatus.OPEN, acknowledged_at__isnull=True),
        ),
        (
            "answer",
            "answer_by",
            "answer_reminded_at",
            Q(status__in=[ComplaintStatus.OPEN, ComplaintStatus.ACKNOWLEDGED]),
        ),
    ]
    moderators = list(complaint_moderators())
    if not moderators:  # nobody to tell: keep the reminders for when there is someone
        return 0
    sent = 0
    for step, deadline_field, reminded_field, pending in steps:
        due = ComplaintCase.objects.filter(
            pending, **{f"{deadline_field}__lte": horizon, f"{reminded_field}__isnull": True}
        )
        for case in due.order_by(deadline_field, "pk"):
            with transaction.atomic():
                # `pending` again: a case answered since the list was read needs no reminder.
                claimed = ComplaintCase.objects.filter(
                    pending, pk=case.pk, **{f"{reminded_field}__isnull": True}
                ).update(**{reminded_field: timezone.now()})
                if not claimed:
                    continue
                notifications.notify_complaint_deadline(
                    case=case,
                    recipients=moderators,
                    step=step,
                    deadline=getattr(case, deadline_field),
                    url=reverse("moderation:complaint", args=[case.pk]),
                )
                sent += 1
    return sent


# --- reads --------------------------------------------------------------------------------------


def complaint_get_for_user(*, user: Any, reference: str) -> ComplaintCase:
    """The one access rule for a member's case page: its member, or a moderator (404 else)."""
    case = ComplaintCase.objects.select_related("member").filter(reference=reference).first()
    if case is None or not (case.member_id == user.pk or user.has_perm(MODERATE_CONTENT)):
        raise Http404
    return case


def complaints_of(*, member: User) -> QuerySet[ComplaintCase]:
    return ComplaintCase.objects.filter(member=member).order_by("-created_at", "-pk")


def _with_next_deadline(cases: QuerySet[ComplaintCase], today: date) -> QuerySet[ComplaintCase]:
    return cases.annotate(
        next_deadline=Case(
            When(acknowledged_at__isnull=True, then=F("acknowledge_by")),
            default=F("answer_by"),
            output_field=DateField(),
        )
    ).annotate(
        overdue=ExpressionWrapper(Q(next_deadline__lt=today), output_field=BooleanField()),
    )


def complaint_queue(*, today: date | None = None) -> QuerySet[ComplaintCase]:
    """Cases still waiting for an answer, nearest deadline first, so the late ones come first
    (each has `next_deadline`, `overdue`)."""
    today = today or timezone.localdate()
    waiting = (
        ComplaintCase.objects.filter(
            status__in=[ComplaintStatus.OPEN, ComplaintStatus.ACKNOWLEDGED]
        )
        .select_related("member")
        .prefetch_related(*PERSON_PREFETCH)
    )
    return _with_next_deadline(waiting, today).order_by("next_deadline", "created_at", "pk")


def complaints_answered(*, limit: int = 20) -> QuerySet[ComplaintCase]:
    """The latest answered cases, each with `late` (answered after its answer deadline)."""
    answered_on = TruncDate("answered_at", tzinfo=timezone.get_current_timezone())
    answered = (
        ComplaintCase.objects.filter(answered_at__isnull=False)
        .select_related("member", "answered_by")
        .annotate(late=ExpressionWrapper(Q(answer_by__lt=answered_on), output_field=BooleanField()))
    )
    return answered.order_by("-answered_at", "-pk")[:limit]


def complaint_get_for_staff(*, pk: int) -> ComplaintCase:
    case = (
        _with_next_deadline(ComplaintCase.objects.all(), timezone.localdate())
        .select_related("member", "acknowledged_by", "answered_by", "origin_idea")
        .prefetch_related(*PERSON_PREFETCH, staff_role_of("answered_by"), "answered_by__badges")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


def public_ideas_that_look_like_complaints(*, limit: int = 10) -> list[Idea]:
    """Recent public ideas flagged as complaints by the sentiment scorer that also read as a
    personal complaint about the author's own account, and are no case yet (newest first)."""
    since = timezone.now() - timedelta(days=SUSPECTS_DAYS)
    flagged = ContentSentiment.objects.filter(
        complaint=True, comment__isnull=True, idea__created_at__gte=since
    ).values("idea_id")
    candidates = (
        Idea.objects.public()
        .filter(pk__in=flagged, complaint_cases__isnull=True)
        .select_related("author")
        .prefetch_related(staff_role_of("author"), "author__badges")
        .order_by("-created_at")[:SUSPECTS_SCANNED]
    )
    found = [
        idea
        for idea in candidates
        if looks_like_personal_complaint(title=idea.title, body=idea.body, language=idea.language)
    ]
    return found[:limit]
