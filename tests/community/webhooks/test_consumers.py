"""Every webhook event type has its consumer of an outbox event."""

from community.webhooks.catalog import EVENT_TYPES
from config.outbox.events import consumers_of

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
