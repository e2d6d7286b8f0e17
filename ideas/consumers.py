"""What the ideas app does when ideas change (loaded by IdeasConfig.ready).

Each consumer is idempotent (config.outbox): the worker may deliver an event twice."""

from datetime import datetime

from config.outbox.events import NotYet, subscribe
from ideas.events import (
    IdeaEdited,
    IdeaPublished,
    IdeaRestored,
    SignalUploadQueued,
    ThemeRunRequested,
)
from ideas.models import Idea
from ideas.tasks import recluster, signal_upload_run
from ideas.themes import services as theme_services
from ideas.themes.selectors import run_started_since


@subscribe(IdeaPublished)
@subscribe(IdeaEdited)
@subscribe(IdeaRestored)  # publishing may never have run (a post rejected while it waited)
def place_in_a_theme(event: IdeaPublished | IdeaEdited | IdeaRestored) -> None:
    """Store the idea's vector (again only if its text changed) and place it in the nearest
    published theme; a second delivery finds the membership there and adds nothing."""
    idea = Idea.objects.filter(pk=event.idea_id).first()
    if idea is not None:
        theme_services.idea_embed_and_assign(idea=idea)


@subscribe(SignalUploadQueued)
def import_the_queued_upload(event: SignalUploadQueued) -> None:
    """A large form upload is imported by its own task (minutes for 100,000 rows), not in the
    outbox's delivery; a second delivery queues a task that finds it claimed and does nothing."""
    signal_upload_run.delay(event.import_id)


@subscribe(ThemeRunRequested)
def run_the_requested_themes(event: ThemeRunRequested) -> None:
    """ "Re-run now": done once a run was claimed at or after the request (any run: the nightly
    one too, and whatever became of it). Until then, queue one and stay waiting (NotYet): the
    task's message lives in Redis only, so if Redis loses it (restarted empty before a worker
    took it), the sweep delivers this event again a minute later and it is queued again.

    Queued here rather than on commit: NotYet rolls this transaction back, and the task needs
    nothing from it. Each delivery may queue one more task; every task after the first claim
    finds a run since the request and does nothing (ideas.themes.runs.run_claim), so two clicks
    or a redelivered event never start two runs."""
    since = datetime.fromisoformat(event.requested_at)
    if run_started_since(since=since):
        return
    recluster.delay(
        trigger="manual", requested_by_id=event.requested_by_id, requested_at=event.requested_at
    )
    if not run_started_since(since=since):  # eager tasks (the unit tests) ran it already
        raise NotYet("no themes run claimed since the request yet")
