"""Demo data for `make run`: about 200 ideas in French and English with people, votes, comments
and official answers, spread over the last four months so every page looks alive, with the
campaigns, moderation work, points and badges of the community on top.

It lives in the top layer because it fills every app; the content and logins it uses are the
ideas app's (ideas.demo.seed). Loading is idempotent: a second run finds the demo customer and
changes nothing.
"""

import json
import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.mfa import mfa_enrol, user_needs_mfa
from accounts.models import User
from accounts.privacy import consents_record
from accounts.services import user_create
from community.campaigns.demo import seed_campaigns
from community.models import BadgeAward, Comment, Follow, Notification
from community.moderation.demo import seed_moderation
from community.moderation.sentiment import sentiment_refresh_bulk
from community.notifications import services as notifications
from community.recognition import services as recognition
from ideas.demo.outside import seed_outside_feedback
from ideas.demo.seed import (
    CONTENT,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    ENGLISH_SURNAMES,
    MEMBER_NAMES,
    STATUS_PATHS,
    demo_categories,
    demo_is_loaded,
)
from ideas.models import STATUS_TRANSITIONS, Campaign, Category, Idea, Status, StatusChange, Vote
from ideas.ranking import trending_refresh_all
from ideas.rendering import render_markdown
from ideas.services import idea_create, ideas_recount


@transaction.atomic
def seed_demo(*, seed: int = 2026) -> dict[str, int]:
    if demo_is_loaded():
        return {}
    rng = random.Random(seed)
    content = json.loads(CONTENT.read_text(encoding="utf-8"))
    now = timezone.now()

    categories = demo_categories(content)
    logins = {
        login.role: user_create(
            email=login.email,
            password=DEMO_PASSWORD,
            display_name=login.display_name,
            organisation=login.organisation,
            role=login.role,
            email_verified=True,
        )
        for login in DEMO_LOGINS
    }
    for user in logins.values():
        consents_record(user=user)  # as they would have at sign-up
        if user_needs_mfa(user):
            mfa_enrol(user, secret=DEMO_TOTP_SECRET)
    members = [logins[roles.MEMBER], logins[roles.PARTNER]] + [
        user_create(
            email=f"member{n:02d}@example.com",
            password=DEMO_PASSWORD,
            display_name=name,
            email_verified=True,
        )
        for n, name in enumerate(MEMBER_NAMES, start=1)
    ]
    for member in members[2:]:
        member.preferred_language = (
            "en" if member.display_name.split()[-1] in ENGLISH_SURNAMES else "fr"
        )
    User.objects.bulk_update(members[2:], ["preferred_language"])

    # Some themes are far more popular than others, as on any real portal.
    themes = sorted({i["theme"] for i in content["ideas"]})  # sorted: sets vary between runs
    popularity = {t: rng.paretovariate(1.6) for t in themes}
    # Two themes are heating up this week, so the product managers' dashboard has news.
    hot = set(rng.sample([t for t in themes if t != "misc"], k=2))
    ideas: list[Idea] = []
    for item in content["ideas"]:
        ideas.append(
            Idea(
                title=item["title"],
                body=item["body"],
                body_html=render_markdown(item["body"]),
                author=rng.choice(members),
                category=categories[item["category"]],
                language=item["language"],
            )
        )
    Idea.objects.bulk_create(ideas)
    ages = {
        idea.pk: timedelta(hours=rng.uniform(2, (8 if item["theme"] in hot else 120) * 24))
        for idea, item in zip(ideas, content["ideas"], strict=True)
    }
    for idea in ideas:
        idea.created_at = now - ages[idea.pk]
    Idea.objects.bulk_update(ideas, ["created_at"])

    votes: list[Vote] = []
    comments: list[Comment] = []
    for idea, item in zip(ideas, content["ideas"], strict=True):
        weight = popularity[item["theme"]] * (3 if item["theme"] in hot else 1)
        voters = rng.sample(members, k=min(len(members), int(rng.expovariate(1 / (4 * weight)))))
        votes += [Vote(user=voter, idea=idea) for voter in voters]
        for text in rng.sample(
            content["comments"][idea.language], k=rng.choice([0, 0, 1, 1, 2, 3, 4])
        ):
            comments.append(
                Comment(
                    idea=idea,
                    author=rng.choice(members),
                    body=text,
                    body_html=render_markdown(text),
                )
            )
    Vote.objects.bulk_create(votes)
    for vote in votes:  # most votes come soon after an idea is posted
        vote.created_at = now - ages[vote.idea.pk] * (1 - rng.random() ** 2)
    Vote.objects.bulk_update(votes, ["created_at"])
    Comment.objects.bulk_create(comments)
    for comment in comments:
        age = ages[comment.idea.pk]
        comment.created_at = comment.updated_at = now - age * rng.uniform(0.05, 0.95)
    Comment.objects.bulk_update(comments, ["created_at", "updated_at"])

    staff = [logins[roles.MODERATOR], logins[roles.PRODUCT_MANAGER]]
    answered = rng.sample(ideas, k=30)
    changes = 0
    for idea in answered:
        path = rng.choice(STATUS_PATHS)
        current = Status.NEW
        for step, target in enumerate(path, start=1):
            assert target in STATUS_TRANSITIONS[current]
            text = content["status_responses"][target][idea.language]
            change = StatusChange.objects.create(
                idea=idea,
                changed_by=rng.choice(staff),
                from_status=current,
                to_status=target,
                response=text,
                response_html=render_markdown(text),
                notified_at=now,
            )
            change.created_at = now - ages[idea.pk] * (1 - step / (len(path) + 1))
            change.save(update_fields=["created_at"])
            current = target
            changes += 1
        Idea.objects.filter(pk=idea.pk).update(status=current)
    campaigns = seed_campaigns(rng=rng, now=now, ideas=ideas, members=members, staff=staff)
    ideas_recount()
    trending_refresh_all(tolerance=0)  # every score for now: the ideas were back-dated above
    engagement = seed_engagement(ideas=ideas, comments=comments, now=now)
    scored = sentiment_refresh_bulk(ideas=ideas, comments=comments)  # one batch: ~20 s / 500
    moderation = seed_moderation(
        rng=rng, now=now, ideas=ideas, members=members, password=DEMO_PASSWORD
    )
    seed_masked_idea(author=ideas[0].author, category=categories["cards"])
    outside = seed_outside_feedback(product_manager=logins[roles.PRODUCT_MANAGER], now=now)
    return {
        **outside,
        "sentiments": scored,
        "ideas": len(ideas),
        "users": len(members) + 3,
        "votes": len(votes),
        "comments": len(comments),
        "status_changes": changes,
        **campaigns,
        **engagement,
        **moderation,
        "idea_with_masked_card_and_phone": 1,
    }


