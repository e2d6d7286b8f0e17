"""A suspended member cannot report content (issue #11, finding 10): a suspension stops
everything that reaches other people, and a report reaches the moderators' queue. What stays
open is private to the member and the bank: complaints, their data (export, deletion), reading.
Every step goes through the pages a member uses."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts import sanctions
from accounts.models import User
from community.comments import services
from community.models import ComplaintCase, Flag
from community.moderation import services as moderation_services

REPORT = {"reason": "spam", "note": "Looks like an advert"}


@pytest.fixture
def suspended_bob(bob, moderator):  # type: ignore[no-untyped-def]
    return sanctions.member_suspend(
        actor=moderator,
        member=bob,
        until=timezone.now() + timedelta(days=7),
        reason="Flooding the queue",
        hide_content=False,
    )


def test_a_suspended_member_reporting_an_idea_is_refused_and_no_report_is_stored(
    client, suspended_bob, idea
):
    client.force_login(suspended_bob)
    response = client.post(reverse("community:idea_flag", args=[idea.pk]), REPORT)
    assert response.status_code == 403
    assert "Your account is suspended until" in response.text
    assert "cannot report" in response.text
    assert not Flag.objects.exists()


def test_a_suspended_member_reporting_a_comment_is_refused_and_no_report_is_stored(
    client, alice, suspended_bob, idea
):
    comment = services.comment_create(idea=idea, author=alice, body="Fine words")
    client.force_login(suspended_bob)
    response = client.post(reverse("community:comment_flag", args=[comment.pk]), REPORT)
    assert response.status_code == 403
    assert "Your account is suspended until" in response.text
    assert not Flag.objects.exists()


def test_the_service_refuses_a_suspended_reporter_whatever_calls_it(suspended_bob, idea):
    with pytest.raises(PermissionDenied, match="suspended until"):
        moderation_services.flag_create(reporter=suspended_bob, idea=idea, reason="spam")
    assert not Flag.objects.exists()


def test_reporting_works_again_once_the_suspension_ends(client, suspended_bob, idea):
    User.objects.filter(pk=suspended_bob.pk).update(
        suspended_until=timezone.now() - timedelta(seconds=1)
    )
    client.force_login(suspended_bob)
    response = client.post(reverse("community:idea_flag", args=[idea.pk]), REPORT)
    assert response.status_code == 302
    assert Flag.objects.get().reporter == suspended_bob


def test_a_suspended_member_still_complains_downloads_their_data_and_reads(
    client, suspended_bob, idea
):
    client.force_login(suspended_bob)
    assert client.get(idea.get_absolute_url()).status_code == 200
    data = {"subject": "Card blocked", "body": "My card was blocked abroad.", "language": "en"}
    response = client.post(reverse("complaints:create"), data)
    assert response.status_code in (200, 302)
    assert ComplaintCase.objects.filter(member=suspended_bob).exists()
    export = client.get(reverse("accounts:data_download"))
    assert export.status_code == 200
