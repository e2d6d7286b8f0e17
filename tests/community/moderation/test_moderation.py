import pytest
from django.urls import reverse

from community.comments import services
from community.models import Flag, FlagResolution
from community.moderation import services as moderation_services
from ideas.selectors import idea_list
from tests.factories import IdeaFactory
from tests.helpers import queries_to_get


def flag_idea(client, idea, reason="spam", note=""):  # type: ignore[no-untyped-def]
    url = reverse("community:idea_flag", args=[idea.pk])
    return client.post(url, {"reason": reason, "note": note})


def test_a_member_reports_an_idea_with_a_reason_and_a_note(client, bob, idea):
    client.force_login(bob)
    response = flag_idea(client, idea, reason="personal_data", note="Phone number in the text")
    assert response.status_code == 302
    flag = Flag.objects.get()
    assert (flag.reporter, flag.idea, flag.comment) == (bob, idea, None)
    assert flag.reason == "personal_data"
    assert flag.note == "Phone number in the text"


def test_a_member_reports_a_comment(client, alice, bob, idea):
    comment = services.comment_create(idea=idea, author=alice, body="Call me on 0601020304")
    client.force_login(bob)
    url = reverse("community:comment_flag", args=[comment.pk])
    response = client.post(url, {"reason": "personal_data"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert Flag.objects.get().comment == comment


def test_a_comment_waiting_for_a_moderator_cannot_be_reported_by_others(client, alice, bob, idea):
    from django.utils import timezone

    from tests.factories import CommentFactory

    waiting = CommentFactory(idea=idea, author=alice, pending_at=timezone.now())
    client.force_login(bob)
    response = client.post(reverse("community:comment_flag", args=[waiting.pk]), {"reason": "spam"})
    assert response.status_code == 404  # as for a comment that does not exist
    assert not Flag.objects.exists()


def test_a_bad_reason_is_a_field_error(client, bob, idea):
    client.force_login(bob)
    response = flag_idea(client, idea, reason="boring")
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert not Flag.objects.exists()


def test_a_second_open_report_by_the_same_person_is_refused(client, bob, alice, idea):
    client.force_login(bob)
    flag_idea(client, idea)
    response = flag_idea(client, idea, reason="abusive")
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert Flag.objects.count() == 1


def test_reporting_needs_login_and_post(client, idea):
    url = reverse("community:idea_flag", args=[idea.pk])
    assert client.get(url).status_code == 405
    response = flag_idea(client, idea)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Flag.objects.exists()


def test_the_idea_page_offers_a_report_form(client, bob, idea):
    client.force_login(bob)
    page = client.get(idea.get_absolute_url()).text
    assert reverse("community:idea_flag", args=[idea.pk]) in page


@pytest.mark.parametrize("who", ["bob", "partner", "product_manager"])
def test_the_queue_is_forbidden_to_members_partners_and_product_managers(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("moderation:queue")).status_code == 403


@pytest.mark.parametrize("who", ["moderator", "admin_user"])
def test_moderators_and_admins_see_flagged_items_in_the_queue(client, request, bob, idea, who):
    moderation_services.flag_create(reporter=bob, idea=idea, reason="spam", note="Ad link")
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("moderation:queue"))
    assert response.status_code == 200
    (item,) = response.context["items"]
    assert item.idea == idea
    assert item.count == 1
    assert "Ad link" in response.text


def test_the_queue_groups_flags_per_item_oldest_first(client, alice, bob, partner, moderator):
    older, newer = IdeaFactory(title="Older"), IdeaFactory(title="Newer")
    moderation_services.flag_create(reporter=bob, idea=older, reason="spam")
    moderation_services.flag_create(reporter=partner, idea=newer, reason="abusive")
    moderation_services.flag_create(reporter=alice, idea=older, reason="off_topic")
    client.force_login(moderator)
    items = client.get(reverse("moderation:queue")).context["items"]
    assert [item.idea for item in items] == [older, newer]
    assert items[0].count == 2


def test_the_queue_makes_the_same_number_of_queries_for_more_items(client, bob, moderator):
    comment_idea = IdeaFactory()
    comment = services.comment_create(idea=comment_idea, author=bob, body="Spam")
    moderation_services.flag_create(
        reporter=moderator, idea=comment_idea, comment=comment, reason="spam"
    )
    moderation_services.flag_create(reporter=bob, idea=IdeaFactory(), reason="spam")
    client.force_login(moderator)
    few = queries_to_get(client, reverse("moderation:queue"))
    for _ in range(5):
        idea = IdeaFactory()
        moderation_services.flag_create(reporter=bob, idea=idea, reason="spam")
        other = services.comment_create(idea=idea, author=bob, body="More spam")
        moderation_services.flag_create(reporter=moderator, idea=idea, comment=other, reason="spam")
    assert queries_to_get(client, reverse("moderation:queue")) == few


def hide(client, idea, reason="Advertising"):  # type: ignore[no-untyped-def]
    url = reverse("moderation:idea_action", args=[idea.pk, "hide"])
    return client.post(url, {"reason": reason})


def test_a_hidden_idea_is_gone_for_others_but_not_for_its_author_and_moderators(
    client, alice, bob, moderator, idea
):
    moderation_services.flag_create(reporter=bob, idea=idea, reason="spam")
    client.force_login(moderator)
    assert hide(client, idea).status_code == 302
    assert Flag.objects.get().resolution == FlagResolution.HIDDEN
    assert client.get(idea.get_absolute_url()).status_code == 200
    client.force_login(bob)
    assert client.get(idea.get_absolute_url()).status_code == 404
    assert idea not in idea_list(viewer=bob)
    assert idea.title not in client.get(reverse("ideas:list")).text
    client.logout()
    assert client.get(idea.get_absolute_url()).status_code == 404
    assert idea not in idea_list(viewer=None)
    client.force_login(alice)
    page = client.get(idea.get_absolute_url())
    assert page.status_code == 200
    assert "hidden by a moderator" in page.text


def test_hiding_needs_a_reason_and_a_moderator(client, bob, moderator, idea):
    client.force_login(bob)
    assert hide(client, idea).status_code == 403
    client.force_login(moderator)
    response = hide(client, idea, reason="  ")
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    idea.refresh_from_db()
    assert not idea.is_hidden


def test_a_restored_idea_is_shown_again(client, bob, moderator, idea):
    moderation_services.content_hide(actor=moderator, idea=idea, reason="Spam")
    client.force_login(moderator)
    url = reverse("moderation:idea_action", args=[idea.pk, "restore"])
    assert client.post(url, {"reason": "Was fine"}).status_code == 302
    client.force_login(bob)
    assert client.get(idea.get_absolute_url()).status_code == 200


def test_a_hidden_comment_shows_as_removed_and_can_be_restored(client, alice, bob, moderator, idea):
    comment = services.comment_create(idea=idea, author=bob, body="Buy cheap watches")
    client.force_login(moderator)
    url = reverse("moderation:comment_action", args=[comment.pk, "hide"])
    assert client.post(url, {"reason": "Spam"}).status_code == 302
    client.force_login(alice)
    page = client.get(idea.get_absolute_url()).text
    assert "Buy cheap watches" not in page
    assert "removed by a moderator" in page
    idea.refresh_from_db()
    assert idea.comment_count == 0
    moderation_services.content_restore(actor=moderator, idea=idea, comment=comment, reason="Ok")
    assert "Buy cheap watches" in client.get(idea.get_absolute_url()).text
    idea.refresh_from_db()
    assert idea.comment_count == 1


def test_dismissing_closes_the_flags_and_leaves_the_item(client, bob, moderator, idea):
    moderation_services.flag_create(reporter=bob, idea=idea, reason="off_topic")
    client.force_login(moderator)
    url = reverse("moderation:idea_action", args=[idea.pk, "dismiss"])
    assert client.post(url, {"reason": "On topic"}).status_code == 302
    assert Flag.objects.get().resolution == FlagResolution.DISMISSED
    assert client.get(reverse("moderation:queue")).context["items"] == []
    client.force_login(bob)
    assert client.get(idea.get_absolute_url()).status_code == 200
    # The flag is closed, so the same person may report again.
    assert flag_idea(client, idea).status_code == 302
