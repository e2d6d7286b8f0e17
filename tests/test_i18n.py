from django.urls import reverse

from ideas.models import Status


def test_pages_switch_to_french(client, idea):
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    home = client.get(reverse("ideas:home"))
    assert '<html lang="fr">' in home.text
    assert "Déposer une idée" in home.text
    assert "Cartes" in home.text  # the category's French name
    detail = client.get(idea.get_absolute_url())
    assert "Nouvelle" in detail.text  # the status label


def test_browser_language_is_honoured(client, idea):
    response = client.get(reverse("ideas:list"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert '<html lang="fr">' in response.text


def test_english_by_default(client, idea):
    response = client.get(reverse("ideas:home"))
    assert '<html lang="en">' in response.text
    assert "Submit an idea" in response.text
    assert str(Status.NEW.label) == "New"


def test_every_french_message_is_translated():
    from pathlib import Path

    po = (Path(__file__).resolve().parents[1] / "locale/fr/LC_MESSAGES/django.po").read_text()
    entries = po.split("\n\n")[1:]
    untranslated = [e for e in entries if 'msgstr ""' in e and e.strip().endswith('msgstr ""')]
    assert untranslated == []
    assert "#, fuzzy" not in po
