"""One registry entry per moderation action (community/moderation/actions.py): adding an action
is an entry and its service; the queue's buttons, the URL, the view, the message and the audit
log's label follow, with no migration (accounts.audit.audit_type)."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from accounts.audit import AUDIT_TYPES, AuditEntry, audit_record, audit_type
from community.moderation import actions
from community.moderation.actions import QUEUE, ModerationAction, buttons
from community.moderation.services import flag_create


@pytest.fixture
def pin_action(monkeypatch):  # type: ignore[no-untyped-def]
    """An action the site does not have: pinning an idea, written as a new action would be."""
    monkeypatch.setitem(AUDIT_TYPES, "idea_pin", "Idea pinned")
    pinned = []

    def idea_pin(*, actor, idea, comment, reason):  # type: ignore[no-untyped-def]
        pinned.append(idea.pk)
        audit_record(actor=actor, action="idea_pin", target=idea, summary=f"Pinned: {reason}")
        return True

    entry = ModerationAction(
        code="pin", label="Pin", offered=QUEUE, service=idea_pin, done="The idea is pinned."
    )
    monkeypatch.setitem(actions.ACTIONS, "pin", entry)
    return pinned


def test_the_queue_offers_the_registered_actions_in_order():
    assert [code for code, _label in buttons(QUEUE)] == ["hide", "dismiss"]


def test_a_new_action_is_one_entry_and_its_service(client, bob, moderator, idea, pin_action):
    flag_create(reporter=bob, idea=idea, reason="spam")
    client.force_login(moderator)
    assert ("pin", "Pin") in buttons(QUEUE)
    assert b"Pin</button>" in client.get(reverse("moderation:queue")).content

    url = reverse("moderation:idea_action", args=[idea.pk, "pin"])
    response = client.post(url, {"reason": "Most asked"})

    assert response.status_code == 302
    assert pin_action == [idea.pk]
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["The idea is pinned."]
    entry = AuditEntry.objects.get(action="idea_pin")
    assert entry.get_action_display() == "Idea pinned"


def test_an_action_not_in_the_registry_is_a_404(client, moderator, idea):
    client.force_login(moderator)
    url = reverse("moderation:idea_action", args=[idea.pk, "pin"])
    assert client.post(url, {"reason": "Most asked"}).status_code == 404


def test_the_reason_is_asked_unless_the_entry_says_otherwise(client, moderator, idea, pin_action):
    client.force_login(moderator)
    url = reverse("moderation:idea_action", args=[idea.pk, "pin"])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert pin_action == []


def test_an_undeclared_audit_type_is_refused(moderator, idea):
    with pytest.raises(ValueError, match="unknown audit type"):
        audit_record(actor=moderator, action="idea_pin", target=idea, summary="x")


def test_an_audit_type_cannot_be_declared_twice_with_another_label(monkeypatch):
    monkeypatch.setitem(AUDIT_TYPES, "idea_pin", "Idea pinned")
    assert audit_type("idea_pin", "Idea pinned") == "idea_pin"
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        audit_type("idea_pin", "Idea stuck")


def test_the_audit_log_filters_by_a_registered_type(client, admin_user, moderator, idea):
    audit_record(actor=moderator, action="idea_hide", target=idea, summary="Hid it")
    audit_record(actor=moderator, action="flags_dismiss", target=idea, summary="Dismissed")
    client.force_login(admin_user)
    page = client.get(reverse("moderation:audit"), {"action": "idea_hide"})
    assert [e.action for e in page.context["page"]] == ["idea_hide"]
