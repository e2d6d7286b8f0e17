"""Named events, their consumers, and `record`.

An event is a frozen dataclass of ids (and the few plain values no row keeps), registered under
a stable name:

    @event("idea.published")
    @dataclass(frozen=True)
    class IdeaPublished(Event):
        idea_id: int

A service records it inside the transaction that changes the state:

    with transaction.atomic():
        idea.save()
        record(IdeaPublished(idea_id=idea.pk))

and each app subscribes its consumers in `<app>/consumers.py` (loaded by AppConfig.ready):

    @subscribe(IdeaPublished)
    def place_in_a_theme(event: IdeaPublished) -> None: ...

A consumer must be idempotent: the worker may run it twice for one event (a crash between its
commit and the task's acknowledgement), and must then have one effect.

A consumer whose effect is work it hands to a task of its own (a broker message, which Redis may
lose) raises `NotYet` until it sees that work claimed in the database: the event stays waiting,
and the sweep delivers it again, so the consumer queues the task again if it was lost.
"""

import json
import logging
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from config.cache import redis_script
from config.outbox.models import OutboxEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Base of every event; `name` is set by @event."""

    name: ClassVar[str] = ""

    def payload(self) -> dict[str, Any]:
        return asdict(self)


class NotYet(Exception):
    """Raised by a consumer whose effect has not happened yet (the task it queued has not
    claimed its work): its transaction rolls back as if it had never run, no attempt is counted
    and nothing is logged as an error; the event waits `seconds` (default: one sweep interval,
    OUTBOX_SWEEP_SECONDS), then the sweep delivers it again. The consumer checks first whether
    its effect happened, and returns if so: that is how the event ends."""

    def __init__(self, reason: str, *, seconds: float | None = None) -> None:
        super().__init__(reason)
        self.seconds = seconds


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], object]
H = TypeVar("H", bound=Handler)


@dataclass(frozen=True)
class Consumer:
    key: str  # stored in delivery rows: renaming it delivers past events to it again
    event_name: str
    handle: Handler


_EVENTS: dict[str, type[Event]] = {}
_CONSUMERS: dict[str, list[Consumer]] = {}


def event(name: str) -> Callable[[type[E]], type[E]]:
    """Register an event class under `name` (stored in the outbox: never rename one)."""

    def register(cls: type[E]) -> type[E]:
        if name in _EVENTS and _EVENTS[name] is not cls:
            raise ImproperlyConfigured(f"Two events are named {name!r}")
        cls.name = name
        _EVENTS[name] = cls
        return cls

    return register


def subscribe(event_class: type[Event], *, key: str = "") -> Callable[[H], H]:
    """Register a consumer of `event_class`. Its key defaults to `module.function`; one
    function may consume several events."""

    def register(handle: H) -> H:
        if not event_class.name:
            raise ImproperlyConfigured(f"{event_class.__name__} has no @event name")
        consumer_key = key or f"{handle.__module__}.{handle.__qualname__}"
        existing = _CONSUMERS.setdefault(event_class.name, [])
        if any(c.key == consumer_key for c in existing):
            return handle  # a module imported twice (tests reloading apps) subscribes once
        existing.append(Consumer(key=consumer_key, event_name=event_class.name, handle=handle))
        return handle

    return register


def event_class(name: str) -> type[Event] | None:
    return _EVENTS.get(name)


def events() -> dict[str, type[Event]]:
    return dict(_EVENTS)


def consumers_of(name: str) -> list[Consumer]:
    return list(_CONSUMERS.get(name, ()))


_delivering: ContextVar[int | None] = ContextVar("outbox_event_id", default=None)


@contextmanager
def delivering(event_id: int) -> Iterator[None]:
    """While a consumer runs (config.outbox.delivery): the id of the outbox row it consumes."""
    token = _delivering.set(event_id)
    try:
        yield
    finally:
        _delivering.reset(token)


def current_event_id() -> int | None:
    """The id of the outbox event being delivered to the running consumer (None outside one):
    a consumer that needs one effect per event, not per object, keys its rows with it (two
    events may name the same idea, e.g. published again after an edit was approved)."""
    return _delivering.get()


def record(happened: Event) -> OutboxEvent:
    """Write the event in the current transaction; once it commits, ask the worker to deliver it.

    If the broker cannot be reached the request goes on: the row is there, and the sweep
    (`config.outbox.delivery.sweep`, every minute) delivers it. An event nobody consumes is
    stored as delivered (a log for later subscribers, purged with the rest)."""
    waiting = _waiting(happened)
    row = OutboxEvent.objects.create(
        name=happened.name,
        payload=happened.payload(),
        delivered_at=None if waiting else timezone.now(),
    )
    recorded(happened, row.pk)
    return row


def insert_sql(happened: Event, *, each_row_of: str) -> tuple[str, list[Any]]:
    """`record` for PostgreSQL statements that write their change and its event at once: the
    event's row as `INSERT ... SELECT` once per row of the WITH query `each_row_of` (none if it
    has none), `RETURNING id`. The caller runs it inside its transaction and hands the id to
    `recorded`: the same row, the same delivery as `record`'s."""
    waiting = _waiting(happened)
    now = timezone.now()
    quote = connection.ops.quote_name
    names = ("name", "payload", "created_at", "delivered_at", "attempts", "retry_at", "last_error")
    table, columns = quote(OutboxEvent._meta.db_table), ", ".join(quote(n) for n in names)
    statement = (  # quoted names only; every value is a parameter
        f"INSERT INTO {table} ({columns}) SELECT %s, %s::jsonb, %s, %s, 0, NULL, '' "  # noqa: S608
        f"FROM {quote(each_row_of)} RETURNING {quote('id')}"
    )
    return statement, [happened.name, json.dumps(happened.payload()), now, None if waiting else now]


