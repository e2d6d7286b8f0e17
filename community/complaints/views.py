"""Complaints: members make one (directly, or from the idea form's offer) and follow it; the
complaints team (MODERATE_CONTENT) works through the queue under /moderation/complaints/."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import authenticated_user, require_permission
from accounts.roles import MODERATE_CONTENT
from community.complaints import services as complaints
from community.complaints.forms import (
    ROUTE_PRIVATE,
    ROUTE_PUBLISH,
    ComplaintAnswerForm,
    ComplaintConvertForm,
    ComplaintForm,
)
from community.models import ComplaintCase
from config.ratelimit import rate_limit
from ideas.models import Idea


def _add_errors(form: Form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def _terms() -> dict[str, int]:
    """The deadlines promised to members, as configured."""
    return {
        "ack_days": settings.COMPLAINT_ACK_BUSINESS_DAYS,
        "answer_months": settings.COMPLAINT_ANSWER_MONTHS,
    }


def _opened(request: HttpRequest, case: ComplaintCase) -> HttpResponse:
    messages.success(
        request,
        _(
            "Your complaint was sent privately to our complaints team. Its reference is "
            "%(reference)s."
        )
        % {"reference": case.reference},
    )
    return redirect(case)


# --- members ------------------------------------------------------------------------------------


def idea_or_complaint(request: HttpRequest, form: Form) -> HttpResponse | None:
    """For the idea form (ideas.views.idea_create), once it is valid and before anything is
    saved: a text that reads as a personal complaint gets the offer to send it privately
    instead (the form again, with two buttons). Returns None to publish the idea as usual."""
    route = request.POST.get("route", "")
    data = form.cleaned_data
    if route == ROUTE_PUBLISH:
        return None
    if route == ROUTE_PRIVATE:
        case = complaints.complaint_open(
            member=authenticated_user(request),
            subject=data["title"],
            body=data["body"],
            language=data["language"],
        )
        return _opened(request, case)
    if not complaints.looks_like_personal_complaint(
        title=data["title"], body=data["body"], language=data["language"]
    ):
        return None
    context = {"form": form, "complaint_offer": True, **_terms()}
    return render(request, "ideas/form.html", context)


@login_required
@rate_limit("complaint_create")
def complaint_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ComplaintForm(request.POST)
        if form.is_valid():
            try:
                case = complaints.complaint_open(
                    member=authenticated_user(request), **form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return _opened(request, case)
    else:
        form = ComplaintForm()
    return render(request, "complaints/form.html", {"form": form, **_terms()})


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    cases = complaints.complaints_of(member=authenticated_user(request))
    return render(request, "complaints/list.html", {"cases": cases})


@login_required
def complaint_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = complaints.complaint_get_for_user(user=request.user, reference=reference)
    return render(request, "complaints/detail.html", {"case": case})


# --- the complaints team ------------------------------------------------------------------------


@login_required
def complaint_queue(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, MODERATE_CONTENT)
    context = {
        "cases": complaints.complaint_queue(),
        "answered": complaints.complaints_answered(),
        "suspects": complaints.public_ideas_that_look_like_complaints(),
        "convert_form": ComplaintConvertForm(),
        "today": timezone.localdate(),
    }
    return render(request, "complaints/queue.html", context)


def _staff_page(
    request: HttpRequest, pk: int, answer_form: ComplaintAnswerForm | None = None, status: int = 200
) -> HttpResponse:
    case = complaints.complaint_get_for_staff(pk=pk)
    context = {
        "case": case,
        "answer_form": answer_form or ComplaintAnswerForm(),
        "today": timezone.localdate(),
    }
    return render(request, "complaints/staff_detail.html", context, status=status)


@login_required
def complaint_staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_permission(request.user, MODERATE_CONTENT)
    return _staff_page(request, pk)


@require_POST
@login_required
def complaint_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    require_permission(request.user, MODERATE_CONTENT)
    case = get_object_or_404(ComplaintCase, pk=pk)
    if complaints.complaint_acknowledge(actor=authenticated_user(request), case=case):
        messages.success(request, _("Acknowledged: the member was told."))
    else:
        messages.info(request, _("This complaint was already acknowledged."))
    return redirect("moderation:complaint", pk=case.pk)


@require_POST
@login_required
def complaint_answer(request: HttpRequest, pk: int) -> HttpResponse:
    require_permission(request.user, MODERATE_CONTENT)
    case = get_object_or_404(ComplaintCase, pk=pk)
    form = ComplaintAnswerForm(request.POST)
    if form.is_valid():
        try:
            done = complaints.complaint_answer(
                actor=authenticated_user(request), case=case, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if done:
                messages.success(request, _("Answered: the member was told."))
                return redirect("moderation:complaint", pk=case.pk)
            # Another moderator answered first: this answer was not sent, and is shown back
            # (to copy into a follow-up), not dropped.
            form.add_error(
                None,
                _(
                    "Another member of the team answered this complaint meanwhile, so your "
                    "answer was not sent. It is below, to copy if it adds something."
                ),
            )
            return _staff_page(request, pk, answer_form=form, status=409)
    return _staff_page(request, pk, answer_form=form, status=400)


@login_required
def complaint_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """ "This is a personal complaint": GET asks to confirm, POST turns the idea into a case."""
    require_permission(request.user, MODERATE_CONTENT)
    idea = get_object_or_404(Idea.objects.select_related("author"), pk=pk)
    form = ComplaintConvertForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            case = complaints.complaint_from_idea(
                actor=authenticated_user(request), idea=idea, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The idea is hidden and its author has complaint %(reference)s.")
                % {"reference": case.reference},
            )
            return redirect("moderation:complaint", pk=case.pk)
    status = 400 if form.is_bound else 200
    return render(request, "complaints/convert.html", {"idea": idea, "form": form}, status=status)
