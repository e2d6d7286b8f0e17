"""Every list is paginated: ideas by keyset cursors, as the site's list pages are
(ideas/pagination.py: page 500 costs what page 1 does), everything else by page number."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from config.numbers import whole_number
from ideas.pagination import KeysetPage, decode_cursor, keyset_page


def asked_page_size(request: Request, *, maximum: int) -> int | None:
    """`?page_size=`, read the same for both kinds of page: None when left out, and a 400 naming
    it when it is not a whole number from 1 to `maximum`."""
    size = request.query_params.get("page_size", "")
    if not size:
        return None
    number = whole_number(size)
    if number is None or not 1 <= number <= maximum:
        raise ValidationError({"page_size": [f"From 1 to {maximum}."]})
    return number


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=`; a value that is not a whole number in range is a 400 naming
    the parameter (DRF answered 404 "Invalid page." and ignored a bad page size). A page past
    the last is still a 404."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int | None:
        return asked_page_size(request, maximum=self.max_page_size) or self.page_size

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        page = request.query_params.get(self.page_query_param) or "1"
        if page in self.last_page_strings:
            return paginator.num_pages
        if (number := whole_number(page)) is None or number < 1:
            raise ValidationError({self.page_query_param: ["A whole number from 1."]})
        return number


class KeysetPagination(pagination.BasePagination):
    """`?after=<cursor>` (the next page) or `?before=<cursor>` (the previous one), with the
    cursors the answer gives in `next` and `previous`. The view sets `keyset_keys` (the sort's
    keys, ideas.selectors.list_ordering) before paginating."""

    page_size = 20
    max_page_size = 100

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        keys = tuple(view.keyset_keys)
        after = request.query_params.get("after", "")
        before = request.query_params.get("before", "")
        for name, token in (("after", after), ("before", before)):
            if token:
                try:
                    decode_cursor(token, keys=keys)
                except ValueError as error:
                    raise ValidationError({name: ["Not a cursor of this list's order."]}) from error
        per_page = asked_page_size(request, maximum=self.max_page_size) or self.page_size
        self.request = request
        self.page: KeysetPage = keyset_page(
            queryset, keys=keys, per_page=per_page, after=after, before=before
        )
        return self.page.object_list

    def _link(self, name: str, cursor: str) -> str | None:
        if not cursor:
            return None
        url = self.request.build_absolute_uri()
        url = remove_query_param(remove_query_param(url, "after"), "before")
        return replace_query_param(url, name, cursor)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "next": self._link("after", self.page.next_cursor),
                "previous": self._link("before", self.page.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }


# The query parameters of each kind of page, for the schema: the views page by hand (their
# answers are built by the selectors), so drf-spectacular cannot find them by itself.
PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="Page number (from 1)."),
    OpenApiParameter(
        "page_size", int, description=f"Items per page, up to {PageNumberPagination.max_page_size}."
    ),
]
KEYSET_PARAMETERS = [
    OpenApiParameter("after", str, description="The `next` cursor of the previous answer."),
    OpenApiParameter("before", str, description="The `previous` cursor of the previous answer."),
    OpenApiParameter(
        "page_size",
        int,
        description=f"Ideas per page, up to {KeysetPagination.max_page_size} "
        f"({KeysetPagination.page_size} when left out).",
    ),
]
