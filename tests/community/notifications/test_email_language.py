"""Emails are written in the recipient's language (accounts.languages), subject included,
whatever the language of the idea they are about."""

import pytest
from django.core import mail

from community.models import Follow
from community.notifications import emailing
from community.notifications.services import notify_comment
from ideas.models import Status
from ideas.rendering import markdown_text
from ideas.services import idea_change_status
from tests.factories import CommentFactory, IdeaFactory, UserFactory


@pytest.fixture
def claire(db):  # type: ignore[no-untyped-def]
    return UserFactory(email="claire@example.com", display_name="Claire", preferred_language="fr")


@pytest.fixture
def tom(db):  # type: ignore[no-untyped-def]
    return UserFactory(email="tom@example.com", display_name="Tom", preferred_language="en")


def _followed_by(idea, *people):  # type: ignore[no-untyped-def]
    Follow.objects.bulk_create([Follow(user=person, idea=idea) for person in people])
    return idea


def _to(address: str) -> list[mail.EmailMessage]:
    # French typography puts no-break spaces around « » and before a colon.
    for message in mail.outbox:
        message.subject = message.subject.replace("\xa0", " ")
        message.body = message.body.replace("\xa0", " ")
    return sorted((m for m in mail.outbox if m.to == [address]), key=lambda m: m.subject)


def test_a_french_member_gets_a_french_email_about_an_english_idea_and_vice_versa(
    claire, tom, moderator, django_capture_on_commit_callbacks
):
    english = _followed_by(IdeaFactory(title="Round up purchases", language="en"), claire, tom)
    french = _followed_by(IdeaFactory(title="Arrondir les achats", language="fr"), claire, tom)
    with django_capture_on_commit_callbacks(execute=True):
        idea_change_status(idea=english, actor=moderator, to_status=Status.PLANNED, response="Ok")
        idea_change_status(idea=french, actor=moderator, to_status=Status.PLANNED, response="Oui")

    to_claire = _to("claire@example.com")
    assert [m.subject for m in to_claire] == [
        "[Ruche] « Arrondir les achats » a un nouveau statut : Prévue",
        "[Ruche] « Round up purchases » a un nouveau statut : Prévue",
    ]
    assert all(m.body.startswith("Bonjour Claire,") for m in to_claire)
    assert all('<html lang="fr">' in m.alternatives[0][0] for m in to_claire)
    to_tom = _to("tom@example.com")
    assert [m.subject for m in to_tom] == [
        "[Ruche] “Arrondir les achats” is now Planned",
        "[Ruche] “Round up purchases” is now Planned",
    ]
    assert all(m.body.startswith("Hello Tom,") for m in to_tom)
    # The answer is quoted as written, marked with its own language in the HTML part.
    assert 'lang="fr">Oui' in to_tom[0].alternatives[0][0]
    assert 'lang="en">Ok' in to_tom[1].alternatives[0][0]  # no sign of either: the idea's
    # In the app too, each reads the title in their own language.
    assert {n.title.replace("\xa0", " ") for n in claire.notifications.all()} == {
        "« Arrondir les achats » a un nouveau statut : Prévue",
        "« Round up purchases » a un nouveau statut : Prévue",
    }


def test_a_french_answer_on_an_english_idea_is_plain_text_marked_french(
    claire, tom, moderator, django_capture_on_commit_callbacks
):
    english = _followed_by(IdeaFactory(title="Round up purchases", language="en"), tom)
    answer = "La fonction est **prévue** pour le *printemps*."
    with django_capture_on_commit_callbacks(execute=True):
        idea_change_status(idea=english, actor=moderator, to_status=Status.PLANNED, response=answer)
    [message] = _to("tom@example.com")
    assert "La fonction est prévue pour le printemps." in message.body
    assert 'lang="fr">La fonction est prévue pour le printemps.' in message.alternatives[0][0]
    [notification] = tom.notifications.all()
    assert notification.body == "La fonction est prévue pour le printemps."


def test_an_answer_with_lists_keeps_its_marks_in_plain_text(
    tom, moderator, django_capture_on_commit_callbacks
):
    idea = _followed_by(IdeaFactory(title="Round up purchases", language="en"), tom)
    answer = (
        "Next steps:\n\n1. **design**\n2. pilot\n\nWho:\n\n- cards team\n    - Lyon\n- app team"
    )
    with django_capture_on_commit_callbacks(execute=True):
        idea_change_status(idea=idea, actor=moderator, to_status=Status.PLANNED, response=answer)
    [notification] = tom.notifications.all()
    lines = [line for line in notification.body.splitlines() if line]
    assert lines == [
        "Next steps:",
        "1. design",
        "2. pilot",
        "Who:",
        "• cards team",
        "• Lyon",
        "• app team",
    ]
    [message] = _to("tom@example.com")
    assert "1. design\n2. pilot" in message.body


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1. first\n\n2. second", ["1. first", "2. second"]),  # blank lines: <li><p>
        ("3. third\n4. fourth", ["3. third", "4. fourth"]),  # numbered from where it starts
        ("- a\n\n- b", ["• a", "• b"]),
    ],
)
def test_list_items_keep_their_text_beside_their_mark(typed, read):
    assert [line for line in markdown_text(typed).splitlines() if line] == read


def test_the_daily_digest_is_in_the_recipients_language(claire, tom):
    idea = _followed_by(IdeaFactory(title="Pay by phone in shops", language="en"), claire)
    notify_comment(comment=CommentFactory(idea=idea, author=tom, body="I would use it"))
    assert emailing.send_daily_digest(user=claire) == 1
    [message] = _to("claire@example.com")
    assert message.subject == "[Ruche] Votre récapitulatif quotidien Ruche – nouveautés : 1"
    assert message.body.startswith("Bonjour Claire,")
    assert "Nouveau commentaire sur « Pay by phone in shops »" in message.body
    assert "I would use it" in message.body  # the comment itself as written


def test_an_english_member_gets_an_english_digest_about_a_french_idea(claire, tom):
    idea = _followed_by(IdeaFactory(title="Payer en magasin", language="fr"), tom)
    notify_comment(comment=CommentFactory(idea=idea, author=claire, body="Oui !"))
    emailing.send_daily_digest(user=tom)
    [message] = _to("tom@example.com")
    assert message.subject == "[Ruche] Your Ruche digest: 1 updates"
    assert "New comment on “Payer en magasin”" in message.body


def test_an_account_without_a_choice_gets_the_sites_language(alice, bob, settings):
    settings.LANGUAGE_CODE = "fr"
    assert alice.preferred_language == ""
    idea = _followed_by(IdeaFactory(title="Card controls", language="en"), alice)
    notify_comment(comment=CommentFactory(idea=idea, author=bob))
    emailing.send_daily_digest(user=alice)
    assert _to("alice@example.com")[0].body.startswith("Bonjour Alice,")
