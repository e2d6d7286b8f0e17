"""Refuse form submissions and query strings whose text is not valid UTF-8, before any view runs.

Django decodes form fields with errors="replace", so a client that sends Latin-1 or broken bytes
gets its text saved and published as mojibake ("caf\ufffd"). This middleware checks the raw
bytes instead and answers 400 with a message naming the field; nothing reaches a view.

What is checked, and how:
- the query string of every request: each name and value, percent-decoded to bytes;
- application/x-www-form-urlencoded bodies of POST, PUT and PATCH: the same, per field;
- multipart/form-data bodies: only the text fields, never the file parts (a banner is binary).
  Up to DATA_UPLOAD_MAX_MEMORY_SIZE the body is read once (Django then parses POST and FILES
  from that copy) and split by the parser Django's MultiPartParser itself uses
  (django.http.multipartparser.Parser, not public API, stable since Django 1.0), so both see
  the same parts; each text field's raw bytes are decoded strictly. A larger multipart body
  (only a file makes it that large, and Django refuses to hold such a body in memory) is
  checked after Django's own parse: a U+FFFD in a text field is then taken as a replaced byte,
  since the raw bytes are gone (a user who typed U+FFFD next to a 5 MB file is refused too).
A query string or multipart body that declares another charset (`; charset=iso-8859-1`) is
checked against that one, as Django decodes it with that one; URL-encoded bodies are always UTF-8
(Django refuses any other charset for them).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import (
    FIELD,
    ChunkIter,
    LazyStream,
    MultiPartParserError,
    Parser,
)
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
API_PREFIX = "/api/"  # config.urls: the REST API answers in JSON, as DRF's own 400s do
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class BadText:
    """Where undecodable bytes were found: a form field (in_query False), a query parameter
    (in_query True), or nowhere in particular (field None: a multipart body without its
    boundary, which no field of it can be read from)."""

    field: str | None
    encoding: str
    in_query: bool = False


def _undecodable(raw: bytes, encoding: str) -> bool:
    try:
        codecs.decode(raw, encoding, "strict")
    except UnicodeDecodeError:
        return True
    return False


def bad_form_field(data: bytes, encoding: str) -> str | None:
    """Name of the first field of URL-encoded `data` whose name or value does not decode
    strictly, or None. Split as Django splits it (on "&", then on the first "=")."""
    for pair in data.split(b"&"):
        name, _sep, value = pair.partition(b"=")
        raw_name = unquote_to_bytes(name.replace(b"+", b" "))
        if _undecodable(raw_name, encoding):
            return raw_name.decode(encoding, "replace")
        if _undecodable(unquote_to_bytes(value.replace(b"+", b" ")), encoding):
            return raw_name.decode(encoding)
    return None


def bad_multipart_field(body: bytes, boundary: bytes, encoding: str) -> str | None:
    """Name of the first text field of a multipart `body` whose value does not decode strictly,
    or None. File parts are skipped unread; part headers are decoded strictly by Django already
    (a part with an undecodable header is dropped by Django's parser too)."""
    stream = LazyStream(ChunkIter(BytesIO(body), 64 * 1024))
    for item_type, meta, part in Parser(stream, boundary):
        name = meta.get("content-disposition", ("", {}))[1].get("name")
        if item_type != FIELD or not name:  # Django skips a part without a name, too
            for _chunk in part:  # read past it, unlooked at
                pass
            continue
        data = part.read()
        transfer = meta.get("content-transfer-encoding")
        if transfer and transfer[0].strip() == "base64":  # as Django's MultiPartParser does
            with contextlib.suppress(binascii.Error):
                data = base64.b64decode(data)
        if _undecodable(data, encoding):
            # The header line was decoded strictly already; Django keeps the name as bytes.
            return (name.decode() if isinstance(name, bytes) else name).strip()
    return None


def _wsgi_bytes(value: str) -> bytes:
    """Raw bytes of a WSGI string (PEP 3333 carries them as Latin-1); ASGI gives real text."""
    try:
        return value.encode("iso-8859-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def _replaced_field(items: Iterable[tuple[str, list[str]]]) -> str | None:
    for name, values in items:
        if "\ufffd" in name or any("\ufffd" in value for value in values):
            return name
    return None


def find_bad_text(request: HttpRequest) -> BadText | None:
    """Where the request holds bytes that are not valid text, or None when it is clean."""
    encoding = request.encoding or settings.DEFAULT_CHARSET
    name = bad_form_field(_wsgi_bytes(request.META.get("QUERY_STRING", "")), encoding)
    if name is not None:
        return BadText(field=name, encoding=encoding, in_query=True)
    if request.method not in BODY_METHODS:
        return None
    if request.content_type == FORM:
        # Django reads a form body into memory anyway (limited by DATA_UPLOAD_MAX_MEMORY_SIZE).
        field = bad_form_field(request.body, "utf-8")
        return None if field is None else BadText(field=field, encoding="utf-8")
    if request.content_type != MULTIPART:
        return None
    if not (request.content_params or {}).get("boundary"):
        return BadText(field=None, encoding=encoding)
    field = _bad_multipart_field(request, encoding)
    return None if field is None else BadText(field=field, encoding=encoding)


def _bad_multipart_field(request: HttpRequest, encoding: str) -> str | None:
    boundary = (request.content_params or {}).get("boundary", "")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if boundary and (limit is None or length <= limit):
        try:
            return bad_multipart_field(request.body, boundary.encode("ascii"), encoding)
        except (MultiPartParserError, UnicodeEncodeError):
            return None  # malformed: Django's own parser rejects it the way it always has
    if request.method == "POST":
        return _replaced_field(request.POST.lists())
    return None


def invalid_text_response(request: HttpRequest, bad: BadText) -> HttpResponse:
    """400 with a message: a page for browsers, plain text for htmx, JSON for the API and JSON
    clients (the API's shape: the parameter or field named, with its message)."""
    charset = "UTF-8" if codecs.lookup(bad.encoding).name == "utf-8" else bad.encoding
    if bad.field is None:
        message = _(
            "The form data cannot be read: a multipart body must declare its boundary, "
            "so nothing was saved."
        )
    elif bad.in_query:
        message = _(
            "The parameter “%(field)s” in the address of this page contains characters that are "
            "not valid %(charset)s text."
        ) % {"field": bad.field, "charset": charset}
    else:
        message = _(
            "The field “%(field)s” contains characters that are not valid %(charset)s text, "
            "so nothing was saved."
        ) % {"field": bad.field, "charset": charset}
    where = "the body" if bad.field is None else repr(bad.field)
    logger.info("refused %s %s: unreadable %s in %s", request.method, request.path, charset, where)
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    if request.path.startswith(API_PREFIX):
        return JsonResponse({bad.field or "non_field_errors": [message]}, status=400)
    if request.get_preferred_type(["text/html", "application/json"]) == "application/json":
        return JsonResponse({"error": "invalid_encoding", "message": message}, status=400)
    return render(request, "invalid_encoding.html", {"message": message}, status=400)


class InvalidEncodingMiddleware:
    """Answer 400 to a request whose form fields or query string are not valid text."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            # No address of ours holds a NUL, and the database refuses one in any query (a
            # slug looked up as typed: a 500 instead of "not found").
            if request.path.startswith(API_PREFIX):
                return JsonResponse({"detail": "Not found."}, status=404)  # as DRF's 404s
            raise Http404
        bad = find_bad_text(request)
        if bad is not None:
            return invalid_text_response(request, bad)
        return self.get_response(request)
