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


def _untranslated(po: str) -> list[str]:
    """msgids whose msgstr (or any plural msgstr[n]) is empty, header excluded."""
    missing = []
    for block in po.split("\n\n")[1:]:
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        translations: dict[str, str] = {}
        current = None
        for line in lines:
            if line.startswith("msgstr"):
                current = line.split(" ", 1)[0]
                translations[current] = line.split(" ", 1)[1].strip('"')
            elif line.startswith('"') and current:
                translations[current] += line.strip('"')
            elif line.startswith("msgid"):
                current = None
        if not translations or not all(translations.values()):
            missing.append(block)
    return missing


def test_every_french_message_is_translated():
    from pathlib import Path

    po = (Path(__file__).resolve().parents[1] / "locale/fr/LC_MESSAGES/django.po").read_text()
    assert _untranslated(po) == []
    assert "#, fuzzy" not in po


def test_the_translation_check_finds_a_missing_plural():
    po = 'msgid ""\nmsgstr "header"\n\nmsgid "a"\nmsgid_plural "as"\nmsgstr[0] "un"\nmsgstr[1] ""\n'
    assert len(_untranslated(po)) == 1