def recorded(happened: Event, row_id: int) -> None:
    """The event's row is written (`record`, `insert_sql`): nudge the worker once it commits."""
    if _waiting(happened):
        transaction.on_commit(partial(nudge, row_id), robust=True)


def _waiting(happened: Event) -> bool:
    if not happened.name:
        raise ImproperlyConfigured(f"{type(happened).__name__} has no @event name")
    return bool(_CONSUMERS.get(happened.name))


# How `nudge` queues work for the worker: `config.outbox.tasks.deliver_event.delay(event_id)`
# and `config.outbox.tasks.relay_outbox.apply_async(countdown=...)`, set by OutboxConfig.ready
# (the tasks import the delivery, which imports this module: a hook, not an import, keeps the
# seam's modules free of a cycle).
_queue_delivery: Callable[[int], object] | None = None
_queue_relay: Callable[[float], object] | None = None
# Until when (time.monotonic()) an event this process commits is known to be read by a relay
# already queued, by this process or another: a relay starts after that moment. None: unknown.
_relay_covers_until: float | None = None

# The site-wide claim on the next relay, in the shared Redis cache: set for `interval` by the
# process that queues it. One round trip: claimed (-1), or how many milliseconds the other
# process's claim has left (its relay starts no sooner than that, as it was queued after its
# claim with a countdown of the whole interval). A key without an expiry (not ours) is claimed.
RELAY_KEY = "outbox:relay"
# A loser's cover ends this much before the winner's claim does: an event in that last moment asks
# Redis again (and is read by the winner's relay all the same) rather than risk being committed
# after a relay that started early by another clock, to wait for the sweep.
COVER_MARGIN = 0.1
# Each claim holds its own token, so that giving it back (`_release`) never deletes a claim another
# process made after this one ran out.
_CLAIM_SCRIPT = redis_script(
    """
if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[1]) then return -1 end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1])
  return -1
end
return left
""",
)
_RELEASE_SCRIPT = redis_script(
    """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
""",
)


def deliver_with(queue: Callable[[int], object], relay: Callable[[float], object]) -> None:
    """Set how one event's delivery, and a relay of every waiting event after a delay, are
    queued once a transaction commits."""
    global _queue_delivery, _queue_relay
    _queue_delivery, _queue_relay = queue, relay


