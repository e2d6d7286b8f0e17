"""The moderators' "Vote rings" page: what the worker found, and discount / restore / dismiss."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import authenticated_user, require_permission
from accounts.roles import MODERATE_CONTENT
from community.models import VoteRing
from community.moderation.forms import ModerationActionForm
from community.moderation.vote_rings import services

PAGE_SIZE = 20
ACTIONS = ("discount", "restore", "dismiss")


def _list_page(
    request: HttpRequest,
    *,
    failed: VoteRing | None = None,
    form: ModerationActionForm | None = None,
) -> HttpResponse:
    page = Paginator(services.vote_rings_for_review(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "failed_ring": failed.pk if failed else None, "dismiss_form": form}
    return render(request, "moderation/vote_rings.html", context, status=400 if failed else 200)


@login_required
def vote_rings(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, MODERATE_CONTENT)
    return _list_page(request)


@require_POST
@login_required
def vote_ring_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    require_permission(request.user, MODERATE_CONTENT)
    if action not in ACTIONS:
        raise Http404
    ring = get_object_or_404(VoteRing.objects.select_related("idea"), pk=pk)
    actor = authenticated_user(request)
    try:
        if action == "discount":
            n = services.vote_ring_discount(actor=actor, ring=ring)
            done = _("%(n)s votes no longer count.") % {"n": n}
        elif action == "restore":
            n = services.vote_ring_restore(actor=actor, ring=ring)
            done = _("%(n)s votes count again; the ring is back in review.") % {"n": n}
        else:
            form = ModerationActionForm(request.POST)
            if not form.is_valid():
                return _list_page(request, failed=ring, form=form)
            services.vote_ring_dismiss(actor=actor, ring=ring, reason=form.cleaned_data["reason"])
            done = _("The vote ring was dismissed; its votes still count.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(reverse("moderation:vote_rings") + f"#vote-ring-{ring.pk}")
