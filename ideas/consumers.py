"""What the ideas app does when ideas change (loaded by IdeasConfig.ready).

Each consumer is idempotent (config.outbox): the worker may deliver an event twice."""

from config.outbox.events import subscribe
from ideas.events import IdeaEdited, IdeaPublished, IdeaRestored, SignalUploadQueued
from ideas.models import Idea
from ideas.tasks import signal_upload_run
from ideas.themes import services as theme_services


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
