"""The demo's content and people (content.json, the logins, the members' names, the status
paths) and its categories: what the ideas app knows of the demo. Loading the whole portal (votes,
comments, campaigns, moderation, points) is the top layer's: community.demo.seed (`manage.py
seed_demo`).

The text in content.json was written for Ruche (no third-party data).
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accounts import roles
from accounts.models import User
from ideas.models import Category, Status

CONTENT = Path(__file__).with_name("content.json")
DEMO_PASSWORD = "ruche-demo-2026"
# Demo staff sign in with a second factor like real staff; this public secret (base32) is theirs,
# so `manage.py demo_code` can print the current code. Never use it for a real account.
DEMO_TOTP_SECRET = "RUCHEDEMOTWOZEROTWOSIXRUCHEDEMOA"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    display_name: str
    organisation: str = ""


DEMO_LOGINS = (
    DemoLogin(roles.MEMBER, "customer@example.com", "Camille Martin"),
    DemoLogin(roles.PARTNER, "partner@example.com", "Sam Okafor", "Fintech Partners SAS"),
    DemoLogin(roles.MODERATOR, "moderator@example.com", "Inès (modération)"),
    DemoLogin(roles.PRODUCT_MANAGER, "pm@example.com", "Hugo (product team)"),
    DemoLogin(roles.ADMIN, "admin@example.com", "Admin"),
)

MEMBER_NAMES = [
    "Léa Bernard",
    "Tom Wilson",
    "Chloé Petit",
    "Noah Dubois",
    "Emma Johnson",
    "Lucas Moreau",
    "Olivia Brown",
    "Jules Laurent",
    "Amelia Clark",
    "Hugo Girard",
    "Manon Roux",
    "Jack Taylor",
    "Zoé Fournier",
    "Ethan Walker",
    "Inès Lambert",
    "Mia Thompson",
    "Nathan Faure",
    "Ava White",
    "Louise Mercier",
    "Leo Harris",
    "Sarah Blanc",
    "Oscar Lewis",
    "Alice Garnier",
    "Isla Young",
    "Gabriel Chevalier",
    "Ruby King",
    "Jade François",
    "Harry Scott",
    "Lina Perrin",
    "Freya Green",
    "Raphaël Robin",
    "Grace Hall",
    "Anna Clément",
    "Henry Adams",
    "Rose Morin",
    "Theo Baker",
]

# The demo members write in French or English; their emails follow (accounts.languages).
ENGLISH_SURNAMES = {
    "Wilson", "Johnson", "Brown", "Clark", "Taylor", "Walker", "Thompson", "White", "Harris",
    "Lewis", "Young", "King", "Scott", "Green", "Hall", "Adams", "Baker",
}  # fmt: skip

# The demo members write in French or English; their emails follow (accounts.languages).
ENGLISH_SURNAMES = {
    "Wilson", "Johnson", "Brown", "Clark", "Taylor", "Walker", "Thompson", "White", "Harris",
    "Lewis", "Young", "King", "Scott", "Green", "Hall", "Adams", "Baker",
}  # fmt: skip

# status path per answered idea: the workflow steps walked through, in order
STATUS_PATHS = [
    [Status.UNDER_REVIEW],
    [Status.UNDER_REVIEW, Status.PLANNED],
    [Status.UNDER_REVIEW, Status.PLANNED, Status.IN_PROGRESS],
    [Status.UNDER_REVIEW, Status.PLANNED, Status.IN_PROGRESS, Status.DONE],
    [Status.DECLINED],
]


def demo_is_loaded() -> bool:
    return User.objects.filter(email=DEMO_LOGINS[0].email).exists()


def demo_categories(content: dict[str, Any]) -> dict[str, Category]:
    """The demo content's categories by slug, created or brought up to date."""
    return {
        c["slug"]: Category.objects.update_or_create(
            slug=c["slug"],
            defaults={
                "name_en": c["name_en"],
                "name_fr": c["name_fr"],
                "description_en": c["description_en"],
                "description_fr": c["description_fr"],
                "position": position,
            },
        )[0]
        for position, c in enumerate(content["categories"])
    }
