"""Demo campaigns for seed_demo: one running, one finished, each with a dozen fitting ideas."""

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import ideas.demo
from accounts.models import User
from ideas.models import Campaign, Idea
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
    Then the demo customer's complaints (`members[0]`, handled by the moderator `staff[0]`).
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
    # The demo customer's complaints: seed_demo reaches this module through seed_campaigns.
    seed_complaints(now=now, customer=members[0], handler=staff[0])
    return {"campaigns": 2, "campaign_ideas": len(finished_ideas) + len(running_ideas)}


def seed_complaints(*, now: datetime, customer: User, handler: User) -> int:
    """Two complaint cases of the demo customer: one open, received four days ago, and one
    acknowledged and answered last month (dates set as if it happened then; no email)."""
    from community.complaints.services import complaint_open
    from community.models import ComplaintCase, ComplaintStatus

    waiting = complaint_open(
        member=customer,
        subject="Frais de tenue de compte prélevés deux fois en mars",
        body=(
            "Bonjour,\n\nLe 3 mars, j'ai été prélevée deux fois de 7,50 € de frais de tenue de "
            "compte sur mon compte courant. Pouvez-vous me rembourser le second prélèvement ?\n\n"
            "Merci, Camille Martin"
        ),
        language="fr",
        received=now - timedelta(days=4),
    )
    answered = complaint_open(
        member=customer,
        subject="Carte bloquée après un paiement à l'étranger",
        body=(
            "Ma carte a été bloquée pendant mes vacances au Portugal après un paiement de 64 € "
            "à l'hôtel, et j'ai payé 2 € de frais pour un retrait d'urgence. Personne ne "
            "répondait au téléphone le week-end."
        ),
        language="fr",
        received=now - timedelta(days=35),
    )
    ComplaintCase.objects.filter(pk=waiting.pk).update(created_at=now - timedelta(days=4))
    ComplaintCase.objects.filter(pk=answered.pk).update(
        created_at=now - timedelta(days=35),
        status=ComplaintStatus.ANSWERED,
        acknowledged_at=now - timedelta(days=33),
        acknowledged_by=handler,
        answered_at=now - timedelta(days=21),
        answered_by=handler,
        answer=(
            "Bonjour Madame Martin,\n\nVotre carte a été bloquée par notre contrôle anti-fraude, "
            "qui n'attendait pas de paiement au Portugal. Nous l'avons débloquée et vous "
            "remboursons les 2 € de frais de retrait, visibles sur votre prochain relevé. Pour "
            "vos prochains voyages, vous pouvez nous prévenir depuis l'appli.\n\nSi cette "
            "réponse ne vous convient pas, vous pouvez saisir gratuitement notre médiateur."
        ),
    )
    return 2
