"""The API's views: access helper (404), permission (403), input serializer (400 naming the
field), service, output serializer. The same selectors, services and write limits as the pages
(ideas.views, community.comments.views)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiToken
from accounts.roles import MANAGE_THEMES
from accounts.sanctions import can_participate
from community.api import serializers
from community.api.common import errors, limit, member
from community.api.pagination import (
    KEYSET_PARAMETERS,
    PAGE_PARAMETERS,
    KeysetPagination,
    PageNumberPagination,
)
from community.api.permissions import HasPermission, SignedIn
from community.comments import services as comment_services
from community.comments.selectors import comments_for_idea
from community.models import Comment
from config.network import client_network
from ideas import selectors
from ideas import services as idea_services
from ideas.models import Campaign, Idea
from ideas.search import highlighted
from ideas.themes import selectors as theme_selectors


def _idea(request: Request, pk: int) -> Idea:
    """The idea if this caller may see it (ideas.selectors.idea_get_for_user), else 404."""
    return selectors.idea_get_for_user(user=request.user, pk=pk)


def _detail(request: Request, idea: Idea) -> dict[str, Any]:
    idea.can_edit = idea_services.idea_can_edit(idea=idea, user=request.user)  # type: ignore[attr-defined]
    idea.official_responses = list(selectors.idea_status_history(idea=idea))  # type: ignore[attr-defined]
    return serializers.IdeaDetailSerializer(idea).data  # type: ignore[return-value]


class IdeaListView(APIView):
    pagination_class = KeysetPagination
    keyset_keys: tuple[str, ...] = ()

    @extend_schema(
        operation_id="ideas_list",
        summary="Ideas, as the site's list: sorted, filtered, searched",
        parameters=[serializers.IdeaListQuerySerializer, *KEYSET_PARAMETERS],
        responses={
            200: serializers.page_of(serializers.IdeaSerializer, numbered=False),
            **errors(400, 429),
        },
    )
    def get(self, request: Request) -> Response:
        query = serializers.IdeaListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        chosen = query.validated_data
        text = chosen.get("q") or ""
        sort = chosen.get("sort") or ("relevance" if text else "trending")
        ideas = selectors.idea_list(
            viewer=request.user,
            sort=sort,
            category=chosen.get("category"),
            status=chosen.get("status") or None,
            query=text,
            campaign=chosen.get("campaign"),
        )
        self.keyset_keys = selectors.list_ordering(sort, query=text)
        paginator = KeysetPagination()
        page = paginator.paginate_queryset(ideas, request, view=self)
        if text:
            for idea in page:
                idea.snippet = highlighted(idea.headline)
        return paginator.get_paginated_response(serializers.IdeaSerializer(page, many=True).data)

    @extend_schema(
        operation_id="ideas_create",
        summary="Submit an idea (pre-moderation, masking, limits and sanctions apply)",
        request=serializers.IdeaCreateSerializer,
        responses={201: serializers.IdeaDetailSerializer, **errors(400, 415, 401, 403, 429)},
    )
    def post(self, request: Request) -> Response:
        limit(request, "idea_create")
        entry = serializers.IdeaCreateSerializer(data=request.data)
        entry.is_valid(raise_exception=True)
        values = dict(entry.validated_data)
        campaign = None
        if slug := values.pop("campaign", ""):
            campaign = Campaign.objects.filter(slug=slug).first()
            if campaign is None:
                raise ValidationError({"campaign": "No campaign has this slug."})
        idea = idea_services.idea_create(author=member(request), campaign=campaign, **values)
        return Response(_detail(request, _idea(request, idea.pk)), status=status.HTTP_201_CREATED)


class IdeaDetailView(APIView):
    @extend_schema(
        operation_id="ideas_retrieve",
        summary="One idea with its description and official responses",
        responses={200: serializers.IdeaDetailSerializer, **errors(404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(request, _idea(request, pk)))

    @extend_schema(
        operation_id="ideas_partial_update",
        summary="Edit one's own idea within the edit window",
        request=serializers.IdeaWriteSerializer(partial=True),
        responses={200: serializers.IdeaDetailSerializer, **errors(400, 415, 401, 403, 404, 429)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        limit(request, "content_edit")
        idea = _idea(request, pk)
        entry = serializers.IdeaWriteSerializer(data=request.data, partial=True)
        entry.is_valid(raise_exception=True)
        values = {
            "title": idea.title,
            "body": idea.body,
            "category": idea.category,
            "language": idea.language,
            **entry.validated_data,
        }
        idea_services.idea_update(idea=idea, editor=member(request), **values)
        return Response(_detail(request, _idea(request, pk)))


class IdeaVoteView(APIView):
    def _set(self, request: Request, pk: int, voted: bool) -> Response:
        limit(request, "vote")
        idea = selectors.idea_get_for_vote(user=request.user, pk=pk)
        try:
            idea_services.vote_set(
                user=member(request),
                idea=idea,
                voted=voted,
                network=client_network(request._request),
            )
        except ValidationError as error:  # merged away while the vote was on its way
            return Response({"detail": " ".join(error.messages)}, status=status.HTTP_409_CONFLICT)
        return Response({"voted": voted, "vote_count": idea.vote_count})

    @extend_schema(
        operation_id="ideas_vote_cast",
        summary="Vote for an idea (twice is the same as once)",
        request=None,
        responses={200: serializers.VoteSerializer, **errors(401, 403, 404, 409, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        return self._set(request, pk, True)

    @extend_schema(
        operation_id="ideas_vote_withdraw",
        summary="Withdraw one's vote",
        request=None,
        responses={200: serializers.VoteSerializer, **errors(401, 403, 404, 409, 429)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        return self._set(request, pk, False)


class IdeaStatusView(APIView):
    @extend_schema(
        operation_id="ideas_status_change",
        summary="Change an idea's status with an official response (staff)",
        request=serializers.StatusChangeCreateSerializer,
        responses={
            201: serializers.StatusChangeSerializer,
            **errors(400, 415, 401, 403, 404, 429),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        limit(request, "status_change")
        idea = _idea(request, pk)
        entry = serializers.StatusChangeCreateSerializer(data=request.data)
        entry.is_valid(raise_exception=True)
        change = idea_services.idea_change_status(
            idea=idea, actor=member(request), **entry.validated_data
        )
        return Response(
            serializers.StatusChangeSerializer(change).data, status=status.HTTP_201_CREATED
        )


class IdeaCommentsView(APIView):
    @extend_schema(
        operation_id="ideas_comments_list",
        summary="An idea's comments, oldest first, each with its replies",
        parameters=PAGE_PARAMETERS,
        responses={
            200: serializers.page_of(serializers.CommentSerializer, numbered=True),
            **errors(400, 404),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        idea = _idea(request, pk)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            comments_for_idea(idea=idea, viewer=request.user), request, view=self
        )
        return paginator.get_paginated_response(serializers.CommentSerializer(page, many=True).data)

    @extend_schema(
        operation_id="ideas_comments_create",
        summary="Comment on a public idea, or reply to a comment",
        request=serializers.CommentCreateSerializer,
        responses={201: serializers.CommentSerializer, **errors(400, 415, 401, 403, 404, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        limit(request, "comment_create")
        idea = _idea(request, pk)
        entry = serializers.CommentCreateSerializer(data=request.data)
        entry.is_valid(raise_exception=True)
        parent = None
        if parent_id := entry.validated_data.get("parent"):
            parent = Comment.objects.filter(pk=parent_id, idea=idea).first()
            if parent is None:
                raise ValidationError({"parent": "No comment of this idea has this id."})
        comment = comment_services.comment_create(
            idea=idea, author=member(request), body=entry.validated_data["body"], parent=parent
        )
        return Response(serializers.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CategoryListView(APIView):
    @extend_schema(
        operation_id="categories_list",
        summary="Categories with their public ideas counted",
        parameters=PAGE_PARAMETERS,
        responses={
            200: serializers.page_of(serializers.CategorySerializer, numbered=True),
            **errors(400, 404),
        },
    )
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.categories_with_counts().order_by("position", "slug"), request, view=self
        )
        return paginator.get_paginated_response(
            serializers.CategorySerializer(page, many=True).data
        )


class CategoryDetailView(APIView):
    @extend_schema(
        operation_id="categories_retrieve",
        summary="One category",
        responses={200: serializers.CategorySerializer, **errors(404, 429)},
    )
    def get(self, request: Request, slug: str) -> Response:
        category = get_object_or_404(selectors.categories_with_counts(), slug=slug)
        return Response(serializers.CategorySerializer(category).data)


class MeView(APIView):
    permission_classes = [SignedIn]

    @extend_schema(
        operation_id="me_retrieve",
        summary="The member calling: roles, permissions, whether they may take part",
        responses={200: serializers.MeSerializer, **errors(401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        user = member(request)
        token = request.auth if isinstance(request.auth, ApiToken) else None
        data = {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "organisation": user.organisation,
            "profile_public": user.profile_public,
            "roles": sorted(user.groups.values_list("name", flat=True)),
            "permissions": sorted(user.get_all_permissions()),
            "can_participate": can_participate(user),
            "suspended_until": user.suspended_until,
            "token_scope": token.scope if token else None,
            "service_account": user.is_service_account,
        }
        return Response(serializers.MeSerializer(data).data)


class ManagesThemes(HasPermission):
    permission = MANAGE_THEMES


class ThemeListView(APIView):
    permission_classes = [ManagesThemes]

    @extend_schema(
        operation_id="themes_list",
        summary="Themes of the published run with size, votes, activity and trend (product "
        "managers)",
        parameters=[serializers.ThemeListQuerySerializer, *PAGE_PARAMETERS],
        responses={
            200: serializers.page_of(serializers.ThemeSerializer, numbered=True),
            **errors(400, 403, 404),
        },
    )
    def get(self, request: Request) -> Response:
        query = serializers.ThemeListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        _run, summaries = theme_selectors.theme_summaries(
            sort=query.validated_data.get("sort") or "trend",
            category=query.validated_data.get("category"),
        )
        paginator = PageNumberPagination()
        page: list[Any] | None = paginator.paginate_queryset(summaries, request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response(serializers.ThemeSerializer(page, many=True).data)


class ThemeDetailView(APIView):
    permission_classes = [ManagesThemes]

    @extend_schema(
        operation_id="themes_retrieve",
        summary="One theme of the published run with its figures (product managers)",
        responses={200: serializers.ThemeSerializer, **errors(403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        _run, summaries = theme_selectors.theme_summaries(top_ideas=20)
        for summary in summaries:
            if summary.theme.pk == pk:
                return Response(serializers.ThemeSerializer(summary).data)
        raise NotFound()


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
def not_found(request: Request, rest: str = "") -> Response:
    """Any other address under /api/: a JSON 404, not the site's HTML page."""
    raise NotFound()
