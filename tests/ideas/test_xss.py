"""User text never reaches a page as live HTML: titles are escaped, bodies are sanitised."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from community.comments.services import comment_create
from ideas.services import idea_create

PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    '"><script>alert(1)</script>',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<body onload=alert(1)>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<details open ontoggle=alert(1)>",
]

FORBIDDEN_TAGS = {"script", "iframe", "svg", "img", "math", "details", "style", "object", "embed"}


def _site_icon(tag: str, attrs: dict[str, str | None]) -> bool:
    """The templates' own decorative icons: `<svg class="icon" aria-hidden="true">` drawing a
    symbol of templates/_icons.html. The sanitiser lets no <svg> through from user text, so a
    payload's <svg> never has these (and any handler on it is caught below anyway)."""
    classes = (attrs.get("class") or "").split()
    return (
        tag == "svg"
        and attrs.get("aria-hidden") == "true"
        and bool({"icon", "logo"} & set(classes))
    )


class LiveHtmlFinder(HTMLParser):
    """Collects what a browser would execute: dangerous elements, handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS and not _site_icon(tag, dict(attrs)):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src") and (value or "").strip().lower().startswith(
                ("javascript:", "data:")
            ):
                self.found.append(f"{tag}[{name}={value}]")


def live_html(html: str) -> list[str]:
    finder = LiveHtmlFinder()
    finder.feed(html)
    return finder.found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_titles_bodies_and_comments_are_inert(client, alice, category, payload):
    idea = idea_create(
        author=alice,
        title=payload[:140],
        body=f"Before {payload} after",
        category=category,
        language="en",
    )
    comment_create(idea=idea, author=alice, body=payload)
    for url in (idea.get_absolute_url(), reverse("ideas:list"), reverse("ideas:home")):
        html = client.get(url).text
        main = html.split("<main", 1)[1].split("</main>", 1)[0]
        assert live_html(main) == [], url


def test_the_checker_itself_finds_live_html():
    assert live_html('<p><img src=x onerror="alert(1)"><a href="javascript:x">a</a></p>') == [
        "<img>",
        "img[onerror]",
        "a[href=javascript:x]",
    ]
    assert live_html('<svg class="icon" aria-hidden="true"><use href="#i-bell"></use></svg>') == []
    assert live_html('<svg class="icon"><use href="#i-bell"></use></svg>') == ["<svg>"]
