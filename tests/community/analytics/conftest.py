"""A known community over four past weeks, for the analytics tests.

Week 1 (from Monday 7 September 2026): 26 members join and each posts one idea: 12 customers
aged 25-34 in Cards, 11 partners aged 35-44 in Loans, 3 customers aged 65+ in Savings.
Week 2: the 12 younger customers vote for one idea. Week 3: 5 of them comment (a small group),
and 10 of the 12 Cards ideas, answered in week 2 (Under review), are Done.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts import roles
from accounts.models import User
from community.analytics.selectors import Period
from community.models import Comment
from ideas.models import Idea, Status, StatusChange, Vote
from tests.factories import CategoryFactory, IdeaFactory, UserFactory

MONDAY = date(2026, 9, 7)
PERIOD = Period.covering(MONDAY, MONDAY + timedelta(days=27))


def at(day: int, hour: int = 12) -> datetime:
    """`day` days after the first Monday, at `hour` o'clock local time."""
    zone = timezone.get_current_timezone()
    return datetime.combine(MONDAY + timedelta(days=day), time(hour), tzinfo=zone)


@dataclass
class World:
    young: list[User] = field(default_factory=list)
    partners: list[User] = field(default_factory=list)
    old: list[User] = field(default_factory=list)
    ideas: dict[str, list[Idea]] = field(default_factory=dict)


def make_members(
    count: int, *, role: str = roles.MEMBER, joined: datetime, **profile: Any
) -> list[User]:
    people = [UserFactory(role=role, **profile) for _ in range(count)]
    User.objects.filter(pk__in=[p.pk for p in people]).update(date_joined=joined)
    return people


def post(author: User, category: Any, when: datetime) -> Idea:
    idea = IdeaFactory(author=author, category=category)
    Idea.objects.filter(pk=idea.pk).update(created_at=when)
    idea.refresh_from_db()
    return idea


def answer(
    idea: Idea, staff: User, to_status: str, when: datetime, from_status: str = Status.NEW
) -> None:
    change = StatusChange.objects.create(
        idea=idea, changed_by=staff, from_status=from_status, to_status=to_status, response="Yes."
    )
    StatusChange.objects.filter(pk=change.pk).update(created_at=when)
    Idea.objects.filter(pk=idea.pk).update(status=to_status)


def build_world(staff: User) -> World:
    world = World()
    cards = CategoryFactory(slug="cards", name_en="Cards", name_fr="Cartes")
    loans = CategoryFactory(slug="loans", name_en="Loans", name_fr="Prêts")
    savings = CategoryFactory(slug="savings", name_en="Savings", name_fr="Épargne")
    world.young = make_members(
        12, joined=at(0), age_band="25-34", customer_type="individual", region="idf"
    )
    world.partners = make_members(
        11,
        role=roles.PARTNER,
        joined=at(1),
        age_band="35-44",
        customer_type="business",
        region="ara",
    )
    world.old = make_members(
        3, joined=at(2), age_band="65+", customer_type="individual", region="bre"
    )
    world.ideas["cards"] = [post(p, cards, at(2)) for p in world.young]
    world.ideas["loans"] = [post(p, loans, at(3)) for p in world.partners]
    world.ideas["savings"] = [post(p, savings, at(4)) for p in world.old]
    target = world.ideas["loans"][0]
    for person in world.young:
        vote = Vote.objects.create(user=person, idea=target)
        Vote.objects.filter(pk=vote.pk).update(created_at=at(8))
    for person in world.young[:5]:
        comment = Comment.objects.create(
            idea=target, author=person, body="Agreed", body_html="Agreed"
        )
        Comment.objects.filter(pk=comment.pk).update(created_at=at(15))
    # Answered after 1, 2, ... 12 days (first answer): median 6.5 days.
    for n, idea in enumerate(world.ideas["cards"], start=1):
        answer(idea, staff, Status.UNDER_REVIEW, idea.created_at + timedelta(days=n))
    for idea in world.ideas["cards"][:10]:
        answer(idea, staff, Status.DONE, at(16), from_status=Status.UNDER_REVIEW)
    return world


@pytest.fixture
def world(product_manager) -> World:  # type: ignore[no-untyped-def]
    return build_world(product_manager)
