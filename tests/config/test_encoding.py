"""Text that is not valid UTF-8 is refused with a 400 and a message before any view runs, instead
of being saved and published as mojibake (config.encoding). Every test posts raw bytes, as a
misbehaving client or a hand-made request would."""

import asyncio
import io
import json
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from config.charset_guard import AsgiCharsetGuard, CharsetGuard
from ideas.models import Campaign, Idea
from tests.community.campaigns.helpers import image_bytes

CREATE_IDEA = reverse("ideas:create")
CREATE_CAMPAIGN = reverse("campaigns:create")
FORM = "application/x-www-form-urlencoded"
FRENCH = "Épargne arrondie à l’euro supérieur, c’est génial 🐝🇫🇷 — « oui » ça marche"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded banners go to a temporary folder, never var/media."""
    settings.MEDIA_ROOT = str(tmp_path)


def idea_body(category_pk: int, **fields: bytes) -> bytes:
    """An URL-encoded idea form; `fields` replace the defaults with raw (already encoded) bytes."""
    data = {
        b"title": b"Round+up+my+purchases",
        b"body": b"Into+savings",
        b"category": str(category_pk).encode(),
        b"language": b"fr",
    }
    data.update({name.encode(): value for name, value in fields.items()})
    return b"&".join(name + b"=" + value for name, value in data.items())


def multipart(fields: dict[str, bytes], banner: bytes | None = None) -> tuple[bytes, str]:
    """A multipart body built by hand (the test client would encode the fields as UTF-8)."""
    boundary = "----RucheTestBoundary7MA4YWxk"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value
        + b"\r\n"
        for name, value in fields.items()
    ]
    if banner is not None:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="banner"; '
            'filename="banner.png"\r\nContent-Type: image/png\r\n\r\n'.encode()
            + banner
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def campaign_fields(**overrides: bytes) -> dict[str, bytes]:
    def local(days: int) -> bytes:
        when = timezone.localtime(timezone.now() + timedelta(days=days))
        return when.strftime("%Y-%m-%dT%H:%M").encode()

    fields = {
        "title": "Épargne : vos idées 🐷".encode(),
        "slug": b"",
        "description": "Arrondis à l’euro : **dites-nous** ce qui vous aiderait.".encode(),
        "starts_at": local(-1),
        "ends_at": local(30),
    }
    fields.update(overrides)
    return fields


# --- URL-encoded forms --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("title", b"Caf%E9+cr%E8me"),  # Latin-1, percent-encoded: Django would store "Caf�"
        ("body", b"Caf\xe9 cr\xe8me"),  # Latin-1 bytes sent as they are: Django would store "CafÃ©"
        ("body", b"%C3%28"),  # a broken two-byte sequence
        ("title", b"%ED%A0%80"),  # an encoded UTF-16 surrogate, never valid UTF-8
    ],
    ids=["percent-latin1", "raw-latin1", "broken-sequence", "surrogate"],
)
def test_an_idea_with_invalid_utf8_gets_400_with_a_message_and_nothing_is_saved(
    client, bob, category, field, raw
):
    client.force_login(bob)
    response = client.post(
        CREATE_IDEA, data=idea_body(category.pk, **{field: raw}), content_type=FORM
    )
    assert response.status_code == 400
    assert f"The field “{field}” contains characters that are not valid UTF-8" in response.text
    assert "nothing was saved" in response.text
    assert "Unreadable text" in response.text  # the page, with the site's layout
    assert not Idea.objects.exists()


def test_an_idea_in_french_with_accents_and_emoji_is_saved_as_typed(client, bob, category):
    client.force_login(bob)
    body = urlencode(
        {"title": FRENCH[:60], "body": FRENCH, "category": category.pk, "language": "fr"}
    )
    response = client.post(CREATE_IDEA, data=body.encode(), content_type=FORM)
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert (idea.title, idea.body) == (FRENCH[:60], FRENCH)


def test_a_typed_replacement_character_is_valid_text_and_kept(client, bob, category):
    client.force_login(bob)
    body = urlencode(
        {
            "title": "Un \ufffd dans mon relevé",
            "body": "b",
            "category": category.pk,
            "language": "fr",
        }
    )
    assert client.post(CREATE_IDEA, data=body.encode(), content_type=FORM).status_code == 302
    assert Idea.objects.get().title == "Un \ufffd dans mon relevé"


def test_a_multipart_form_that_declares_latin1_is_read_as_latin1(client, moderator):
    client.force_login(moderator)
    body, content_type = multipart(campaign_fields(title="Épargne : vos idées".encode("latin-1")))
    # generic() sends the bytes as they are (post() would re-encode them to the charset).
    response = client.generic(
        "POST", CREATE_CAMPAIGN, data=body, content_type=f"{content_type}; charset=iso-8859-1"
    )
    assert response.status_code == 302
    assert Campaign.objects.get().title == "Épargne : vos idées"


def test_htmx_gets_the_message_as_plain_text_and_json_clients_as_json(client, bob, category):
    client.force_login(bob)
    data = idea_body(category.pk, body=b"caf%E9")
    response = client.post(
        CREATE_IDEA, data=data, content_type=FORM, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text == (
        "The field “body” contains characters that are not valid UTF-8 text, so nothing was saved."
    )
    response = client.post(
        CREATE_IDEA, data=data, content_type=FORM, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert json.loads(response.text)["error"] == "invalid_encoding"
    assert not Idea.objects.exists()


# --- query strings ------------------------------------------------------------------------------


def test_a_search_with_invalid_utf8_in_the_address_gets_400(client, db):
    response = client.get(reverse("ideas:list") + "?q=caf%E9")
    assert response.status_code == 400
    assert (
        "The parameter “q” in the address of this page contains characters that are not "
        "valid UTF-8 text." in response.text
    )
    assert client.get(reverse("ideas:list") + "?q=caf%C3%A9+%F0%9F%90%9D").status_code == 200


def test_the_api_names_the_unreadable_parameter_in_its_own_shape(client, db):
    response = client.get("/api/v1/ideas/?sort=new&q=%ED%A0%80")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    [message] = json.loads(response.text)["q"]
    assert "not valid UTF-8 text" in message


def test_a_multipart_body_without_its_boundary_gets_400_with_a_message(client, bob):
    client.force_login(bob)
    page = client.post(CREATE_IDEA, data=b"x", content_type="multipart/form-data")
    assert page.status_code == 400
    assert "a multipart body must declare its boundary" in page.text
    api = client.post("/api/v1/ideas/", data=b"x", content_type="multipart/form-data")
    assert api.status_code == 400
    assert "boundary" in json.loads(api.text)["non_field_errors"][0]


def _served(content_type: str) -> tuple[str, str]:
    """The status and body of GET /ideas/?sort=top through the guard, in front of an
    application that answers 200 (Django itself raised while building such a request)."""
    environ = RequestFactory()._base_environ(
        PATH_INFO=reverse("ideas:list"), QUERY_STRING="sort=top", CONTENT_TYPE=content_type
    )

    def behind(environ: dict, start_response) -> list[bytes]:  # type: ignore[no-untyped-def, type-arg]
        start_response("200 OK", [])
        return [b"served"]

    answered: list[str] = []
    body = CharsetGuard(behind)(environ, lambda status, headers: answered.append(status))
    return answered[0], b"".join(body).decode()


UNREADABLE = ["base64", "rot13", "zlib", "punycode", "idna", "utf-7", "utf-16", "unicode_escape"]


@pytest.mark.parametrize("charset", UNREADABLE)
def test_a_charset_django_cannot_read_with_gets_400_not_500(charset):
    if charset in ("base64", "rot13", "zlib", "punycode"):  # the others fail on other texts
        with pytest.raises((LookupError, UnicodeError)):  # Django, building the request
            RequestFactory().get("/ideas/?sort=top", CONTENT_TYPE=f"text/plain; charset={charset}")
    status, body = _served(f"text/plain; charset={charset}")
    assert status == "400 Bad Request"
    assert f"Unsupported charset '{charset}'" in body


# "foo" and "x-user-defined" are names Python does not know: Django ignores them (reads UTF-8).
@pytest.mark.parametrize(
    "charset",
    [
        "utf-8",
        "UTF-8",
        "utf8",
        "iso-8859-1",
        "latin1",
        "us-ascii",
        "cp1252",
        '"utf-8"',
        "foo",
        "x-user-defined",
        "",
    ],
)
def test_the_charsets_clients_send_are_read(charset):
    content_type = f"text/plain; charset={charset}" if charset else "text/plain"
    assert _served(content_type) == ("200 OK", "served")


def test_the_served_applications_are_guarded():
    # In a process of its own: importing the serving modules here would set up a second Django
    # with its own timers (the metrics' flush) beside the test's.
    check = (
        "import config.wsgi, config.asgi; from config.charset_guard import *; "
        "assert isinstance(config.wsgi.application, CharsetGuard); "
        "assert isinstance(config.asgi.application, AsgiCharsetGuard)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", check], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_a_nul_byte_in_an_address_is_not_found(client, bob):
    assert client.get("/api/v1/categories/%00/").json() == {"detail": "Not found."}
    client.force_login(bob)
    response = client.get("/api/v1/categories/%00/")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    assert client.get("/complaints/%00/").status_code == 404


# --- multipart forms with a binary banner --------------------------------------------------------


def test_a_campaign_with_a_banner_and_french_text_is_saved(client, moderator):
    client.force_login(moderator)
    banner = image_bytes("PNG", size=(64, 32))
    with pytest.raises(UnicodeDecodeError):  # the file is binary, not UTF-8 at all
        banner.decode()
    body, content_type = multipart(campaign_fields(), banner=banner)
    response = client.post(CREATE_CAMPAIGN, data=body, content_type=content_type)
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.title == "Épargne : vos idées 🐷"
    with campaign.banner.open("rb") as stored:
        assert stored.read() == banner


def test_a_campaign_with_invalid_utf8_next_to_a_banner_gets_400(client, moderator):
    client.force_login(moderator)
    fields = campaign_fields(description=b"Arrondis \xe0 l'euro sup\xe9rieur")
    body, content_type = multipart(fields, banner=image_bytes("PNG"))
    response = client.post(CREATE_CAMPAIGN, data=body, content_type=content_type)
    assert response.status_code == 400
    assert "The field “description” contains characters that are not valid UTF-8" in response.text
    assert not Campaign.objects.exists()


def test_a_multipart_body_larger_than_the_memory_limit_is_still_checked(
    client, moderator, settings
):
    # The body is then parsed by Django straight from the request (the banner spills to a
    # temporary file) and the text fields are checked for replaced bytes.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    client.force_login(moderator)
    noise = Image.frombytes("RGB", (40, 40), random.Random(0).randbytes(40 * 40 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    banner = buffer.getvalue()
    assert len(banner) > 2_000
    bad, content_type = multipart(campaign_fields(title=b"Caf\xe9"), banner=banner)
    response = client.post(CREATE_CAMPAIGN, data=bad, content_type=content_type)
    assert response.status_code == 400
    assert "The field “title”" in response.text
    good, content_type = multipart(campaign_fields(), banner=banner)
    assert client.post(CREATE_CAMPAIGN, data=good, content_type=content_type).status_code == 302
    assert Campaign.objects.get().title == "Épargne : vos idées 🐷"


def test_the_asgi_guard_refuses_before_the_application_runs():
    called: list[dict] = []  # type: ignore[type-arg]
    sent: list[dict] = []  # type: ignore[type-arg]

    async def behind(scope: dict, receive, send) -> None:  # type: ignore[no-untyped-def, type-arg]
        called.append(scope)

    async def send(message: dict) -> None:  # type: ignore[type-arg]
        sent.append(message)

    async def receive() -> dict:  # type: ignore[type-arg]
        return {"type": "http.request", "body": b"", "more_body": False}

    def scope(charset: str) -> dict:  # type: ignore[type-arg]
        content_type = f"application/x-www-form-urlencoded; charset={charset}".encode()
        return {
            "type": "http",
            "method": "POST",
            "path": "/ideas/new/",
            "query_string": b"",
            "headers": [(b"content-type", content_type)],
        }

    guard = AsgiCharsetGuard(behind)

    def serve(charset: str) -> None:
        # In a thread of its own: a browser test before this one may have left an event loop
        # running in the test's thread.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, guard(scope(charset), receive, send)).result()

    serve("base64")
    assert sent[0]["status"] == 400
    assert b"Unsupported charset 'base64'" in sent[1]["body"]
    assert called == []
    serve("utf-8")
    assert len(called) == 1