# A customer's idea as typed, with a card number (made up, but it passes the Luhn check) and a
# phone number (in a range reserved for fiction): posted through idea_create like any idea, it is
# published with both masked (ideas.pii_services).
MASKED_IDEA = (
    "Contester un double débit directement dans l'appli",
    "Ma carte 4970 1012 3456 7893 a été débitée deux fois pour le même achat. J'ai dû appeler "
    "l'agence pour le signaler. Ce serait plus simple de contester un débit en deux clics dans "
    "l'appli, et d'être rappelé au 06 39 98 12 34 si besoin.",
)


def seed_masked_idea(*, author: User, category: Category) -> Idea:
    """The idea above, published (and so masked) through the service, and its sentiment scored
    like the other demo ideas'."""
    title, body = MASKED_IDEA
    idea = idea_create(author=author, title=title, body=body, category=category, language="fr")
    sentiment_refresh_bulk(ideas=[idea], comments=[])
    return idea


def seed_engagement(*, ideas: list[Idea], comments: list[Comment], now: datetime) -> dict[str, int]:
    """Follows, points, badges and notifications, as the worker would have made them."""
    follows = {(i.author_id, i.pk) for i in ideas}
    follows |= set(Vote.objects.filter(idea__in=ideas).values_list("user_id", "idea_id"))
    follows |= {(c.author_id, c.idea_id) for c in comments}
    Follow.objects.bulk_create([Follow(user_id=u, idea_id=i) for u, i in sorted(follows)])
    for idea in Idea.objects.filter(pk__in=[i.pk for i in ideas]).select_related("author"):
        recognition.recognise_idea(idea=idea)
        recognition.recognise_votes(idea=idea)
        recognition.recognise_status(idea=idea)
        notifications.notify_vote_milestones(idea=idea, email=False)
    for comment in Comment.objects.filter(pk__in=[c.pk for c in comments]).select_related(
        "idea", "author"
    ):
        recognition.recognise_comment(comment=comment)
    for change in StatusChange.objects.select_related(
        "idea__author", "idea__category", "changed_by"
    ):
        told = notifications.notify_status_change(change=change, email=False)
        Notification.objects.filter(pk__in=[n.pk for n in told]).update(
            created_at=change.created_at
        )
    for campaign in Campaign.objects.all():
        recognition.campaign_award_results(campaign=campaign)
    # History, not news: none of it is emailed, and only the last week is unread.
    Notification.objects.update(emailed_at=now)
    Notification.objects.filter(created_at__lt=now - timedelta(days=7)).update(read_at=now)
    return {
        "follows": len(follows),
        "badges": BadgeAward.objects.count(),
        "notifications": Notification.objects.count(),
    }
