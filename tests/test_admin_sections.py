"""The admin's sections each have their own name, in each language: allauth's "Accounts" and
Ruche's own accounts app were two sections called "Accounts"."""

import re
from collections import Counter

import pytest
from django.urls import reverse


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_two_admin_sections_share_a_name(client, admin_user, language):
    client.force_login(admin_user)
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=language).text
    sections = re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', page)
    assert len(sections) > 5
    assert [name for name, n in Counter(sections).items() if n > 1] == []
    ours = {"en": "Members and staff", "fr": "Membres et équipe"}[language]
    assert ours in sections