def nudge(event_id: int) -> None:
    """Ask the worker to deliver a committed event. Never raises: a broker error is logged, and
    the sweep delivers the event later.

    With OUTBOX_NUDGE_SECONDS = 0, one task per event (`deliver_event`). Otherwise at most one
    message per interval for the whole site (every web process, every host sharing the Redis
    cache), so a busy site does not pay a Celery publish per vote or comment:
    1. An event committed before this process's known cover (`_relay_covers_until`) queues
       nothing and asks nothing: a relay queued earlier starts after that moment, after this
       commit, and delivers every event waiting when it starts.
    2. Otherwise the process claims the next relay in Redis (`_claim`). The winner queues
       `relay_outbox` to run `interval` seconds later and is covered for the interval. A process
       that loses queues nothing: the winner's relay starts after this commit (it was queued
       after its claim, which has not expired); it is covered only for what is left of that
       claim, never a whole interval of its own, since it sent nothing.
    3. Without a shared Redis cache (`make run`), or while it fails, each process throttles its
       own relays, one per interval, as if it were alone: more relays, no event left behind.
    4. A publish that fails gives the claim back and covers nothing, so the next event tries
       again. A relay lost after its publish (or a worker clock ahead of this one) leaves
       events waiting for the sweep (every OUTBOX_SWEEP_SECONDS): delayed, never lost.
    """
    global _relay_covers_until
    try:
        if _queue_delivery is None or _queue_relay is None:
            raise ImproperlyConfigured("config.outbox is not in INSTALLED_APPS")
        interval = float(settings.OUTBOX_NUDGE_SECONDS)
        if interval <= 0:
            _queue_delivery(event_id)
            return
        now = time.monotonic()  # before the claim: a cover counted from here ends no later
        if _relay_covers_until is not None and now < _relay_covers_until:
            return  # a queued relay starts after this commit: it delivers this event
        token = secrets.token_hex(8)
        left = _claim(interval, token)
        if left is not None:
            # Another process's relay, queued after its claim: covered until a little before it
            # starts (Redis counts the claim's time on its own clock, the worker on another).
            _relay_covers_until = now + max(0.0, left - COVER_MARGIN)
            return
        try:
            _queue_relay(interval)
        except Exception:
            _release(token)
            raise
        _relay_covers_until = now + interval  # two threads may both get here: one relay too many
    except Exception:
        logger.warning(
            "Could not queue event %s for delivery; the outbox sweep will deliver it",
            event_id,
            exc_info=True,
        )


def _shared_redis() -> Any:
    """The Redis cache every web process shares (config.cache), or None (a per-process cache,
    or Redis failed moments ago)."""
    from django.core.cache import cache
    from django.core.cache.backends.redis import RedisCache

    primary = getattr(cache, "primary", None)
    if not isinstance(primary, RedisCache) or cache.is_degraded():  # type: ignore[attr-defined]
        return None
    return primary


def _claim(interval: float, token: str) -> float | None:
    """Claim the site's next relay under `token`: None if this process won it (or must act
    alone: no shared Redis, or it failed), else how many seconds are left of the other process's
    claim."""
    from redis.exceptions import RedisError

    redis_cache = _shared_redis()
    if redis_cache is None:
        return None
    key = redis_cache.make_and_validate_key(RELAY_KEY)
    try:
        client = redis_cache._cache.get_client(key, write=True)  # type: ignore[attr-defined]
        left = int(_CLAIM_SCRIPT([key], [max(1, round(interval * 1000)), token], client=client))
    except RedisError:  # down, slow, or refusing (out of memory, read-only replica, no EVAL)
        logger.warning("Outbox relay not claimed in Redis; this process queues its own")
        return None
    return None if left < 0 else left / 1000


def _release(token: str) -> None:
    """Give the claim made under `token` back after a failed publish, so that the next event,
    here or in another process, tries again (best effort: else it expires within the interval).
    A claim that ran out meanwhile and was made again by another process stays its."""
    from redis.exceptions import RedisError

    redis_cache = _shared_redis()
    if redis_cache is None:
        return
    key = redis_cache.make_and_validate_key(RELAY_KEY)
    with suppress(RedisError):
        client = redis_cache._cache.get_client(key, write=True)  # type: ignore[attr-defined]
        _RELEASE_SCRIPT([key], [token], client=client)
