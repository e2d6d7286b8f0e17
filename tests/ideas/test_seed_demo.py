from django.core.management import call_command

from accounts import roles
from accounts.models import User
from ideas.models import Idea, StatusChange, Vote


def test_seed_demo_loads_a_living_portal_once(db, capsys):
    call_command("seed_demo")
    ideas = Idea.objects.count()
    assert 190 <= ideas <= 220
    assert set(Idea.objects.values_list("language", flat=True)) == {"en", "fr"}
    assert Idea.objects.values("category").distinct().count() == 6
    assert Vote.objects.count() > ideas
    assert StatusChange.objects.count() >= 20
    for role in roles.ROLE_PERMISSIONS:
        assert User.objects.filter(groups__name=role).exists(), role
    # Denormalised counts agree with the rows.
    for idea in Idea.objects.all()[:50]:
        assert idea.vote_count == idea.votes.count()
        assert idea.comment_count == idea.comments.count()
    # Every idea and comment has its sentiment, some of them negative.
    from community.models import Comment, ContentSentiment

    assert ContentSentiment.objects.count() == ideas + Comment.objects.count()
    assert ContentSentiment.objects.filter(label="negative").exists()
    out = capsys.readouterr().out
    assert "customer@example.com" in out
    assert "pm@example.com" in out

    call_command("seed_demo")
    assert Idea.objects.count() == ideas
    assert "already loaded" in capsys.readouterr().out


def test_demo_logins_can_log_in(client, db):
    from ideas.demo.seed import DEMO_LOGINS, DEMO_PASSWORD

    call_command("seed_demo")
    for login in DEMO_LOGINS:
        assert client.login(email=login.email, password=DEMO_PASSWORD), login.email
        client.logout()
