"""JSON errors: `{"detail": "..."}` for a refusal, `{"<field>": ["..."]}` for bad input.

The services raise Django's ValidationError (a field's when they know it: `{"category": ...}`,
else one message) and PermissionDenied; the API answers them with 400 and 403 like DRF's own,
so a caller always learns which field was wrong."""

import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD = "non_field_errors"


def validation_error(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        detail = {
            (NON_FIELD if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
        return exceptions.ValidationError(detail)
    return exceptions.ValidationError({NON_FIELD: error.messages})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = _encodable(response.data)
    return response


# A lone surrogate ("\ud800" in a JSON body) is no text UTF-8 can write: DRF's message for a
# bad choice repeats the value, and rendering it failed (a 500 instead of the 400).
_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodable(data: Any) -> Any:
    if isinstance(data, str):
        return _SURROGATE.sub("\ufffd", data)
    if isinstance(data, dict):
        return {_encodable(key): _encodable(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_encodable(item) for item in data]
    return data


class RateLimited(exceptions.Throttled):
    """One of the site's own write limits (config.ratelimit), not the API's request budget."""

    default_detail = "Too many requests of this kind: try again later."
