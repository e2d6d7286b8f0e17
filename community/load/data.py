"""Fake data at bank scale for load tests: members, ideas, votes, comments and what the site
derives from them, inserted in bulk (COPY on PostgreSQL, batched INSERTs elsewhere).

On PostgreSQL the load runs with foreign keys, secondary indexes, unique constraints and the
idea tallies' triggers set aside and rebuilt at the end in the same transaction
(community.load.bulk_postgres): 100,000 ideas, 1,000,000 votes and 200,000 comments took 1,106 s
row by row and 320 s this way, on the same busy machine (docs/benchmarks.md). The tallies are
then recounted in one statement (`IdeaTally.rebuild`, and the monthly points totals with
`monthly_totals.rebuild`), and each idea's trending score is
written with the row for the clock's moment, so the final refresh rewrites nothing.

Everything the site keeps denormalised is written exact, as the services would have left it:
`Idea.vote_count` and `Idea.comment_count`, the points ledger the leaderboard reads (ideas,
comments, votes received, planned and done, with their unique keys), badges, follows (authors,
voters and commenters follow the idea) and the official status changes behind each status.

Texts come from the demo content (ideas/demo/content.json), varied by prefixes, suffixes and a
second paragraph, in French and English; each paragraph is rendered once and reused, so the
stored `body_html` is what `render_markdown(body)` gives.

Sizes follow the shape of a real portal: idea popularity is Zipf-like (a few ideas get
thousands of votes, most a handful), one idea holds a long discussion (2,500 comments at
200,000), and dates spread over two years, busier recently.
"""

import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from accounts import roles
from accounts.models import Consent, User
from accounts.privacy import consent_versions
from community.load import bulk_postgres
from community.models import BadgeAward, BadgeCode, Comment, Follow, PointsEntry
from community.recognition import monthly_totals
from community.recognition.services import ADOPTED, POINTS
from ideas.demo.seed import CONTENT, MEMBER_NAMES, STATUS_PATHS, demo_categories
from ideas.models import Idea, IdeaTally, Status, StatusChange, Vote
from ideas.ranking import trending_refresh_all, trending_value
from ideas.rendering import render_markdown

EMAIL_DOMAIN = "loadtest.example"  # reserved TLD: these addresses reach nobody
LOAD_PASSWORD = "ruche-load-2026"  # noqa: S105 (public, like the demo's: fake accounts)
BUSY_IDEA_COMMENTS = 2_500  # the long discussion of the table (at 200,000 comments)
YEARS = 2
ZIPF_EXPONENT = 1.0
REPLY_SHARE = 0.25
REMOVED_SHARE = 0.01
PROGRESS_EVERY = 1_000_000  # rows, for the long tables

PREFIXES = {
    "en": ["", "", "", "Idea: ", "Suggestion: ", "Please, ", "Could we "],
    "fr": ["", "", "", "Idée : ", "Suggestion : ", "S'il vous plaît, ", "Proposition : "],
}
SUFFIXES = {
    "en": ["", "", " for families", " for students", " for small businesses", " abroad"],
    "fr": ["", "", " pour les familles", " pour les étudiants", " pour les pros", " à l'étranger"],
}


@dataclass(frozen=True)
class Sizes:
    ideas: int
    votes: int
    comments: int
    members: int
    seed: int = 12


Progress = Callable[[str], None]


def _silent(message: str) -> None:
    pass


class _Inserter:
    """Rows into one model's table: COPY on PostgreSQL, executemany in batches elsewhere.
    Columns not given take the field's default, so a new field with a default needs no change
    here, and a new required field fails loudly."""

    def __init__(self, model: type[models.Model], given: Sequence[str]) -> None:
        fields = [f for f in model._meta.concrete_fields]
        by_name = {f.attname: f for f in fields}
        unknown = set(given) - set(by_name)
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        self.defaults: list[Any] = []
        for field in fields:
            if field.attname in given or field.primary_key:
                continue
            default = field.get_default()  # "" for a text field without one
            if default is None and not field.null:
                raise ValueError(f"{model.__name__}.{field.name} needs a value in load data")
            self.defaults.append(default)
        rest = [f for f in fields if f.attname not in given and not f.primary_key]
        self.fields = [by_name[name] for name in given] + rest
        self.table = model._meta.db_table
        self.dates = [i for i, f in enumerate(self.fields) if isinstance(f, models.DateTimeField)]

    def insert(
        self, rows: Iterable[Sequence[Any]], progress: Progress = _silent, label: str = "rows"
    ) -> int:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        adapt = connection.ops.adapt_datetimefield_value
        defaults, dates = self.defaults, self.dates
        count = 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Binary COPY: half the time of text for timestamps (measured, 1M votes).
                cursor.execute(
                    "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass "
                    "AND attnum > 0 AND NOT attisdropped",
                    [self.table],
                )
                oids = dict(cursor.fetchall())
                sql = f"COPY {quote(self.table)} ({columns}) FROM STDIN (FORMAT BINARY)"
                with cursor.cursor.copy(sql) as copy:
                    copy.set_types([oids[f.column] for f in self.fields])
                    for row in rows:
                        copy.write_row((*row, *defaults))
                        count += 1
                        if count % PROGRESS_EVERY == 0:
                            progress(f"{count:,} {label}…")
                return count
            marks = ", ".join(["%s"] * len(self.fields))
            sql = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
            batch: list[list[Any]] = []
            for row in rows:
                values = [*row, *defaults]
                for i in dates:
                    values[i] = adapt(values[i])
                batch.append(values)
                if len(batch) == 2_000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
                    if count % PROGRESS_EVERY == 0:
                        progress(f"{count:,} {label}…")
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count


