import pytest
from django.core.management import CommandError, call_command

from accounts import roles
from accounts.models import User
from ideas.models import Idea, Signal, StatusChange, Vote


@pytest.fixture
def debug_on(settings):  # type: ignore[no-untyped-def]
    """The demo loads only where DEBUG is on, as in `make run` (pytest turns DEBUG off)."""
    settings.DEBUG = True


def test_seed_demo_refuses_to_run_where_debug_is_off(db, settings):
    """Its staff accounts share a published password and two-factor secret: never in production."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.exists()
    assert not Idea.objects.exists()


@pytest.mark.usefixtures("debug_on", "texts_embedded_once")
def test_seed_demo_loads_a_living_portal_once_whose_logins_work(client, db, capsys, settings):
    """One load (about 45 s: the demo's texts go through the encoders) checked three ways: the
    portal it builds, every demo login, and staff signing in with the code `demo_code` prints."""
    settings.RUCHE_PREMODERATE_FIRST_POST = True  # as in `make run`
    call_command("seed_demo")
    ideas = Idea.objects.count()
    assert 190 <= ideas <= 220
    assert set(Idea.objects.values_list("language", flat=True)) == {"en", "fr"}
    assert Idea.objects.values("category").distinct().count() == 6
    assert Vote.objects.count() > ideas
    assert StatusChange.objects.count() >= 20
    # The sample export of outside feedback, imported as the demo product manager.
    assert Signal.objects.count() == 76
    for role in roles.ROLE_PERMISSIONS:
        assert User.objects.filter(groups__name=role).exists(), role
    # Denormalised counts agree with the rows.
    from django.db.models import Count, Q

    counted = Idea.objects.annotate(
        votes_now=Count("votes", filter=Q(votes__discounted_at__isnull=True), distinct=True),
        comments_now=Count(
            "comments",
            filter=Q(comments__removed_at__isnull=True, comments__pending_at__isnull=True),
            distinct=True,
        ),
    )
    for idea in counted:
        assert (idea.vote_count, idea.comment_count) == (idea.votes_now, idea.comments_now), idea.pk
    # Every idea and comment has its sentiment, some of them negative.
    from community.models import Comment, ContentSentiment

    # The pending first post is scored once a moderator approves it, like any pending post.
    public = Idea.objects.public().count()
    assert ContentSentiment.objects.count() == public + Comment.objects.count()
    assert ContentSentiment.objects.filter(label="negative").exists()
    # The moderators have work waiting: a flagged comment, a pending first post, a vote ring and
    # unhappy posts without an answer.
    from community.models import Flag, VoteRing
    from community.moderation.needs_answer import ideas_needing_answer

    assert Flag.objects.filter(comment__isnull=False, resolved_at__isnull=True).count() == 2
    assert Idea.objects.filter(pending_at__isnull=False).count() == 1
    rings = VoteRing.objects.all()
    assert len(rings) == 3  # the same six accounts on three ideas
    assert all(ring.voters.count() == 6 and ring.status == "open" for ring in rings)
    assert ideas_needing_answer().exists()
    out = capsys.readouterr().out
    assert "customer@example.com" in out
    assert "pm@example.com" in out

    call_command("seed_demo")
    assert Idea.objects.count() == ideas
    assert "already loaded" in capsys.readouterr().out

    _every_demo_login_logs_in(client)
    _staff_sign_in_with_the_code_that_demo_code_prints(client)


def _every_demo_login_logs_in(client):  # type: ignore[no-untyped-def]
    from ideas.demo.seed import DEMO_LOGINS, DEMO_PASSWORD

    for login in DEMO_LOGINS:
        assert client.login(email=login.email, password=DEMO_PASSWORD), login.email
        client.logout()


def _staff_sign_in_with_the_code_that_demo_code_prints(client):  # type: ignore[no-untyped-def]
    from io import StringIO

    from django.urls import reverse

    from ideas.demo.seed import DEMO_PASSWORD

    login = {"login": "moderator@example.com", "password": DEMO_PASSWORD}
    assert client.post(reverse("account_login"), login)["Location"] == reverse("mfa_authenticate")
    out = StringIO()
    call_command("demo_code", stdout=out)
    response = client.post(reverse("mfa_authenticate"), {"code": out.getvalue().split()[0]})
    assert response.status_code == 302
    assert client.get(reverse("moderation:queue")).status_code == 200
