"""In Chromium: a person signs up on the styled page and receives the confirmation email, in
plain text and HTML, that names the site ("Ruche"), not the server's address (issue #16 saw
"Hello from 127.0.0.1:8200!")."""

import re

import pytest
from django.core import mail

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_sign_up_email_names_ruche_and_has_an_html_part(page, live_server):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("input[name=email]", "new.member@example.com")
    page.fill("input[name=display_name]", "New Member")
    page.fill("input[name=password1]", "a-long-pass-phrase-2026")
    page.fill("input[name=password2]", "a-long-pass-phrase-2026")
    page.check("input[type=checkbox]")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/**")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.body.startswith("Hello from Ruche!")
    host = re.escape(live_server.url.split("//")[1].split(":")[0])
    assert not re.search(rf"from {host}|on {host}", message.body), message.body
    html, mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    html = str(html)
    assert mimetype == "text/html"
    assert "Ruche" in html
    assert "Confirm my email address" in html
    link = re.search(r'href="([^"]+/accounts/confirm-email/[^"]+)"', html)
    assert link
    assert link.group(1) in message.body  # the same link in both parts
