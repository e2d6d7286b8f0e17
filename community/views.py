from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import authenticated_user
from community import selectors, services
from community.forms import CommentForm
from config.ratelimit import rate_limit
from ideas.selectors import idea_get_for_user


@require_POST
@login_required
@rate_limit("comment_create")
def comment_create(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = idea_get_for_user(user=request.user, pk=idea_pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        comment = services.comment_create(
            idea=idea, author=authenticated_user(request), body=form.cleaned_data["body"]
        )
        return redirect(f"{idea.get_absolute_url()}#comment-{comment.pk}")
    return render(request, "community/comment_form.html", {"form": form, "idea": idea}, status=400)


@login_required
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = selectors.comment_get(pk=pk)
    if not services.comment_can_edit(comment=comment, user=request.user):
        raise PermissionDenied(_("You cannot edit this comment."))
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            services.comment_update(
                comment=comment, editor=authenticated_user(request), body=form.cleaned_data["body"]
            )
            messages.success(request, _("Your comment was updated."))
            return redirect(f"{comment.idea.get_absolute_url()}#comment-{comment.pk}")
    else:
        form = CommentForm(initial={"body": comment.body})
    return render(
        request,
        "community/comment_form.html",
        {"form": form, "idea": comment.idea, "comment": comment},
    )


@require_POST
@login_required
def comment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    comment = selectors.comment_get(pk=pk)
    services.comment_remove(comment=comment, actor=authenticated_user(request))
    messages.success(request, _("The comment was removed."))
    return redirect(f"{comment.idea.get_absolute_url()}#comments")
