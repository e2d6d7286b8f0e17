from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from accounts.access import authenticated_user
from accounts.forms import AccountDeleteForm, ProfileForm
from accounts.languages import supported_language
from accounts.privacy import (
    CONSENT_SESSION_KEY,
    account_delete,
    account_delete_refusal,
    consent_fingerprint,
    consents_missing,
    consents_record,
    personal_data_export,
)
from accounts.profile_sections import OWN, PUBLIC, profile_context
from accounts.retention_schedule import SCHEDULE
from accounts.selectors import member_get_for_viewer, member_is_partner
from accounts.services import SEGMENT_FIELDS, user_set_language, user_update_profile
from config.ratelimit import is_rate_limited, rate_limit, too_many_requests
from config.redirects import next_path


@login_required
@rate_limit("settings_update")
def profile(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=user)
        if form.is_valid():
            try:
                user_update_profile(
                    user=user,
                    display_name=form.cleaned_data["display_name"],
                    profile_public=form.cleaned_data["profile_public"],
                    segments={name: form.cleaned_data[name] for name in SEGMENT_FIELDS},
                    language=form.cleaned_data["preferred_language"] or None,
                )
            except PermissionDenied as refusal:  # a sanctioned member's new name
                user.refresh_from_db()  # the form had set the refused values on it
                form.add_error("display_name", str(refusal))
            else:
                messages.success(request, _("Your profile was updated."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(instance=user)
    # Their ideas, votes and comments: the sections the apps above register.
    context = {"form": form, **profile_context(OWN, member=user, viewer=user, request=request)}
    return render(request, "accounts/profile.html", context)


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The header's EN/FR switcher: Django's set_language (the cookie, back to `next`). Signed
    in, the choice also becomes the language of the member's emails (accounts.languages), as
    the profile page says: one "my language", not two settings that drift apart."""
    response = set_language(request)
    language = supported_language(request.POST.get("language"))
    if request.user.is_authenticated and language and response.status_code < 400:
        user_set_language(user=authenticated_user(request), language=language)
    return response


@require_GET
def member_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's public page: name, badges, points, ideas (404 when private to this viewer)."""
    member = member_get_for_viewer(viewer=request.user, pk=pk)
    context = {
        "member": member,
        "is_partner": member_is_partner(member),
        "is_private": not member.profile_public,
        # Ideas (`page`), badges, points, comment count: the sections the apps above register.
        **profile_context(PUBLIC, member=member, viewer=request.user, request=request),
    }
    return render(request, "accounts/member.html", context)


# --- Privacy: the member's data, their account, their consent -------------------------------------


@login_required
@require_GET
@never_cache
def data_download(request: HttpRequest) -> HttpResponse:
    """Everything Ruche holds about the member, as a JSON file."""
    # A GET, which config.ratelimit.rate_limit leaves alone: the file is costly to build.
    if is_rate_limited(request, "data_export"):
        return too_many_requests(request, "data_export")
    data = personal_data_export(user=authenticated_user(request))
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="ruche-my-data-{stamp}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("account_delete")  # password guesses
def delete(request: HttpRequest) -> HttpResponse:
    """Delete my account: the password again and the keep/remove choice, then a goodbye page."""
    user = authenticated_user(request)
    refusal = account_delete_refusal(user=user)
    if refusal:
        status = 403 if request.method == "POST" else 200
        return render(request, "accounts/delete.html", {"refusal": refusal}, status=status)
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        account_delete(user=user, keep_content=form.keep_content)
        logout(request)
        return redirect("accounts:goodbye")
    return render(request, "accounts/delete.html", {"form": form})


@require_GET
def goodbye(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/goodbye.html")


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    context = {
        "version": settings.PRIVACY_NOTICE_VERSION,
        "keep_originals_days": settings.PII_KEEP_ORIGINALS_DAYS,
        # The periods in force (RETENTION_DAYS or the schedule's defaults), in days.
        "retention": {rule.kind: rule.days for rule in SCHEDULE},
    }
    return render(request, "pages/privacy.html", context)


@require_GET
def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/terms.html", {"version": settings.TERMS_VERSION})


@login_required
@require_POST
def consent_accept(request: HttpRequest) -> HttpResponse:
    """Accept the current terms and privacy notice (the banner shown after a new version)."""
    user = authenticated_user(request)
    consents_record(user=user, documents=consents_missing(user=user))
    request.session[CONSENT_SESSION_KEY] = consent_fingerprint()
    messages.success(request, _("Thank you. You accepted the current terms and privacy notice."))
    return redirect(next_path(request, default=reverse("ideas:home")))
