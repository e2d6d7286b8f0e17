"""The theme placement consumer: an idea published or edited joins its theme once."""

from config.outbox.delivery import deliver
from config.outbox.models import OutboxDelivery, OutboxEvent
from ideas.models import Theme, ThemeMembership
from ideas.services import idea_create
from ideas.themes import runs
from tests.themes.data import GROUPS


def test_an_idea_published_twice_is_placed_in_its_theme_once(
    make_ideas, alice, django_capture_on_commit_callbacks
):
    make_ideas(GROUPS)
    run = runs.run_recluster(trigger="manual")
    assert run is not None
    category = ThemeMembership.objects.filter(run=run).first().idea.category  # type: ignore[union-attr]
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_create(
            author=alice,
            title="Block my card in the app right away",
            body="Lost card: freeze it",
            category=category,
            language="en",
        )
    membership = ThemeMembership.objects.get(run=run, idea=idea)
    size = Theme.objects.get(pk=membership.theme_id).size

    event = OutboxEvent.objects.get(name="idea.published", payload={"idea_id": idea.pk})
    OutboxDelivery.objects.filter(event=event).delete()
    OutboxEvent.objects.filter(pk=event.pk).update(delivered_at=None)
    assert deliver(event.pk) is True

    assert ThemeMembership.objects.filter(idea=idea).count() == 1
    assert Theme.objects.get(pk=membership.theme_id).size == size
