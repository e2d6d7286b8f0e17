from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import authenticated_user
from community.comments import selectors, services
from community.comments.forms import CommentForm
from config.numbers import whole_number
from config.ratelimit import rate_limit
from ideas.pii_services import masked_notice
from ideas.selectors import idea_get_for_user


@require_POST
@login_required
@rate_limit("comment_create")
def comment_create(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = idea_get_for_user(user=request.user, pk=idea_pk)
    form = CommentForm(request.POST)
    parent = None
    valid = form.is_valid()
    if asked := request.POST.get("parent", ""):
        # A reply whose comment is gone (deleted meanwhile, or a mangled form) keeps its text:
        # the form comes back with the reason rather than a 404 or a top-level comment.
        number = whole_number(asked)
        parent = selectors.comment_find(pk=number) if number is not None else None
        if parent is None and valid:
            form.add_error(None, _("The comment you replied to is no longer there."))
            valid = False
    if valid:
        try:
            comment = services.comment_create(
                idea=idea,
                author=authenticated_user(request),
                body=form.cleaned_data["body"],
                parent=parent,
            )
        except ValidationError as error:
            # Flattened: the form has no field for an error about the idea or the parent.
            form.add_error(None, error.messages)
        else:
            if comment.is_pending:
                messages.success(
                    request,
                    _(
                        "Thank you! Your comment will be visible to everyone once a moderator "
                        "has reviewed it."
                    ),
                )
            if notice := masked_notice(target=comment, where="comment"):
                messages.warning(request, notice)
            return redirect(comment.get_absolute_url())
    context = {"form": form, "idea": idea, "parent": parent}
    return render(request, "community/comment_form.html", context, status=400)


@login_required
@rate_limit("content_edit")
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = selectors.comment_get(pk=pk)
    if not services.comment_can_edit(comment=comment, user=request.user):
        raise PermissionDenied(_("You cannot edit this comment."))
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.comment_update(
                    comment=comment,
                    editor=authenticated_user(request),
                    body=form.cleaned_data["body"],
                )
            except ValidationError as error:  # e.g. too long once personal data is hidden
                form.add_error(None, error)
            else:
                if comment.is_pending:
                    messages.success(
                        request,
                        _(
                            "Your changes will be visible to everyone once a moderator has "
                            "reviewed them. Meanwhile only you and the moderators can see this "
                            "comment."
                        ),
                    )
                else:
                    messages.success(request, _("Your comment was updated."))
                if notice := masked_notice(target=comment, where="comment"):
                    messages.warning(request, notice)
                return redirect(comment.get_absolute_url())
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
