"""Refuse, in front of Django, a request whose declared charset Django cannot read with.

Django takes the Content-Type's charset for the query string as well, and reads the query
string while it builds the request (the encoding setter looks for a parsed GET): with
`Content-Type: text/plain; charset=base64`, `GET /ideas/?sort=top` raised LookupError before any
middleware ran, a 500. `CharsetGuard` wraps the WSGI application (config.wsgi) and answers 400
in plain text instead. The other checks of a request's text are config.encoding's middleware.
"""

import codecs
import logging
from typing import Any

from django.utils.http import parse_header_parameters

logger = logging.getLogger("config.encoding")


# Every character a query string or URL-encoded form is written in: an encoding Django reads
# them with must keep each of them as the same byte, both ways.
# (The backslashes at the end catch the escape codecs, for which "\\u00" is half a character.)
_URL_TEXT = "".join(chr(c) for c in range(0x20, 0x7F)) + "\\u00\\x"


def readable_charset(name: str) -> bool:
    """False for a declared charset Django takes (Python knows the name) but cannot read a
    query string with: codecs that are not text encodings ("base64", "rot13", "zlib": Django's
    decoding raises LookupError), and text encodings that do not write ASCII as ASCII
    ("punycode", "idna", "utf-16", "utf-7", "raw_unicode_escape"). True for the usual ones
    (utf-8, iso-8859-1, cp1252), and for a name Python does not know, which Django ignores
    (it reads UTF-8)."""
    try:
        codecs.lookup(name)
    except LookupError:
        return True
    try:
        return (
            _URL_TEXT.encode(name) == _URL_TEXT.encode("ascii")
            and _URL_TEXT.encode("ascii").decode(name) == _URL_TEXT
        )
    except (LookupError, UnicodeError):
        return False


def _refusal(content_type: str, path: str) -> bytes | None:
    """The 400's text when `content_type` declares a charset Django cannot read with, else
    None: the one decision of both guards."""
    declared = _charset(content_type)
    if not declared or readable_charset(declared):
        return None
    logger.info("refused %s: charset %r", path, declared)
    return f"Unsupported charset {declared!r} in Content-Type: send UTF-8.\n".encode()


class CharsetGuard:
    """A WSGI application answering 400 to an unreadable charset, else the wrapped one."""

    def __init__(self, application: Any) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        body = _refusal(environ.get("CONTENT_TYPE", ""), environ.get("PATH_INFO", ""))
        if body is not None:
            start_response(
                "400 Bad Request",
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return self.application(environ, start_response)


def _charset(content_type: str) -> str:
    """The charset parameter of a Content-Type header, as Django reads it."""
    _type, params = parse_header_parameters(content_type)
    return str(params.get("charset", "")).strip()


class AsgiCharsetGuard:
    """The same in front of the ASGI application (config.asgi): Django's ASGI request reads the
    query string as text already, but a form body is still decoded with the declared charset."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            content_type = headers.get(b"content-type", b"").decode("latin-1")
            body = _refusal(content_type, scope.get("path", ""))
            if body is not None:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 400,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.application(scope, receive, send)
