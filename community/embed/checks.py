"""Start-up check of EMBED_ALLOWED_ORIGINS: each must be a bare origin, since it is written into
a security header (a stray `;` or space would add a directive or a source)."""

import re
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

ORIGIN = re.compile(
    r"^https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(:\d{1,5})?$"
)


@register(Tags.security)
def check_embed_origins(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    origins = settings.EMBED_ALLOWED_ORIGINS
    if not isinstance(origins, list | tuple):
        return [Error("EMBED_ALLOWED_ORIGINS must be a list of origins.", id="embed.E001")]
    problems: list[CheckMessage] = []
    for origin in origins:
        if not isinstance(origin, str) or not ORIGIN.match(origin):
            problems.append(
                Error(
                    f"EMBED_ALLOWED_ORIGINS: {origin!r} is not an origin.",
                    hint="scheme://host[:port], e.g. https://www.bank.example: no path, no "
                    "trailing slash, no wildcard, no quotes.",
                    id="embed.E001",
                )
            )
        elif origin.startswith("http://") and not settings.DEBUG:
            problems.append(
                Warning(
                    f"EMBED_ALLOWED_ORIGINS: {origin} is not HTTPS.",
                    hint="A page served over plain HTTP can be altered on its way: frame the "
                    "widget from HTTPS pages only.",
                    id="embed.W001",
                )
            )
    return problems