def _insert(
    model: type[models.Model],
    given: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    progress: Progress = _silent,
    label: str = "rows",
) -> int:
    return _Inserter(model, given).insert(rows, progress, label)


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def spread(total: int, weights: Sequence[float], cap: int) -> list[int]:
    """Split `total` into integer counts proportional to `weights`, none above `cap`; what a
    capped item cannot take goes to the others in proportion (largest remainders get the
    units left by rounding). Raises if it cannot fit."""
    n = len(weights)
    if total > n * cap:
        raise ValueError(f"{total} cannot fit in {n} items of at most {cap}")
    counts = [0] * n
    open_items = list(range(n))
    remaining = total
    while remaining:
        weight = sum(weights[i] for i in open_items)
        shares = {i: remaining * weights[i] / weight for i in open_items}
        given = 0
        for i in open_items:
            take = min(cap - counts[i], int(shares[i]))
            counts[i] += take
            given += take
        if given == 0:
            # Rounding left fewer units than open items: one each, largest remainders first.
            by_remainder = sorted(open_items, key=lambda i: int(shares[i]) - shares[i])
            for i in by_remainder[: remaining - given]:
                counts[i] += 1
            given = remaining
        remaining -= given
        open_items = [i for i in open_items if counts[i] < cap]
    return counts


