"""Every page carries a Content Security Policy that allows no inline script or style."""

from django.urls import reverse

from config.security import policy_header


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_pages_send_a_strict_content_security_policy(client, db):
    response = client.get(reverse("ideas:home"))
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_templates_have_no_inline_script_or_style(client, alice, idea):
    """What the policy forbids must not be in the pages, or it would silently break them."""
    client.force_login(alice)
    for url in (reverse("ideas:home"), idea.get_absolute_url(), reverse("ideas:create")):
        html = client.get(url).content.decode()
        assert "<script>" not in html
        assert "<script " not in html.replace("<script src=", "")
        assert " style=" not in html
        assert "<style" not in html
        assert " onclick=" not in html
        assert " hx-on" not in html


def test_policy_header_is_written_in_csp_syntax():
    assert policy_header({"default-src": ["'self'"], "img-src": ["'self'", "data:"]}) == (
        "default-src 'self'; img-src 'self' data:"
    )


def test_pages_name_an_icon_that_is_served_from_this_site(client, db):
    """Browsers ask for /favicon.ico when a page names no icon: a 404 on every first visit."""
    import re

    from django.contrib.staticfiles import finders

    page = client.get(reverse("ideas:home")).content.decode()
    [href] = re.findall(r'<link rel="icon" href="([^"]+)"', page)
    assert href.startswith("/static/")  # same origin: allowed by img-src 'self'
    assert finders.find(href.removeprefix("/static/")) is not None


def test_the_icon_browsers_ask_for_by_default_is_the_sites(client, db):  # type: ignore[no-untyped-def]
    """The Django admin's pages name no icon, so browsers asked /favicon.ico and got a 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    from django.contrib.staticfiles import finders

    assert finders.find("favicon.svg")  # served by WhiteNoise once collected
