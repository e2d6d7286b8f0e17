"""User text to safe HTML: Markdown rendered, then sanitised with an allow-list.

Raw HTML typed by a user is shown as the text they typed (Markdown's raw-HTML support is turned
off), and the HTML Markdown produces is cleaned by nh3 (Ammonia), so no tag, attribute or URL
scheme outside the lists below reaches a page.
"""

import re
from html import unescape

import markdown
import nh3
from django.utils.html import strip_tags

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "code",
    "pre",
    "blockquote",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["sane_lists", "nl2br"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


# Characters no XML 1.0 document may hold (feeds, the API's clients' parsers) and no reader sees:
# C0 controls but tab, line feed and carriage return, DEL, lone surrogates (a JSON body can carry
# "\ud800"), U+FFFE and U+FFFF.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def without_control_characters(text: str) -> str:
    return _INVISIBLE.sub("", text)


def markdown_text(text: str) -> str:
    """Markdown as the plain text a reader sees: for notifications and emails, which show a
    comment or an answer as text. Emphasis marks go; list items keep a mark ("•", or their
    number in an ordered list), so a list of steps still reads as one."""
    html = render_markdown(text)
    while True:  # innermost lists first, so that a nested list does not end its parent's
        html, found = _INNERMOST_LIST.subn(_list_marks, html)
        if not found:
            return unescape(strip_tags(html)).strip()


# A list (as render_markdown writes it: nh3 keeps no attribute on it) holding no other list.
_INNERMOST_LIST = re.compile(r"<(ol|ul)>((?:(?!<[ou]l>).)*?)</\1>", re.S)


def _list_marks(match: re.Match[str]) -> str:
    if match[1] == "ul":
        return match[2].replace("<li>", "• ")
    numbers = iter(range(1, match[2].count("<li>") + 1))
    return re.sub("<li>", lambda _: f"{next(numbers)}. ", match[2])


def render_markdown(text: str) -> str:
    # A new converter per call: Markdown instances keep state between conversions.
    html = _markdown().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )
