"""Demo campaigns for seed_demo: one running, one finished, each with a dozen fitting ideas."""

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import ideas.demo
from accounts.models import User
from community.models import Campaign
from ideas.models import Idea
from ideas.rendering import render_markdown

CONTENT = Path(ideas.demo.__file__).with_name("content.json")
IDEAS_PER_CAMPAIGN = 12


@dataclass(frozen=True)
class DemoCampaign:
    slug: str
    title: str
    description: str
    themes: tuple[str, ...]  # demo idea themes that fit, best first


RUNNING = DemoCampaign(
    slug="mobile-app-savings",
    title="How should our mobile app help you save?",
    description=(
        "Putting money aside is easier when the app does the remembering. Round-ups, goals, "
        "alerts before the end of the month, pocket money for the children: **what would "
        "help you save, week after week?** Post your ideas and vote for the ones you would "
        "use. Our mobile team reads every one and will answer the most supported ones.\n\n"
        "---\n\n"
        "*Comment notre appli peut-elle vous aider à épargner ?* Mettre de l'argent de côté "
        "est plus simple quand l'appli s'en souvient pour vous. Arrondis, objectifs, alertes "
        "avant la fin du mois, argent de poche des enfants : **qu'est-ce qui vous aiderait à "
        "épargner, semaine après semaine ?** Proposez vos idées et votez pour celles que vous "
        "utiliseriez. Notre équipe mobile les lit toutes et répondra aux plus soutenues."
    ),
    themes=("savings-roundup", "budget-alerts", "kids-pocket-money", "green-savings"),
)
FINISHED = DemoCampaign(
    slug="paying-abroad",
    title="Paying and sending money abroad, without surprises",
    description=(
        "Fees you only discover on your statement, transfers that take days: tell us what "
        "should change when you pay or send money abroad.\n\n"
        "---\n\n"
        "*Payer et envoyer de l'argent à l'étranger, sans mauvaise surprise.* Des frais "
        "découverts sur le relevé, des virements qui prennent des jours : dites-nous ce qui "
        "doit changer quand vous payez ou envoyez de l'argent à l'étranger."
    ),
    themes=("fee-transparency", "international-transfers-fees", "virtual-cards", "sepa-instant"),
)


@cache
def _themes_by_title() -> dict[str, str]:
    content = json.loads(CONTENT.read_text(encoding="utf-8"))
    return {item["title"]: item["theme"] for item in content["ideas"]}


def _pick(
    rng: random.Random,
    ideas: list[Idea],
    themes: tuple[str, ...],
    *,
    before: datetime | None = None,
) -> list[Idea]:
    """A dozen ideas from the themes, in the themes' order of preference."""
    theme_of = _themes_by_title()
    picked: list[Idea] = []
    for theme in themes:
        candidates = [
            idea
            for idea in ideas
            if theme_of.get(idea.title) == theme and (before is None or idea.created_at < before)
        ]
        want = IDEAS_PER_CAMPAIGN - len(picked)
        picked += rng.sample(candidates, k=min(want, len(candidates)))
        if len(picked) >= IDEAS_PER_CAMPAIGN:
            break
    return picked


def _campaign(spec: DemoCampaign, *, creator: User, starts: datetime, ends: datetime) -> Campaign:
    campaign, _created = Campaign.objects.update_or_create(
        slug=spec.slug,
        defaults={
            "title": spec.title,
            "description": spec.description,
            "description_html": render_markdown(spec.description),
            "starts_at": starts,
            "ends_at": ends,
            "created_by": creator,
        },
    )
    return campaign


def seed_campaigns(
    *,
    rng: random.Random,
    now: datetime,
    ideas: list[Idea],
    members: list[User],
    staff: list[User],
) -> dict[str, int]:
    """Create the two demo campaigns (again, idempotently) and attach existing ideas to them.

    Each campaign's dates frame its ideas' creation dates, so no idea predates its campaign.
    `members` is part of the demo loaders' common signature; campaigns need no extra people.
    """
    creator = staff[-1]  # the product manager
    finished_ideas = _pick(rng, ideas, FINISHED.themes, before=now - timedelta(days=30))
    finished_span = [idea.created_at for idea in finished_ideas] or [now - timedelta(days=40)]
    finished = _campaign(
        FINISHED,
        creator=creator,
        starts=min(finished_span) - timedelta(days=1),
        ends=max(finished_span) + timedelta(days=2),
    )
    taken = {idea.pk for idea in finished_ideas}
    running_ideas = _pick(rng, [i for i in ideas if i.pk not in taken], RUNNING.themes)
    running_span = [idea.created_at for idea in running_ideas] or [now - timedelta(days=10)]
    running = _campaign(
        RUNNING,
        creator=creator,
        starts=min(running_span) - timedelta(days=1),
        ends=now + timedelta(days=30),
    )
    Idea.objects.filter(pk__in=[i.pk for i in finished_ideas]).update(campaign=finished)
    Idea.objects.filter(pk__in=[i.pk for i in running_ideas]).update(campaign=running)
    return {"campaigns": 2, "campaign_ideas": len(finished_ideas) + len(running_ideas)}
