"""The moderators' queue through the API: reported items, items waiting for approval, and the
queue's actions (approve, reject, hide, restore, dismiss...) straight from the registry
(community.moderation.actions), with the registry's own form and service, as the queue's
buttons. A new action in the registry is a new accepted `action` here, with no change."""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from accounts.roles import MODERATE_CONTENT
from community.api.common import errors, member
from community.api.pagination import PAGE_PARAMETERS, PageNumberPagination
from community.api.permissions import HasPermission
from community.api.serializers import IdeaRefSerializer, Input, page_of
from community.models import Comment
from community.moderation import selectors
from community.moderation.actions import ACTIONS, PENDING, QUEUE
from config.numbers import whole_number
from ideas.models import Idea

PENDING_MAX_PAGES = 20  # the waiting queue is read from its oldest: deep pages cost more


class Moderates(HasPermission):
    permission = MODERATE_CONTENT


class CommentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()


class ReasonCountSerializer(serializers.Serializer):
    reason = serializers.CharField()
    count = serializers.IntegerField()


def _actions(offered: str) -> list[str]:
    return [code for code, action in ACTIONS.items() if action.offered == offered]


class ReportedItemSerializer(serializers.Serializer):
    idea = IdeaRefSerializer()
    comment = CommentRefSerializer(allow_null=True)
    flag_count = serializers.IntegerField(source="count")
    reasons = serializers.SerializerMethodField()
    first_flagged_at = serializers.DateTimeField()
    actions = serializers.SerializerMethodField()

    @extend_schema_field(ReasonCountSerializer(many=True))
    def get_reasons(self, item: Any) -> list[dict[str, Any]]:
        return [{"reason": reason, "count": count} for reason, count in item.reasons]

    def get_actions(self, item: Any) -> list[str]:
        return _actions(QUEUE)


class WaitingItemSerializer(serializers.Serializer):
    idea = IdeaRefSerializer()
    comment = CommentRefSerializer(allow_null=True)
    pending_at = serializers.DateTimeField()
    seen = serializers.SerializerMethodField(
        help_text="The version this list shows (its updated_at): send it back to approve it."
    )
    reasons = serializers.ListField(child=serializers.CharField())
    actions = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DateTimeField())
    def get_seen(self, item: Any) -> str:
        post = item.comment or item.idea
        return serializers.DateTimeField().to_representation(post.updated_at)

    def get_actions(self, item: Any) -> list[str]:
        return _actions(PENDING)


class ActionSerializer(Input):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Why (kept in the audit log); required by every action but approve.",
    )
    seen = serializers.DateTimeField(
        required=False,
        help_text="Required by approve: the `seen` of the waiting list, so that only the version "
        "read is approved (400 if the author edited it since).",
    )


class ActionDoneSerializer(serializers.Serializer):
    action = serializers.CharField()
    changed = serializers.BooleanField(help_text="false when there was nothing left to do.")
    detail = serializers.CharField()


class ReportedListView(APIView):
    permission_classes = [Moderates]

    @extend_schema(
        operation_id="moderation_reported_list",
        summary="Reported ideas and comments, the longest-waiting first (moderators)",
        parameters=PAGE_PARAMETERS,
        responses={200: page_of(ReportedItemSerializer, numbered=True), **errors(400, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(selectors.flag_queue(), request, view=self)  # type: ignore[arg-type]
        items = selectors.flag_queue_items(list(rows or []))
        return paginator.get_paginated_response(ReportedItemSerializer(items, many=True).data)


class WaitingListView(APIView):
    permission_classes = [Moderates]

    @extend_schema(
        operation_id="moderation_waiting_list",
        summary="Ideas and comments waiting for approval, the oldest first (moderators)",
        parameters=PAGE_PARAMETERS,
        responses={200: page_of(WaitingItemSerializer, numbered=True), **errors(400, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        size = paginator.get_page_size(request) or 20
        number = whole_number(request.query_params.get("page", "1"))
        if number is None or not 1 <= number <= PENDING_MAX_PAGES:
            raise exceptions.ValidationError({"page": [f"From 1 to {PENDING_MAX_PAGES}."]})
        # The queue merges ideas and comments by age (selectors.pending_queue): a page is the
        # tail of the first `page * size` items.
        queue = selectors.pending_queue(limit=number * size)
        items = queue.items[(number - 1) * size :]
        if not items and number > 1:
            raise exceptions.NotFound()
        url = request.build_absolute_uri()
        more = number * size < queue.total and number < PENDING_MAX_PAGES
        return Response(
            {
                "count": queue.total,
                "next": replace_query_param(url, "page", number + 1) if more else None,
                "previous": replace_query_param(url, "page", number - 1) if number > 1 else None,
                "results": WaitingItemSerializer(items, many=True).data,
            }
        )


ACTION_PARAMETER = OpenApiParameter(
    "action",
    str,
    OpenApiParameter.PATH,
    enum=sorted(ACTIONS),
    description=f"A moderation action: {', '.join(sorted(ACTIONS))}.",
)


def _act(request: Request, action: str, idea: Idea, comment: Comment | None) -> Response:
    entry = ACTIONS.get(action)
    if entry is None:
        raise exceptions.NotFound()
    body = ActionSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    # The registry's form, as the queue page fills it (approve's `seen` included).
    form = entry.form(
        {"reason": body.validated_data.get("reason", ""), "seen": request.data.get("seen")}
    )
    if not form.is_valid():
        raise exceptions.ValidationError(
            {
                field: [str(message) for message in messages]
                for field, messages in form.errors.items()
            }
        )
    result = entry.service(
        actor=member(request),
        idea=idea,
        comment=comment,
        reason=form.cleaned_data["reason"],
        **form.service_arguments(),
    )
    return Response({"action": action, "changed": bool(result), "detail": str(entry.done)})


ACTION_SCHEMA = {
    "request": ActionSerializer,
    "parameters": [ACTION_PARAMETER],
    "responses": {200: ActionDoneSerializer, **errors(400, 403, 404, 415)},
}


class IdeaActionView(APIView):
    permission_classes = [Moderates]

    @extend_schema(
        operation_id="moderation_idea_action",
        summary="A moderation action on an idea (moderators)",
        **ACTION_SCHEMA,  # type: ignore[arg-type]
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        idea = get_object_or_404(Idea, pk=pk)
        return _act(request, action, idea, None)


class CommentActionView(APIView):
    permission_classes = [Moderates]

    @extend_schema(
        operation_id="moderation_comment_action",
        summary="A moderation action on a comment (moderators)",
        **ACTION_SCHEMA,  # type: ignore[arg-type]
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        comment = get_object_or_404(Comment.objects.select_related("idea", "author"), pk=pk)
        return _act(request, action, comment.idea, comment)
