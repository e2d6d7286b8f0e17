"""POST /api/v1/signals/imports/: the product managers' import of outside feedback
(ideas.outside), multipart, through the same service as the form and the command."""

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
from community.api.views import ManagesThemes
from ideas.models import SignalImport
from ideas.models.outside import SIGNAL_SOURCE_MAX_LENGTH
from ideas.outside.reading import ENCODINGS, ColumnMapping
from ideas.outside.services import REJECTED_ROWS, signals_import


class SignalImportRequestSerializer(serializers.Serializer):
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
