"""The load test's steps that need Django, run in their own process with the load test's
settings: `python -m bench.loadtest_django prepare OUT.json` collects the static files when their
sources changed (bench.static_files), picks the pages and logs 50 members in,
`python -m bench.loadtest_django check` compares the counts with the rows.
"""

import json
import os
import secrets
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.loadtest_settings")
django.setup()

from django.db.models import Count, Q  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.sessions import signed_in_session  # noqa: E402
from bench.static_files import collectstatic_if_changed  # noqa: E402
from community.load.data import EMAIL_DOMAIN, counter_mismatches  # noqa: E402
from ideas.models import Category, Idea, Status  # noqa: E402

VOTERS = 50
IDEAS_PER_VOTER = 20


def prepare(out: Path) -> None:
    # Here rather than in a process of its own: starting Django costs more than the check.
    static = "collected" if collectstatic_if_changed() else "up to date"
    ideas = Idea.objects.public()
    busiest = ideas.order_by("-comment_count", "pk").first()
    if busiest is None:
        raise SystemExit("No ideas: load data first.")
    total = ideas.count()
    # An average idea: the median by votes, with a few comments.
    average = ideas.filter(comment_count__gt=0).order_by("vote_count", "pk")[total // 2 :].first()
    pair = (
        Idea.objects.values("category__slug", "status")
        .exclude(status=Status.NEW)
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    category = pair["category__slug"] if pair else Category.objects.first().slug  # type: ignore[union-attr]
    status = pair["status"] if pair else Status.PLANNED
    pages = {
        "home `/`": "/",
        "`/ideas/` (default list, trending)": "/ideas/",
        "`/ideas/?q=carte`": "/ideas/?q=carte",
        f"idea with {busiest.comment_count:,} comments": f"/ideas/{busiest.pk}/",
        "`/ideas/?sort=top`": "/ideas/?sort=top",
        "`/ideas/?sort=new`": "/ideas/?sort=new",
        "category + status filter": f"/ideas/?category={category}&status={status}",
        "`/leaderboard/`": "/leaderboard/",
        "`/feeds/ideas/`": "/feeds/ideas/",
        f"an average idea page ({average.vote_count if average else 0} votes)": (
            f"/ideas/{(average or busiest).pk}/"
        ),
    }
    members = list(
        User.objects.filter(
            email__endswith="@" + EMAIL_DOMAIN, is_active=True, groups__name="member"
        ).order_by("pk")[:VOTERS]
    )
    # Each voter toggles ideas from across the popularity range, the most voted among them.
    by_votes = list(ideas.order_by("-vote_count", "pk").values_list("pk", flat=True)[:5_000])
    voters = []
    for n, member in enumerate(members):
        picks = by_votes[n :: max(1, len(by_votes) // IDEAS_PER_VOTER)][:IDEAS_PER_VOTER]
        token = secrets.token_urlsafe(24)[:32].replace("-", "a").replace("_", "b")
        voters.append({"session": signed_in_session(member), "csrf": token, "ideas": picks})
    out.write_text(json.dumps({"static": static, "pages": pages, "voters": voters}, indent=1))


def check() -> None:
    wrong = counter_mismatches()
    votes = Idea.objects.aggregate(
        total=Count("votes", filter=Q(votes__discounted_at__isnull=True))
    )
    print(
        json.dumps(
            {"mismatches": wrong[:20], "mismatch_count": len(wrong), "votes": votes["total"]}
        )
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["prepare"]:
        prepare(Path(sys.argv[2]))
    elif sys.argv[1:2] == ["check"]:
        check()
    else:
        raise SystemExit("usage: python -m bench.loadtest_django prepare OUT.json | check")
