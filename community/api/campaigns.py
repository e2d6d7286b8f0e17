"""Campaigns through the API: the list (by phase) and one campaign with its top ideas, from the
same selectors as the campaign pages (community.campaigns.selectors). Public, as the pages are;
their ideas are `GET /api/v1/ideas/?campaign=<slug>`."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api.common import errors
from community.api.pagination import PAGE_PARAMETERS, PageNumberPagination
from community.api.serializers import CategoryRefSerializer, IdeaRefSerializer, page_of
from community.campaigns import selectors
from ideas.models import Campaign

PHASES = ["open", "upcoming", "finished"]


def _phase(campaign: Campaign) -> str:
    if campaign.not_started:
        return "upcoming"
    return "finished" if campaign.has_ended else "open"


class CampaignSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")
    phase = serializers.SerializerMethodField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    category = CategoryRefSerializer(allow_null=True)
    partners_only = serializers.BooleanField()
    premoderated = serializers.BooleanField()
    idea_count = serializers.IntegerField()
    banner = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=PHASES))
    def get_phase(self, campaign: Campaign) -> str:
        return _phase(campaign)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_banner(self, campaign: Campaign) -> str | None:
        return campaign.banner.url if campaign.banner else None


class CampaignDetailSerializer(CampaignSerializer):
    description = serializers.CharField()
    description_html = serializers.CharField()
    top_ideas = IdeaRefSerializer(
        many=True, help_text="The most voted ideas; once ended, the results frozen at the end."
    )


class CampaignListQuerySerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=PHASES, required=False)


class CampaignListView(APIView):
    @extend_schema(
        operation_id="campaigns_list",
        summary="Campaigns, the latest first; `phase` keeps the open, upcoming or finished ones",
        parameters=[CampaignListQuerySerializer, *PAGE_PARAMETERS],
        responses={200: page_of(CampaignSerializer, numbered=True), **errors(400, 404)},
    )
    def get(self, request: Request) -> Response:
        query = CampaignListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        now = timezone.now()
        campaigns: QuerySet[Campaign] = selectors.campaigns_with_counts()
        phase = query.validated_data.get("phase")
        if phase == "open":
            campaigns = campaigns.filter(starts_at__lte=now, ends_at__gt=now)
        elif phase == "upcoming":
            campaigns = campaigns.filter(starts_at__gt=now)
        elif phase == "finished":
            campaigns = campaigns.filter(ends_at__lte=now)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(campaigns.order_by("-starts_at", "-pk"), request, self)
        return paginator.get_paginated_response(CampaignSerializer(page, many=True).data)


class CampaignDetailView(APIView):
    @extend_schema(
        operation_id="campaigns_retrieve",
        summary="One campaign with its question and top ideas",
        responses={200: CampaignDetailSerializer, **errors(404)},
    )
    def get(self, request: Request, slug: str) -> Response:
        campaign: Any = selectors.campaign_get(slug=slug)
        if campaign.has_ended:
            campaign.top_ideas = selectors.campaign_results(
                campaign=campaign, viewer=request.user
            ).top_ideas
        else:
            campaign.top_ideas = selectors.campaign_top_ideas(
                campaign=campaign, viewer=request.user
            )
        return Response(CampaignDetailSerializer(campaign).data)
