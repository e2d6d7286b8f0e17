"""The caller's notifications (community.notifications.services): the list, newest first, and
marking them read, one or all, as the bell's page does."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api.common import errors, member
from community.api.pagination import PAGE_PARAMETERS, PageNumberPagination
from community.api.permissions import SignedIn
from community.api.serializers import Input, page_of
from community.models import NotificationKind
from community.notifications import services


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    title = serializers.CharField(source="text", help_text="In the request's language.")
    body = serializers.CharField()
    url = serializers.CharField(help_text="The page it is about, on this site.")
    idea = serializers.IntegerField(source="idea_id", allow_null=True)
    created_at = serializers.DateTimeField()
    read = serializers.SerializerMethodField()

    def get_read(self, notification: object) -> bool:
        return getattr(notification, "read_at", None) is not None


class NotificationListQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, help_text="Only the unread ones.")


class MarkReadSerializer(Input):
    id = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="One of the caller's notifications (404 otherwise, as for one that does not "
        "exist); leave out to mark all read.",
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and are read now.")


class NotificationListView(APIView):
    permission_classes = [SignedIn]

    @extend_schema(
        operation_id="notifications_list",
        summary="The caller's notifications, newest first",
        parameters=[NotificationListQuerySerializer, *PAGE_PARAMETERS],
        responses={200: page_of(NotificationSerializer, numbered=True), **errors(400, 404)},
    )
    def get(self, request: Request) -> Response:
        query = NotificationListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        notifications = services.notifications_for(user=member(request))
        if query.validated_data.get("unread"):
            notifications = notifications.filter(read_at__isnull=True)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(notifications, request, view=self)
        return paginator.get_paginated_response(NotificationSerializer(page, many=True).data)


class NotificationReadView(APIView):
    permission_classes = [SignedIn]

    @extend_schema(
        operation_id="notifications_mark_read",
        summary="Mark one notification, or all of them, read",
        request=MarkReadSerializer,
        responses={200: MarkedSerializer, **errors(400, 403, 404, 415)},
    )
    def post(self, request: Request) -> Response:
        entry = MarkReadSerializer(data=request.data)
        entry.is_valid(raise_exception=True)
        user = member(request)
        pk = entry.validated_data.get("id")
        one = None if pk is None else services.notification_get_for_user(user=user, pk=pk)
        marked = services.notifications_mark_read(user=user, notification=one)
        return Response({"marked": marked})
