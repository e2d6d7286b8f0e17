"""Administrators' pages for webhooks (under /webhooks/, the `webhooks` namespace, a staff
namespace: accounts.mfa holds them back until the session passed the second factor)."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.access import authenticated_user, require_permission
from accounts.roles import MANAGE_WEBHOOKS
from community.models import WebhookEndpoint
from community.webhooks import delivery as sending
from community.webhooks import selectors, services
from community.webhooks.catalog import EVENT_TYPES
from community.webhooks.forms import EndpointForm

DELIVERIES_PAGE_SIZE = 50


def _admin(request: HttpRequest) -> None:
    require_permission(request.user, MANAGE_WEBHOOKS, _("Webhooks are for administrators."))


def _add_errors(form: EndpointForm, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


@login_required
def endpoint_list(request: HttpRequest) -> HttpResponse:
    _admin(request)
    return render(request, "webhooks/list.html", {"endpoints": selectors.endpoints()})


def _detail(
    request: HttpRequest, endpoint: WebhookEndpoint, *, secret: str = "", status: int = 200
) -> HttpResponse:
    page = Paginator(selectors.deliveries_of(endpoint=endpoint), DELIVERIES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    labels = [str(EVENT_TYPES[code].label) for code in endpoint.events if code in EVENT_TYPES]
    context = {
        "endpoint": endpoint,
        "page": page,
        "secret": secret,
        "event_labels": labels,
        "overlap_hours": f"{settings.WEBHOOK_SECRET_OVERLAP_HOURS:g}",
    }
    return render(request, "webhooks/detail.html", context, status=status)


@never_cache
@login_required
def endpoint_create(request: HttpRequest) -> HttpResponse:
    """POST registers the endpoint and shows its page with the secret, on this answer only."""
    _admin(request)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.endpoint_create(
                actor=authenticated_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The endpoint is registered."))
            return _detail(request, endpoint, secret=secret, status=201)
    status = 400 if form.errors else 200
    return render(request, "webhooks/form.html", {"form": form}, status=status)


@never_cache
@login_required
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    return _detail(request, selectors.endpoint_get(pk=pk))


@login_required
def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    endpoint = selectors.endpoint_get(pk=pk)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "role": endpoint.role,
        "events": endpoint.events,
    }
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(
                actor=authenticated_user(request), endpoint=endpoint, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The endpoint is saved."))
            return redirect("webhooks:detail", pk=endpoint.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "endpoint": endpoint}
    return render(request, "webhooks/form.html", context, status=status)


@never_cache
@require_POST
@login_required
def endpoint_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    endpoint = selectors.endpoint_get(pk=pk)
    leaked = request.POST.get("overlap") == "none"
    secret = services.endpoint_rotate_secret(
        actor=authenticated_user(request), endpoint=endpoint, overlap_hours=0 if leaked else None
    )
    if leaked:
        messages.success(request, _("The endpoint has a new secret; the old one no longer signs."))
    else:
        messages.success(
            request,
            _(
                "The endpoint has a new secret. Until %(until)s each message carries two "
                "signatures, with the new and the old secret: update the receiver before then."
            )
            % {"until": f"{endpoint.previous_secret_until:%Y-%m-%d %H:%M} UTC"},
        )
    return _detail(request, endpoint, secret=secret)


@require_POST
@login_required
def endpoint_disable(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    endpoint = selectors.endpoint_get(pk=pk)
    if sending.endpoint_disable(
        endpoint=endpoint,
        reason=_("Disabled by an administrator."),
        actor=authenticated_user(request),
    ):
        messages.success(request, _("The endpoint is disabled: nothing is sent to it."))
    return redirect("webhooks:detail", pk=endpoint.pk)


@require_POST
@login_required
def endpoint_enable(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    endpoint = selectors.endpoint_get(pk=pk)
    if services.endpoint_enable(actor=authenticated_user(request), endpoint=endpoint):
        messages.success(
            request, _("The endpoint is enabled; deliveries that waited are being sent.")
        )
    return redirect("webhooks:detail", pk=endpoint.pk)


@require_POST
@login_required
def endpoint_test(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    endpoint = selectors.endpoint_get(pk=pk)
    delivery = services.endpoint_send_test(actor=authenticated_user(request), endpoint=endpoint)
    messages.success(request, _("A test event is on its way; its result is below."))
    return redirect("webhooks:delivery", pk=delivery.pk)


@login_required
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    delivery = selectors.delivery_get(pk=pk)
    context = {
        "delivery": delivery,
        "endpoint": delivery.endpoint,
        "attempts": selectors.attempts_of(delivery=delivery),
        "body": json.dumps(delivery.payload, ensure_ascii=False, indent=2),
    }
    return render(request, "webhooks/delivery.html", context)


@require_POST
@login_required
def delivery_resend(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    delivery = selectors.delivery_get(pk=pk)
    services.delivery_resend(actor=authenticated_user(request), delivery=delivery)
    messages.success(request, _("The delivery is being sent again."))
    return redirect("webhooks:delivery", pk=delivery.pk)
