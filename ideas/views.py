from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import ChoiceField, Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import authenticated_user
from accounts.roles import user_answers_officially
from config.network import client_network
from config.page_cache import anonymous_page
from config.ratelimit import rate_limit
from config.redirects import next_path
from ideas import list_rows, search_rows, selectors, services
from ideas.cards import vote_button
from ideas.forms import IdeaCreateForm, IdeaFilterForm, IdeaForm, StatusChangeForm
from ideas.models import STATUS_TRANSITIONS, Idea, Status
from ideas.page_sections import COMMENTS, DETAIL, HOME, page_context, page_route
from ideas.pii_services import masked_notice
from ideas.search import full_text_available, highlighted


@anonymous_page
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "trending": list_rows.first_ideas(viewer=request.user, sort="trending", limit=6),
        "categories": list_rows.categories_with_counts(),
        "status_updates": list_rows.recent_answers(limit=5),
        **page_context(HOME, request=request),  # open campaigns
    }
    return render(request, "ideas/home.html", context)


@anonymous_page
def idea_list(request: HttpRequest) -> HttpResponse:
    """The idea list, one keyset page at a time (ideas/pagination.py): `?after=` / `?before=`
    carry the sort values of the last / first idea seen, so page 500 costs what page 1 does."""
    filters = IdeaFilterForm(request.GET)
    filters.is_valid()  # invalid values are dropped from cleaned_data and fall back to defaults
    chosen = filters.cleaned_data
    query = chosen.get("q") or ""
    sort = chosen.get("sort") or ("relevance" if query else "trending")
    if query and sort == "trending":  # the form's default: a search is ordered by relevance
        sort = "relevance"
    if not query and sort == "relevance":
        sort = "trending"
    category, status = chosen.get("category"), chosen.get("status") or None
    if query:  # counted first: a query with many matches is ranked among the most trending
        # Statements compiled once per process, as the list's below (ideas.search_rows).
        total = search_rows.search_count(
            viewer=request.user, category=category, status=status, query=query
        )
        page = search_rows.search_page(
            viewer=request.user,
            sort=sort,
            query=query,
            category=category,
            status=status,
            many_matches=total > selectors.SEARCH_COUNT_LIMIT,
            per_page=settings.IDEAS_PER_PAGE,
            after=request.GET.get("after", ""),
            before=request.GET.get("before", ""),
        )
    else:  # statements compiled once per process, rows as the cards' fragments need them
        total = list_rows.idea_count(viewer=request.user, category=category, status=status)
        page = list_rows.idea_page(
            viewer=request.user,
            sort=sort,
            category=category,
            status=status,
            per_page=settings.IDEAS_PER_PAGE,
            after=request.GET.get("after", ""),
            before=request.GET.get("before", ""),
        )
    if query:
        for idea in page:
            idea.snippet = highlighted(idea.headline)  # type: ignore[attr-defined]
    params = request.GET.copy()
    for key in ("after", "before", "page"):
        params.pop(key, None)
    context = {
        "page": page,
        "sort": sort,
        "filters": filters,
        "chosen": chosen,
        "query_string": params.urlencode(),
        # A search says "more than 1,000 ideas" rather than count every match of a common word.
        "total": min(total, selectors.SEARCH_COUNT_LIMIT),
        "more_than_total": total > selectors.SEARCH_COUNT_LIMIT,
        "full_text": full_text_available(),
        "categories": list_rows.categories_with_counts(),
        "statuses": Status.choices,
    }
    template = "ideas/_list_page.html" if request.htmx else "ideas/list.html"  # type: ignore[attr-defined]
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def my_ideas(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    ideas = selectors.ideas_by_author(author=user, viewer=user)
    page = Paginator(ideas, settings.IDEAS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "ideas/mine.html", {"page": page})


@anonymous_page
def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The author's staff role and badges are read only if the text is rendered (ideas.idea_text).
    try:
        idea = selectors.idea_get_for_user(user=request.user, pk=pk, people=False)
    except Http404:
        # A merged idea is nobody's to see (selectors.visible_to_member), so whether it was
        # merged is asked only when it was not found: one query fewer on every idea page.
        merged = selectors.idea_merged_away(pk=pk)
        if merged is None or merged.merged_into is None:
            raise
        if merged.is_hidden or merged.is_pending:  # its title was never public: not named
            messages.info(request, _("The idea you opened was merged into this one."))
        else:
            messages.info(
                request, _("“%(title)s” was merged into this idea.") % {"title": merged.title}
            )
        return redirect(merged.merged_into)
    if request.htmx and "comments" in request.GET:  # type: ignore[attr-defined]
        # "More comments": the next page of comments only, appended under the ones shown.
        context = {"idea": idea, **page_context(COMMENTS, request=request, idea=idea)}
        response = render(request, "ideas/_comments_page.html", context)
    else:
        response = render(request, "ideas/detail.html", _detail_context(request, idea))
    patch_vary_headers(response, ("HX-Request",))
    return response


def _detail_context(request: HttpRequest, idea: Idea, **extra: object) -> dict[str, object]:
    user = request.user
    is_staff = user_answers_officially(user)
    context: dict[str, object] = {
        "idea": idea,
        "new_label": Status.NEW.label,
        "history": selectors.idea_status_history(idea=idea),
        "can_edit": services.idea_can_edit(idea=idea, user=user),
        "can_answer": is_staff,
        "merged_from": selectors.ideas_merged_into(idea=idea),
        # Comments, their forms, following: the sections the apps above register.
        **page_context(DETAIL, request=request, idea=idea),
    }
    if is_staff:
        allowed = STATUS_TRANSITIONS[idea.status]
        form = StatusChangeForm()
        field = form.fields["to_status"]
        assert isinstance(field, ChoiceField)
        field.choices = [c for c in Status.choices if c[0] in allowed]
        context["status_form"] = form
    context.update(extra)
    return context


@login_required
@rate_limit("idea_create")
def idea_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = IdeaCreateForm(request.POST)
        if form.is_valid():
            # A complaint about one's own account is offered the complaints team instead.
            if (routed := page_route(request, form)) is not None:
                return routed
            try:
                idea = services.idea_create(author=authenticated_user(request), **form.cleaned_data)
            except ValidationError as error:  # e.g. a campaign that is closed to this author
                _add_service_errors(form, error)
            else:
                if idea.is_pending:
                    messages.success(
                        request,
                        _(
                            "Thank you! Your idea will be public once a moderator has reviewed "
                            "it. Meanwhile only you and the moderators can see it."
                        ),
                    )
                else:
                    messages.success(request, _("Thank you! Your idea is published."))
                if notice := masked_notice(target=idea, where="idea"):
                    messages.warning(request, notice)
                return redirect(idea)
    else:
        form = IdeaCreateForm(initial={"campaign": request.GET.get("campaign", "")})
    return render(request, "ideas/form.html", {"form": form})


def _add_service_errors(form: Form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


@login_required
@rate_limit("content_edit")
def idea_edit(request: HttpRequest, pk: int) -> HttpResponse:
    idea = selectors.idea_get_for_user(user=request.user, pk=pk)
    if not services.idea_can_edit(idea=idea, user=request.user):
        raise PermissionDenied(_("This idea can no longer be edited."))
    if request.method == "POST":
        form = IdeaForm(request.POST)
        if form.is_valid():
            try:
                services.idea_update(
                    idea=idea, editor=authenticated_user(request), **form.cleaned_data
                )
            except ValidationError as error:  # e.g. too long once personal data is hidden
                _add_service_errors(form, error)
            else:
                if idea.is_pending:
                    messages.success(
                        request,
                        _(
                            "Your changes will be public once a moderator has reviewed them. "
                            "Meanwhile only you and the moderators can see this idea."
                        ),
                    )
                else:
                    messages.success(request, _("Your idea was updated."))
                if notice := masked_notice(target=idea, where="idea"):
                    messages.warning(request, notice)
                return redirect(idea)
    else:
        form = IdeaForm(initial=IdeaForm.initial_for(idea))
    return render(request, "ideas/form.html", {"form": form, "idea": idea})


@require_POST
@login_required
@rate_limit("vote")
def idea_vote(request: HttpRequest, pk: int) -> HttpResponse:
    idea = selectors.idea_get_for_vote(user=request.user, pk=pk)
    wanted = request.POST.get("voted")
    voter, network = authenticated_user(request), client_network(request)
    try:
        if wanted in ("0", "1"):
            voted = wanted == "1"
            services.vote_set(user=voter, idea=idea, voted=voted, network=network)
        else:  # a bare POST flips the vote read with the idea (idea_get_for_vote): no extra query
            voted = not idea.viewer_voted  # type: ignore[attr-defined]
            services.vote_set(user=voter, idea=idea, voted=voted, network=network)
    except ValidationError as error:  # merged away while the vote was on its way
        return HttpResponse(" ".join(error.messages), status=409, content_type="text/plain")
    if request.htmx:  # type: ignore[attr-defined]
        idea.viewer_voted = voted  # type: ignore[attr-defined]
        return HttpResponse(vote_button(request, idea))  # ideas/_vote.html
    return redirect(next_path(request, default=idea.get_absolute_url()))


@require_POST
@login_required
@rate_limit("status_change")
def idea_change_status(request: HttpRequest, pk: int) -> HttpResponse:
    idea = selectors.idea_get_for_user(user=request.user, pk=pk)
    if not user_answers_officially(request.user):
        raise PermissionDenied(_("Only staff can change an idea's status."))
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        try:
            change = services.idea_change_status(
                idea=idea, actor=authenticated_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Status updated and the author notified."))
            if notice := masked_notice(target=change, where="response"):
                messages.warning(request, notice)
            return redirect(idea)
    context = _detail_context(request, idea, status_form=form)
    return render(request, "ideas/detail.html", context, status=400)
