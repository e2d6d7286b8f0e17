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
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any, ClassVar, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from config.outbox.models import OutboxEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Base of every event; `name` is set by @event."""

    name: ClassVar[str] = ""

    def payload(self) -> dict[str, Any]:
        return asdict(self)


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
    if not happened.name:
        raise ImproperlyConfigured(f"{type(happened).__name__} has no @event name")
    waiting = bool(_CONSUMERS.get(happened.name))
    row = OutboxEvent.objects.create(
        name=happened.name,
        payload=happened.payload(),
        delivered_at=None if waiting else timezone.now(),
    )
    if waiting:
        transaction.on_commit(partial(nudge, row.pk), robust=True)
    return row


# How `nudge` queues a delivery: `config.outbox.tasks.deliver_event.delay`, set by
# OutboxConfig.ready (the tasks import the delivery, which imports this module: a hook, not an
# import, keeps the seam's modules free of a cycle).
_queue_delivery: Callable[[int], object] | None = None


def deliver_with(queue: Callable[[int], object]) -> None:
    """Set how an event's delivery is queued once its transaction commits."""
    global _queue_delivery
    _queue_delivery = queue


def nudge(event_id: int) -> None:
    """Queue the delivery of one event. Never raises: a broker error is logged, and the sweep
    delivers the event later."""
    try:
        if _queue_delivery is None:
            raise ImproperlyConfigured("config.outbox is not in INSTALLED_APPS")
        _queue_delivery(event_id)
    except Exception:
        logger.warning(
            "Could not queue event %s for delivery; the outbox sweep will deliver it",
            event_id,
            exc_info=True,
        )
