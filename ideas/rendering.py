"""User text to safe HTML: Markdown rendered, then sanitised with an allow-list.

Raw HTML typed by a user is shown as the text they typed (Markdown's raw-HTML support is turned
off), and the HTML Markdown produces is cleaned by nh3 (Ammonia), so no tag, attribute or URL
scheme outside the lists below reaches a page.
"""

import re
from html import escape, unescape

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
# An ordered list typed from "3." keeps its numbers (Markdown writes start="3").
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
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


# Spaces and the zero-width characters around a text, which no reader sees either (zero-width
# space, joiners, word joiner, byte order mark): a title of three zero-width spaces is blank.
# Inside a text they stay (a joiner holds an emoji sequence or a Persian word together).
_INVISIBLE_EDGES = re.compile(r"^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$")


def cleaned_text(text: str) -> str:
    """What is saved of a typed text: no control character anywhere, nothing invisible around."""
    return _INVISIBLE_EDGES.sub("", without_control_characters(text))


def markdown_text(text: str) -> str:
    """Markdown as the plain text a reader sees: for notifications and emails, which show a
    comment or an answer as text. Emphasis marks go; list items keep a mark ("•", or their
    number in an ordered list), so a list of steps still reads as one."""
    html = render_markdown(text)
    while True:  # innermost lists first, so that a nested list does not end its parent's
        html, found = _INNERMOST_LIST.subn(_list_marks, html)
        if not found:
            return unescape(strip_tags(html)).strip()


# A list (as render_markdown writes it: nh3 keeps only an ordered list's start) holding no other.
_INNERMOST_LIST = re.compile(r'<(ol|ul)(?: start="(\d+)")?>((?:(?!<[ou]l[ >]).)*?)</\1>', re.S)
# An item's opening, with the paragraph a list with blank lines between its items puts inside.
_ITEM = re.compile(r"<li>\s*(?:<p>)?")


def _list_marks(match: re.Match[str]) -> str:
    if match[1] == "ul":
        return _ITEM.sub("• ", match[3])
    numbers = iter(range(int(match[2] or 1), 10**9))
    return _ITEM.sub(lambda _: f"{next(numbers)}. ", match[3])


def render_markdown(text: str) -> str:
    # A new converter per call: Markdown instances keep state between conversions.
    try:
        html = _markdown().convert(text)
    except RecursionError:
        # Python-Markdown recurses once per level of nesting: "- - - - … x" (600 levels, 1.2 KB)
        # exhausts the stack. Such a text is shown as typed, in paragraphs, rather than lost.
        html = "".join(f"<p>{escape(part)}</p>" for part in text.split("\n\n") if part.strip())
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )
