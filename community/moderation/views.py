"""Flags from members, the moderators' queue, and the admins' audit log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import audit, audit_exports
from accounts.access import authenticated_user, require_permission
from accounts.roles import CHANGE_IDEA_STATUS, MODERATE_CONTENT, VIEW_AUDIT
from community.comments import selectors
from community.models import Comment
from community.moderation import needs_answer as needs_answer_selectors
from community.moderation import selectors as moderation_selectors
from community.moderation import services as moderation_services
from community.moderation.actions import ACTIONS, PENDING, QUEUE, buttons
from community.moderation.forms import AuditFilterForm, FlagForm
from config.ratelimit import rate_limit
from config.redirects import next_path
from ideas.models import Idea
from ideas.selectors import idea_get_for_user

QUEUE_PAGE_SIZE = 25
# Waiting items shown at once, oldest first: approving or rejecting brings up the next ones.
PENDING_SHOWN = 25
NEEDS_ANSWER_PAGE_SIZE = 25
AUDIT_PAGE_SIZE = 50


def _flag(request: HttpRequest, idea: Idea, comment: Comment | None) -> HttpResponse:
    form = FlagForm(request.POST)
    if form.is_valid():
        try:
            moderation_services.flag_create(
                reporter=authenticated_user(request),
                idea=idea,
                comment=comment,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you. The moderators will review your report."))
            return redirect(comment.get_absolute_url() if comment else idea.get_absolute_url())
    context = {"form": form, "idea": idea, "comment": comment}
    return render(request, "community/flag_form.html", context, status=400)


@require_POST
@login_required
@rate_limit("flag")
def idea_flag(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = idea_get_for_user(user=request.user, pk=idea_pk)
    return _flag(request, idea, None)


@require_POST
@login_required
@rate_limit("flag")
def comment_flag(request: HttpRequest, pk: int) -> HttpResponse:
    comment = selectors.comment_get(pk=pk)
    idea = idea_get_for_user(user=request.user, pk=comment.idea_id)
    return _flag(request, idea, comment)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, MODERATE_CONTENT)
    page = Paginator(moderation_selectors.flag_queue(), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = moderation_selectors.flag_queue_items(list(page.object_list))
    context = {
        "page": page,
        "items": items,
        "item_actions": buttons(QUEUE),
        "pending": moderation_selectors.pending_queue(limit=PENDING_SHOWN),
        "pending_actions": buttons(PENDING),
    }
    return render(request, "moderation/queue.html", context)


@login_required
def needs_answer(request: HttpRequest) -> HttpResponse:
    """Unhappy ideas and threads that no staff member answered yet, most urgent first."""
    require_permission(request.user, CHANGE_IDEA_STATUS, _("This page is for staff."))
    page = Paginator(needs_answer_selectors.ideas_needing_answer(), NEEDS_ANSWER_PAGE_SIZE)
    median = needs_answer_selectors.median_first_response()
    context = {
        "page": page.get_page(request.GET.get("page")),
        "median_hours": median.total_seconds() / 3600 if median is not None else None,
    }
    return render(request, "moderation/needs_answer.html", context)


def _act(request: HttpRequest, action: str, idea: Idea, comment: Comment | None) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    entry = ACTIONS[action]
    form = entry.form(request.POST)
    if form.is_valid():
        try:
            entry.service(
                actor=authenticated_user(request),
                idea=idea,
                comment=comment,
                reason=form.cleaned_data["reason"],
                **form.service_arguments(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, str(entry.done))
            return redirect(next_path(request, default=reverse("moderation:queue")))
    context = {"form": form, "idea": idea, "comment": comment, "action": action}
    return render(request, "moderation/action_form.html", context, status=400)


@require_POST
@login_required
def idea_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    require_permission(request.user, MODERATE_CONTENT)
    idea = get_object_or_404(Idea, pk=pk)
    return _act(request, action, idea, None)


@require_POST
@login_required
def comment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    require_permission(request.user, MODERATE_CONTENT)
    comment = get_object_or_404(Comment.objects.select_related("idea", "author"), pk=pk)
    return _act(request, action, comment.idea, comment)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, VIEW_AUDIT, _("The audit log is for administrators."))
    exports = audit_exports.audit_exports_of(actor=authenticated_user(request))
    pending = any(row.export.state in audit_exports.PENDING for row in exports)
    context = {"exports": exports, "exports_pending": pending}
    if request.headers.get("HX-Request"):  # the list of exports asking for itself: that alone
        return render(request, "moderation/_audit_exports.html", context)
    form = AuditFilterForm(request.GET)
    action = form.cleaned_data["action"] if form.is_valid() else ""
    entries = audit.audit_entries(action=action)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    # Named whole under the list too: a phone cuts a long name in the list (the CSS shows it there).
    label = audit.AUDIT_TYPES.get(action, "") if action else ""
    context |= {"page": page, "form": form, "action": action, "action_label": label}
    return render(request, "moderation/audit.html", context)


@require_POST
@login_required
@rate_limit("audit_export")
def audit_export(request: HttpRequest) -> HttpResponse:
    """Ask the worker for a CSV file of the log (with the page's filter); the page lists it."""
    form = AuditFilterForm(request.POST)
    if not form.is_valid():  # a kind that does not exist: not an export of every kind instead
        messages.error(request, _("No such kind of entry: nothing was exported."))
        return redirect(f"{reverse('moderation:audit')}#exports")
    action = form.cleaned_data["action"]
    audit_exports.audit_export_request(actor=authenticated_user(request), action=action)
    messages.success(
        request,
        _("Export asked for. “Your exports” below says when it is ready to download."),
    )
    query = f"?{urlencode({'action': action})}" if action else ""
    return redirect(f"{reverse('moderation:audit')}{query}#exports")


@require_GET
@login_required
def audit_export_download(request: HttpRequest, pk: int) -> FileResponse:
    export, file = audit_exports.audit_export_for_download(actor=authenticated_user(request), pk=pk)
    name = f"ruche-audit-{timezone.localtime(export.up_to):%Y%m%d-%H%M}.csv"
    return FileResponse(
        file, as_attachment=True, filename=name, content_type="text/csv; charset=utf-8"
    )
