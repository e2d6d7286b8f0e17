"""Every webhook event type has its consumer of an outbox event."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.events import CommentPosted
from community.models import Comment
from community.webhooks import consumers
from community.webhooks.catalog import EVENT_TYPES
from config.outbox.events import consumers_of
from ideas.events import IdeaPublished, IdeaSubmitted

FROM = {
    "idea.created": "idea.submitted",
    "idea.published": "idea.published",
    "idea.status_changed": "idea.status_changed",
    "idea.merged": "idea.merged",
    "comment.posted": "comment.posted",
    "theme.created": "themes.run_published",
    "theme.trending": "themes.run_published",
    "complaint.opened": "complaint.opened",
}


def test_every_webhook_event_type_is_fed_by_an_outbox_event():
    assert set(FROM) == set(EVENT_TYPES)
    for outbox_event in FROM.values():
        keys = [c.key for c in consumers_of(outbox_event)]
        assert any(key.startswith("community.webhooks.consumers.") for key in keys), outbox_event


def test_a_disabled_endpoint_tells_the_administrators():
    keys = [c.key for c in consumers_of("webhook.endpoint_disabled")]
    assert keys == ["community.webhooks.consumers.tell_admins_of_the_disabled_endpoint"]


@pytest.mark.django_db
def test_with_no_endpoint_a_consumer_reads_only_the_endpoint_list(idea, bob):
    """Most sites register no webhook: the idea, comment or status change is not read then."""
    comment = Comment.objects.create(idea=idea, author=bob, body="Yes")
    for consumer, event in (
        (consumers.webhook_idea_created, IdeaSubmitted(idea_id=idea.pk)),
        (consumers.webhook_idea_published, IdeaPublished(idea_id=idea.pk)),
        (consumers.webhook_comment_posted, CommentPosted(comment_id=comment.pk, idea_id=idea.pk)),
    ):
        with CaptureQueriesContext(connection) as captured:
            consumer(event)
        reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
        assert len(reads) == 1, reads
        assert '"community_webhookendpoint"' in reads[0]
