"""Outside feedback (ideas.outside) for product managers: POST /api/v1/signals/imports/, the
import, multipart, through the same service as the form and the command; GET
/api/v1/themes/outside/, the published run's "Outside only" clusters (signals no idea is about),
as the themes dashboard shows them."""

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api.common import errors, member
from community.api.errors import validation_error
from community.api.pagination import PAGE_PARAMETERS, PageNumberPagination
from community.api.serializers import Input, page_of
from community.api.views import ManagesThemes
from ideas.models import SignalImport
from ideas.models.outside import SIGNAL_SOURCE_MAX_LENGTH
from ideas.outside.reading import ENCODINGS, FIELDS, ColumnMapping
from ideas.outside.selectors import outside_only
from ideas.outside.services import REJECTED_ROWS, signals_import
from ideas.themes.selectors import published_run


class SignalImportRequestSerializer(Input):
    file = serializers.FileField(help_text="The CSV file; its first row names the columns.")
    text_column = serializers.CharField(max_length=200)
    date_column = serializers.CharField(max_length=200)
    source_column = serializers.CharField(max_length=200, required=False, default="")
    author_column = serializers.CharField(max_length=200, required=False, default="")
    url_column = serializers.CharField(max_length=200, required=False, default="")
    source_name = serializers.CharField(
        max_length=SIGNAL_SOURCE_MAX_LENGTH,
        required=False,
        default="",
        help_text="The source of rows without one (required without source_column).",
    )
    encoding = serializers.ChoiceField(choices=sorted(ENCODINGS), required=False, default="utf-8")
    skip_rejected = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Import the valid rows even if some are rejected (default: all or nothing).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["source_column"] and not attrs["source_name"].strip():
            raise serializers.ValidationError(
                {"source_name": ["Name the source, or give source_column."]}
            )
        mapping = ColumnMapping(**{n: attrs[f"{n}_column"] for n in FIELDS})
        if repeated := mapping.repeated():
            raise serializers.ValidationError(
                {f"{n}_column": ["Each column can be used for one field only."] for n in repeated}
            )
        return attrs


class SignalImportSerializer(serializers.ModelSerializer):
    class Meta:
        model = SignalImport
        fields = [
            "id",
            "state",
            "file_name",
            "encoding",
            "mapping",
            "skip_rejected",
            "rows_read",
            "imported",
            "duplicates",
            "rejected",
            "rejected_rows",
            "warnings",
            "error",
            "error_field",
            "created_at",
            "duration_seconds",
        ]


class SignalImportView(APIView):
    permission_classes = [ManagesThemes]
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="signals_import",
        summary="Import a CSV file of outside feedback as signals (product managers)",
        request={"multipart/form-data": SignalImportRequestSerializer},
        responses={
            201: SignalImportSerializer,
            422: OpenApiResponse(
                SignalImportSerializer,
                description="Rows were rejected and the import is all or nothing: nothing was "
                "imported; the report lists the rows and why.",
            ),
            **errors(400, 403, 415),
        },
    )
    def post(self, request: Request) -> Response:
        given = SignalImportRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        upload = data["file"]
        mapping = ColumnMapping(
            text=data["text_column"],
            date=data["date_column"],
            source=data["source_column"],
            author=data["author_column"],
            url=data["url_column"],
            source_name=data["source_name"].strip(),
        )
        batch = signals_import(
            actor=member(request),
            chunks=upload,
            file_name=upload.name or "upload.csv",
            mapping=mapping,
            encoding=data["encoding"],
            skip_rejected=data["skip_rejected"],
            via=SignalImport.Via.API,
            size=upload.size,
        )
        if batch.state == SignalImport.State.IMPORTED:
            return Response(SignalImportSerializer(batch).data, status=status.HTTP_201_CREATED)
        if batch.error_field == REJECTED_ROWS:
            return Response(
                SignalImportSerializer(batch).data, status=status.HTTP_422_UNPROCESSABLE_ENTITY
            )
        raise validation_error(ValidationError({batch.error_field or "file": batch.error}))


class OutsideSignalSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    text = serializers.CharField(help_text="Masked, as stored.")
    language = serializers.CharField()
    # A field named like Field.source: DRF's metaclass takes it off the class, so it works.
    source = serializers.CharField()  # type: ignore[assignment]
    posted_at = serializers.DateTimeField(help_text="When it was posted outside.")
    url = serializers.CharField(allow_blank=True, help_text="The original post, if known.")


class OutsideOnlySerializer(serializers.Serializer):
    """A cluster of outside signals that no idea is about (docs/signals.md, "Outside only")."""

    name = serializers.CharField(
        allow_blank=True, help_text="The engine's name, in the request's language if it has one."
    )
    names = serializers.DictField(
        child=serializers.CharField(), help_text="Per language (fr, en), from the signals' texts."
    )
    terms = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Key terms per language.",
    )
    size = serializers.IntegerField(help_text="Signals in the cluster.")
    sources = serializers.DictField(child=serializers.IntegerField(), help_text="Per source.")
    examples = OutsideSignalSerializer(
        many=True, help_text="A few of its signals, most central first."
    )


class OutsideOnlyListView(APIView):
    permission_classes = [ManagesThemes]

    @extend_schema(
        operation_id="themes_outside_list",
        summary="Clusters of outside signals no idea is about, in the published run, largest "
        "first (product managers)",
        parameters=PAGE_PARAMETERS,
        responses={
            200: page_of(OutsideOnlySerializer, numbered=True),
            **errors(400, 403, 404),
        },
    )
    def get(self, request: Request) -> Response:
        clusters = outside_only(run=published_run())
        paginator = PageNumberPagination()
        page: list[Any] | None = paginator.paginate_queryset(clusters, request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response(OutsideOnlySerializer(page, many=True).data)