class _Texts:
    """Idea and comment texts in both languages, each paragraph rendered once."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        content = json.loads(CONTENT.read_text(encoding="utf-8"))
        self.content = content
        self.ideas = content["ideas"]
        self.by_language: dict[str, list[dict[str, str]]] = defaultdict(list)
        for item in self.ideas:
            self.by_language[item["language"]].append(item)
        self.comments = content["comments"]
        self._html: dict[str, str] = {}

    def html(self, paragraph: str) -> str:
        if paragraph not in self._html:
            self._html[paragraph] = render_markdown(paragraph)
        return self._html[paragraph]

    def idea(self) -> tuple[dict[str, str], str, str, str]:
        rng = self.rng
        item = rng.choice(self.ideas)
        language = item["language"]
        title = rng.choice(PREFIXES[language]) + item["title"] + rng.choice(SUFFIXES[language])
        paragraphs = [item["body"]]
        if rng.random() < 0.5:
            paragraphs.append(rng.choice(self.by_language[language])["body"])
        if rng.random() < 0.2:
            paragraphs.append(rng.choice(self.comments[language]))
        body = "\n\n".join(paragraphs)
        return item, title[:140], body, "\n".join(self.html(p) for p in paragraphs)

    def comment(self, language: str) -> tuple[str, str]:
        text = self.rng.choice(self.comments[language])
        return text, self.html(text)


def _members(
    *, count: int, now: datetime, rng: random.Random, progress: Progress
) -> tuple[list[int], int]:
    """Create `count` verified members who accepted the current terms; returns their ids and the
    id of a product manager who wrote the official answers."""
    from allauth.account.models import EmailAddress

    taken = User.objects.filter(email__endswith="@" + EMAIL_DOMAIN).count()
    first = _next_id(User)
    password = make_password(LOAD_PASSWORD)  # one hash for all: hashing 5,000 times takes minutes
    firsts = [name.split(" ")[0] for name in MEMBER_NAMES]
    lasts = [name.split(" ", 1)[1] for name in MEMBER_NAMES]
    users = []
    for n in range(count + 1):
        joined = now - timedelta(days=YEARS * 365 * rng.random() ** 0.5)
        name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
        email = f"load{taken + n:07d}@{EMAIL_DOMAIN}"
        users.append((first + n, email, name, password, joined))
    _insert(User, ["id", "email", "display_name", "password", "date_joined"], users)
    ids = [u[0] for u in users]
    staff_id = ids.pop()
    member_group = Group.objects.get(name=roles.MEMBER).pk
    pm_group = Group.objects.get(name=roles.PRODUCT_MANAGER).pk
    _insert(
        User.groups.through,
        ["user_id", "group_id"],
        [(i, member_group) for i in ids] + [(staff_id, pm_group)],
    )
    _insert(
        EmailAddress,
        ["user_id", "email", "verified", "primary"],
        ((u[0], u[1], True, True) for u in users),
    )
    versions = consent_versions()
    _insert(
        Consent,
        ["user_id", "document", "version", "accepted_at"],
        ((u[0], doc, version, u[4]) for u in users for doc, version in versions.items()),
    )
    progress(f"{count:,} members (password {LOAD_PASSWORD}) and one product manager")
    return ids, staff_id


def _between(rng: random.Random, start: datetime, end: datetime, skew: float = 1.0) -> datetime:
    """A moment between start and end; skew > 1 leans towards start."""
    return start + (end - start) * (rng.random() ** skew)


def _insert_select(
    model: type[models.Model], columns: Sequence[str], sql: str, params: list[Any]
) -> int:
    """INSERT INTO model's table (columns) <sql>: rows derived from rows already loaded, in one
    statement. Every column but the primary key must be given (a new field fails loudly)."""
    fields = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    if sorted(fields) != sorted(columns):
        raise ValueError(f"{model.__name__} columns are {sorted(fields)}, not {sorted(columns)}")
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    adapt = connection.ops.adapt_datetimefield_value
    values = [adapt(p) if isinstance(p, datetime) else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({names}) {sql}", values)
        return cursor.rowcount


@contextmanager
def _bulk_mode(progress: Progress) -> Iterator[None]:
    """On PostgreSQL, the load runs with foreign keys, secondary indexes, unique constraints and
    the tally triggers set aside (community.load.bulk_postgres); elsewhere, as it is."""
    from allauth.account.models import EmailAddress

    if connection.vendor != "postgresql":
        yield
        return
    loaded = [User, User.groups.through, EmailAddress, Consent, Idea, StatusChange, Vote,
              Comment, PointsEntry, Follow, BadgeAward]  # fmt: skip
    with bulk_postgres.loading(loaded, progress):
        yield


@transaction.atomic
def generate_load_data(*, sizes: Sizes, progress: Progress = _silent) -> dict[str, int]:
    """Insert the data; returns the row counts by kind. One transaction: all or nothing.

    Random draws happen in the same order as they always did, so a seed gives the same data;
    votes and comments go to the database as they are drawn (with foreign keys checked at the
    end, the order of the tables does not matter), and the rows derived from them (points for
    votes received and comments, follows) are computed by the database from the loaded rows."""
    rng = random.Random(sizes.seed)  # noqa: S311 (fake data, reproducible from the seed)
    now = timezone.now()
    started = time.monotonic()

    def step(message: str) -> None:
        progress(f"[{time.monotonic() - started:6.1f} s] {message}")

    counts: dict[str, int] = {}
    with _bulk_mode(step):
        members, staff_id = _members(count=sizes.members, now=now, rng=rng, progress=step)
        counts["members"] = len(members)
        if sizes.votes > sizes.ideas * len(members):
            raise ValueError("More votes than members × ideas: add members.")
        texts = _Texts(rng)
        categories = {slug: c.pk for slug, c in demo_categories(texts.content).items()}

        # --- ideas, with the official answers behind their status -----------------------------
        first_idea = _next_id(Idea)
        ideas: list[tuple[int, int, datetime, str]] = []  # id, author, created, language
        idea_rows: list[list[Any]] = []
        changes = []
        ledger: list[tuple[int, str, int, str, int | None, datetime]] = []
        for n in range(sizes.ideas):
            idea_id = first_idea + n
            item, title, body, body_html = texts.idea()
            language = item["language"]
            author = rng.choice(members)
            created = now - timedelta(days=YEARS * 365 * rng.random() ** 1.5, seconds=n)
            status = Status.NEW
            if rng.random() < 0.35:
                path = rng.choice(STATUS_PATHS)
                at = created
                for target in path:
                    at = _between(rng, at, now, skew=2)
                    response = texts.content["status_responses"][target][language]
                    changes.append(
                        (idea_id, staff_id, status, target, response, texts.html(response), at, at)
                    )
                    if target in (Status.PLANNED, Status.DONE):
                        prefix = "planned" if target == Status.PLANNED else "done"
                        ledger.append(
                            (author, target, POINTS[target], f"{prefix}:{idea_id}", idea_id, at)
                        )
                    status = target
            ideas.append((idea_id, author, created, language))
            ledger.append((author, PointsEntry.Reason.IDEA, POINTS[PointsEntry.Reason.IDEA],
                           f"idea:{idea_id}", idea_id, created))  # fmt: skip
            idea_rows.append(
                [idea_id, title, body, body_html, author, categories[item["category"]], status,
                 language, created, created, 0, 0, 0.0]
            )  # fmt: skip
        step(f"drew {len(idea_rows):,} ideas")

        # --- votes: Zipf-like popularity, one per member and idea -----------------------------
        ranks = list(range(1, sizes.ideas + 1))
        rng.shuffle(ranks)
        weights = [1 / r**ZIPF_EXPONENT for r in ranks]
        vote_counts = spread(sizes.votes, weights, cap=len(members))
        received: Counter[int] = Counter()
        random_ = rng.random

        def votes() -> Iterator[tuple[int, int, datetime]]:
            for (idea_id, author, created, _l), n_votes in zip(ideas, vote_counts, strict=True):
                span = (now - created).total_seconds()
                for voter in rng.sample(members, n_votes):
                    at = created + timedelta(seconds=span * random_() ** 2)  # most come early
                    yield voter, idea_id, at
                    if voter != author:  # a self-vote earns nothing
                        received[author] += 1

        counts["votes"] = _insert(
            Vote, ["user_id", "idea_id", "created_at"], votes(), progress=step, label="votes"
        )
        step(f"{counts['votes']:,} votes")

        # --- comments: one long discussion, the rest following popularity, some replies -------
        busiest = max(range(sizes.ideas), key=lambda i: vote_counts[i]) if sizes.ideas else 0
        busy = min(BUSY_IDEA_COMMENTS, sizes.comments // 4) if sizes.comments >= 80 else 0
        others = [i for i in range(sizes.ideas) if i != busiest] or [busiest]
        comment_weights = [weights[i] ** 0.6 for i in others]
        targets = [busiest] * busy + rng.choices(others, comment_weights, k=sizes.comments - busy)
        times = defaultdict(list)
        for index in targets:
            created = ideas[index][2]
            span = (now - created).total_seconds()
            times[index].append(created + timedelta(seconds=span * random_() ** 1.5))
        del targets
        shown: Counter[int] = Counter()
        commented: set[int] = set()
        first_comment = _next_id(Comment)

        def comments() -> Iterator[tuple[Any, ...]]:
            comment_id = first_comment
            for index, moments in times.items():
                idea_id, _author, _created, language = ideas[index]
                threads: list[int] = []
                for at in sorted(moments):
                    body, body_html = texts.comment(language)
                    author = rng.choice(members)
                    parent = rng.choice(threads) if threads and random_() < REPLY_SHARE else None
                    if parent is None:
                        threads.append(comment_id)
                    removed = random_() < REMOVED_SHARE
                    yield (comment_id, idea_id, author, body, body_html, at, at, parent,
                           at + timedelta(hours=1) if removed else None,
                           staff_id if removed else None)  # fmt: skip
                    if not removed:  # a removed comment is not counted and earns nothing
                        shown[idea_id] += 1
                        commented.add(author)
                    comment_id += 1

        counts["comments"] = _insert(
            Comment,
            ["id", "idea_id", "author_id", "body", "body_html", "created_at", "updated_at",
             "parent_id", "removed_at", "removed_by_id"],
            comments(),
            progress=step,
            label="comments",
        )  # fmt: skip
        step(f"{counts['comments']:,} comments")

        # Counts and the trending score for the clock's moment, written with the row: no
        # UPDATE rewriting every idea afterwards.
        for row, n_votes in zip(idea_rows, vote_counts, strict=True):
            row[10], row[11] = n_votes, shown[row[0]]
            row[12] = trending_value(
                vote_count=row[10], comment_count=row[11], created_at=row[8], as_of=now
            )
        counts["ideas"] = _insert(
            Idea,
            ["id", "title", "body", "body_html", "author_id", "category_id", "status", "language",
             "created_at", "updated_at", "vote_count", "comment_count", "trending_score"],
            idea_rows,
        )  # fmt: skip
        step(f"{counts['ideas']:,} ideas")
        counts["status_changes"] = _insert(
            StatusChange,
            ["idea_id", "changed_by_id", "from_status", "to_status", "response", "response_html",
             "created_at", "notified_at"],
            changes,
        )  # fmt: skip

        # --- what the site derives: points, follows, badges ---------------------------------
        ledger_columns = ["user_id", "reason", "points", "key", "idea_id", "created_at"]
        points = _insert(PointsEntry, ledger_columns, ledger)
        vote_received = PointsEntry.Reason.VOTE_RECEIVED
        points += _insert_select(
            PointsEntry,
            ledger_columns,
            "SELECT i.author_id, %s, %s, 'vote:' || v.user_id || ':' || v.idea_id, v.idea_id, "
            "v.created_at FROM ideas_vote v JOIN ideas_idea i ON i.id = v.idea_id "
            "WHERE v.idea_id >= %s AND v.user_id <> i.author_id",
            [vote_received, POINTS[vote_received], first_idea],
        )
        comment_reason = PointsEntry.Reason.COMMENT
        points += _insert_select(
            PointsEntry,
            ledger_columns,
            "SELECT author_id, %s, %s, 'comment:' || id, idea_id, created_at "
            "FROM community_comment WHERE id >= %s AND removed_at IS NULL",
            [comment_reason, POINTS[comment_reason], first_comment],
        )
        counts["points_entries"] = points
        step(f"{points:,} points entries")
        # Authors, voters and commenters (removed comments too) follow the idea.
        counts["follows"] = _insert_select(
            Follow,
            ["user_id", "idea_id", "category_id", "created_at"],
            "SELECT user_id, idea_id, NULL, %s FROM ("
            "    SELECT author_id AS user_id, id AS idea_id FROM ideas_idea WHERE id >= %s"
            "    UNION SELECT user_id, idea_id FROM ideas_vote WHERE idea_id >= %s"
            "    UNION SELECT author_id, idea_id FROM community_comment WHERE id >= %s"
            ") AS followers",
            [now, first_idea, first_idea, first_comment],
        )
        step(f"{counts['follows']:,} follows")
        adopted = {row[4] for row in idea_rows if row[6] in ADOPTED}
        badges = [(author, BadgeCode.FIRST_IDEA) for author in {row[4] for row in idea_rows}]
        badges += [(author, BadgeCode.FIRST_COMMENT) for author in commented]
        badges += [(author, BadgeCode.TEN_VOTES) for author, n in received.items() if n >= 10]
        badges += [(author, BadgeCode.IDEA_ADOPTED) for author in adopted]
        counts["badges"] = _insert(
            BadgeAward, ["user_id", "code", "awarded_at"], ((u, c, now) for u, c in badges)
        )

    counts["tally_groups"] = IdeaTally.rebuild()
    counts["monthly_totals"] = monthly_totals.rebuild()
    models_with_ids = [User, Idea, Comment, Vote, StatusChange, PointsEntry, Follow, BadgeAward]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models_with_ids):
            cursor.execute(sql)
    step("tallies recounted, sequences reset")
    # Every score was written for `now`: moving the clock there makes them current, and the
    # refresh rewrites only what differs (the older ideas of an earlier load; on SQLite, whose
    # date arithmetic differs in the last bits, all of them).
    counts["trending_rewritten"] = trending_refresh_all(now=now, tolerance=0)
    step("trending clock set, scores checked")
    return counts


def analyse() -> None:
    """After a bulk load on PostgreSQL (a no-op elsewhere): VACUUM (ANALYZE), so the planner
    has fresh statistics and index-only scans find the new pages all-visible at once, instead
    of autovacuum doing it during the first load test. Inside a transaction (a test), where
    VACUUM cannot run, ANALYZE only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


def counter_mismatches() -> list[tuple[int, int, int, int, int]]:
    """Ideas whose stored counts differ from their rows: (id, vote_count, votes, comment_count,
    comments). The same rules as ideas.services.ideas_recount."""
    votes = Vote.objects.filter(idea=models.OuterRef("pk"), discounted_at__isnull=True)
    comments = Comment.objects.filter(
        idea=models.OuterRef("pk"), removed_at__isnull=True, pending_at__isnull=True
    )

    def counted(rows: models.QuerySet[Any]) -> models.Subquery:
        return models.Subquery(
            rows.values("idea").annotate(n=models.Count("pk")).values("n"),
            output_field=models.IntegerField(),
        )

    rows = (
        Idea.objects.annotate(
            n_votes=models.functions.Coalesce(counted(votes), 0),
            n_comments=models.functions.Coalesce(counted(comments), 0),
        )
        .exclude(vote_count=models.F("n_votes"), comment_count=models.F("n_comments"))
        .values_list("pk", "vote_count", "n_votes", "comment_count", "n_comments")
    )
    return list(rows)
