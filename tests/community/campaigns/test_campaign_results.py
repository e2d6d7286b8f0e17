"""A campaign's results are stored when it ends (CampaignResults): what happens later, such as a
vote withdrawn, does not change what its page shows."""

from datetime import timedelta

from django.utils import timezone

from community.campaigns import selectors as campaign_selectors
from community.models import CampaignResults
from community.recognition import services as recognition
from community.tasks import award_campaign_results
from ideas.models import Vote
from ideas.services import vote_set
from tests.community.campaigns.helpers import make_campaign
from tests.factories import IdeaFactory, UserFactory


def _vote_before_the_end(voter, idea) -> None:  # type: ignore[no-untyped-def]
    vote_set(user=voter, idea=idea, voted=True)
    Vote.objects.filter(user=voter, idea=idea).update(created_at=timezone.now() - timedelta(days=2))
    recognition.recognise_votes(idea=idea)  # the author's points, dated like the votes


def _shown(client, campaign):  # type: ignore[no-untyped-def]
    response = client.get(campaign.get_absolute_url())
    ideas = [(idea.title, idea.votes_at_end) for idea in response.context["top_ideas"]]
    board = [(row.member.pk, row.rank, row.points) for row in response.context["leaderboard"]]
    return ideas, board, response.text


def test_a_vote_withdrawn_after_the_end_does_not_change_the_shown_results(
    client, moderator, alice, bob, category
):
    campaign = make_campaign(moderator, starts_in_days=-20, ends_in_days=-1)
    a = IdeaFactory(author=alice, category=category, campaign=campaign, title="A")
    b = IdeaFactory(author=bob, category=category, campaign=campaign, title="B")
    voters = [UserFactory() for _ in range(3)]
    for voter in voters[:2]:
        _vote_before_the_end(voter, a)
    _vote_before_the_end(voters[2], b)
    assert award_campaign_results() == 1  # the badge went to someone: the results are stored
    before = _shown(client, campaign)
    assert before[0] == [("A", 2), ("B", 1)]
    assert before[1] == [(alice.pk, 1, 2), (bob.pk, 2, 1)]

    # After the end, both of A's voters withdraw: computed from the votes left, B would lead.
    for voter in voters[:2]:
        vote_set(user=voter, idea=a, voted=False)
    recognition.recognise_votes(idea=a)
    live = campaign_selectors.campaign_top_ideas(campaign=campaign)
    assert [(idea.title, idea.votes_at_end) for idea in live] == [("B", 1), ("A", 0)]

    after = _shown(client, campaign)
    assert after[:2] == before[:2]
    assert "2 votes at the close" in after[2]


def test_the_job_run_twice_stores_one_snapshot(moderator, alice, category):
    campaign = make_campaign(moderator, starts_in_days=-20, ends_in_days=-1)
    idea = IdeaFactory(author=alice, category=category, campaign=campaign, title="A")
    _vote_before_the_end(UserFactory(), idea)
    award_campaign_results()
    stored = CampaignResults.objects.get()
    assert stored.top_ideas == [[idea.pk, 1]]
    assert stored.leaderboard == [[alice.pk, 1, 1]]

    assert award_campaign_results() == 0
    assert recognition.campaign_results_store(campaign=campaign) is False
    assert list(CampaignResults.objects.values_list("pk", "stored_at")) == [
        (campaign.pk, stored.stored_at)
    ]


def test_the_job_stores_the_results_of_a_campaign_awarded_before_snapshots_existed(
    moderator, alice, category
):
    campaign = make_campaign(moderator, starts_in_days=-20, ends_in_days=-1)
    IdeaFactory(author=alice, category=category, campaign=campaign)
    campaign.results_awarded_at = timezone.now()
    campaign.save(update_fields=["results_awarded_at"])
    award_campaign_results()
    assert CampaignResults.objects.filter(campaign=campaign).exists()


def test_an_open_campaign_stores_nothing_and_its_page_shows_live_counts(
    client, moderator, alice, category
):
    campaign = make_campaign(moderator, starts_in_days=-1, ends_in_days=10)
    idea = IdeaFactory(author=alice, category=category, campaign=campaign, title="Live one")
    voters = [UserFactory() for _ in range(3)]
    for voter in voters:
        vote_set(user=voter, idea=idea, voted=True)
    assert award_campaign_results() == 0
    assert not CampaignResults.objects.exists()

    response = client.get(campaign.get_absolute_url())
    assert "top_ideas" not in response.context
    assert [i.vote_count for i in response.context["page"]] == [3]
    vote_set(user=voters[0], idea=idea, voted=False)
    response = client.get(campaign.get_absolute_url())
    assert [i.vote_count for i in response.context["page"]] == [2]


def test_the_snapshot_names_no_private_profile_nor_one_made_private_later(
    client, moderator, alice, bob, category
):
    campaign = make_campaign(moderator, starts_in_days=-20, ends_in_days=-1)
    private = UserFactory(profile_public=False)
    for author in (alice, bob, private):
        idea = IdeaFactory(author=author, category=category, campaign=campaign)
        _vote_before_the_end(UserFactory(), idea)
    award_campaign_results()
    stored = CampaignResults.objects.get()
    assert private.pk not in [row[0] for row in stored.leaderboard]

    bob.profile_public = False
    bob.save(update_fields=["profile_public"])
    _ideas, board, _text = _shown(client, campaign)
    assert [row[0] for row in board] == [alice.pk]
