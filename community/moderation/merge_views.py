"""Moderators merge a duplicate idea: pick the idea to keep, see what will move, confirm."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import authenticated_user, require_permission
from accounts.roles import MODERATE_CONTENT
from community.moderation import merging
from ideas.models import TITLE_MAX_LENGTH, Idea


class MergeSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search the idea to keep, by title or number"),
        max_length=TITLE_MAX_LENGTH,
        required=False,
    )


class MergeForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note for the authors (optional, kept in the audit log)"),
        max_length=merging.NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _idea(pk: int) -> Idea:
    return get_object_or_404(Idea.objects.select_related("author", "category"), pk=pk)


@login_required
def merge_pick(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the idea to keep: the most similar ideas first, or a search by title or number."""
    require_permission(request.user, MODERATE_CONTENT)
    source = _idea(pk)
    form = MergeSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    refusal = merging.merge_source_refusal(source=source)
    context = {
        "source": source,
        "form": form,
        "query": query,
        "refusal": refusal,
        "suggestions": [] if refusal else merging.merge_suggestions(source=source),
        "results": merging.merge_search(source=source, query=query) if query else None,
    }
    return render(request, "moderation/merge_pick.html", context, status=400 if refusal else 200)


@login_required
def merge_confirm(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    """GET shows both ideas and what will move; POST merges."""
    require_permission(request.user, MODERATE_CONTENT)
    source, target = _idea(pk), _idea(target_pk)
    form = MergeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = merging.idea_merge(
                actor=authenticated_user(request),
                source=source,
                target=target,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "“%(title)s” was merged into this idea. Moved: votes %(votes)s, comments "
                    "%(comments)s, followers %(followers)s."
                )
                % {
                    "title": source.title,
                    "votes": outcome.votes_moved,
                    "comments": outcome.comments_moved,
                    "followers": outcome.followers_moved,
                },
            )
            return redirect(target)
    refusal = merging.merge_refusal(source=source, target=target)
    context = {
        "source": source,
        "target": target,
        "form": form,
        "refusal": refusal,
        "preview": None if refusal else merging.merge_preview(source=source, target=target),
    }
    status = 400 if refusal or form.errors else 200
    return render(request, "moderation/merge_confirm.html", context, status=status)
