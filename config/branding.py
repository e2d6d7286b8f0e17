"""Per-bank branding without code changes: the bank's name, logo, colour and footer links come
from the environment (settings.BRANDING, docs/branding.md).

- Templates read `brand` (the `branding` context processor): `{{ brand.name }}`, `brand.logo`
  (a static file such as `brand/logo.svg`, or "" for Ruche's own drawn logo), `brand.footer_links`.
- The colour reaches the CSS as custom properties served by `/brand.css` (a stylesheet, since
  the Content Security Policy forbids inline styles), with a darker shade for hovers and for
  text on white.
- A system check refuses a colour that white text cannot be read on (WCAG 2.1 AA asks 4.5:1 for
  the buttons' labels), a logo that is not a static file and a footer link that is not http(s)
  or a path on the site, so a bad setting stops `check --deploy` instead of reaching customers.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import checks
from django.http import HttpRequest, HttpResponse

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
AA_TEXT = 4.5  # WCAG 2.1 AA contrast for normal text


@dataclass(frozen=True)
class Brand:
    name: str
    logo: str  # a static file path, or "" for the drawn logo
    colour: str
    footer_links: tuple[tuple[str, str], ...]

    @property
    def colour_dark(self) -> str:
        """Hover and pressed buttons: the colour a fifth darker."""
        return darker(self.colour, 0.8)

    @property
    def colour_ink(self) -> str:
        """The brand colour as text on white: darkened until it reads at 4.5:1 (AA)."""
        ink = self.colour
        while contrast(ink, "#ffffff") < AA_TEXT:
            ink = darker(ink, 0.9)
        return ink


def brand() -> Brand:
    config: dict[str, Any] = settings.BRANDING
    return Brand(
        name=config["name"],
        logo=config["logo"],
        colour=config["colour"].lower(),
        footer_links=tuple((label, url) for label, url in config["footer_links"]),
    )


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(one: str, other: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours (1 to 21)."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def darker(colour: str, factor: float) -> str:
    r, g, b = (round(int(colour[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


def branding(request: HttpRequest) -> dict[str, Brand]:
    """Context processor: `brand` in every template."""
    return {"brand": brand()}


def brand_css(request: HttpRequest) -> HttpResponse:
    """The brand colours as CSS custom properties, after static/css/ruche.css."""
    current = brand()
    css = (
        ":root {\n"
        f"  --brand: {current.colour};\n"
        f"  --brand-dark: {current.colour_dark};\n"
        f"  --brand-ink: {current.colour_ink};\n"
        "}\n"
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def brand_problems(config: dict[str, Any]) -> list[str]:
    problems = []
    if not str(config.get("name", "")).strip():
        problems.append("BRAND_NAME is empty: the site needs a name to show.")
    colour = str(config.get("colour", ""))
    if not HEX.match(colour):
        problems.append(f"BRAND_COLOUR {colour!r} is not a colour written #rrggbb.")
    elif (ratio := contrast(colour, "#ffffff")) < AA_TEXT:
        problems.append(
            f"BRAND_COLOUR {colour} gives white button text a contrast of {ratio:.2f}:1; "
            f"WCAG 2.1 AA needs {AA_TEXT}:1. Choose a darker colour."
        )
    logo = str(config.get("logo", ""))
    if logo and not finders.find(logo):
        problems.append(f"BRAND_LOGO {logo!r} is not a static file (STATICFILES_DIRS).")
    for link in config.get("footer_links", ()):
        if len(link) != 2 or not all(isinstance(part, str) and part for part in link):
            problems.append(f"BRAND_FOOTER_LINKS entry {link!r} is not a [label, url] pair.")
        elif not re.match(r"^(https?://|/)", link[1]):
            problems.append(f"BRAND_FOOTER_LINKS url {link[1]!r} is neither http(s) nor /path.")
    return problems


@checks.register()
def check_branding(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [
        checks.Error(problem, id="ruche.E010", hint="See docs/branding.md.")
        for problem in brand_problems(settings.BRANDING)
    ]
