import pytest
from django.urls import reverse

from community import moderation_services, services
from community.models import AuditAction, AuditEntry
from ideas.models import Status
from ideas.services import idea_change_status


def test_a_status_change_is_audited_with_before_and_after(product_manager, idea):
    idea_change_status(
        idea=idea, actor=product_manager, to_status=Status.PLANNED, response="On the roadmap"
    )
    entry = AuditEntry.objects.get()
    assert entry.actor == product_manager
    assert entry.action == AuditAction.STATUS_CHANGE
    assert (entry.target_type, entry.target_id) == ("idea", idea.pk)
    assert entry.before == {"status": "new"}
    assert entry.after["status"] == "planned"


def test_hide_restore_and_dismiss_are_audited(bob, moderator, idea):
    moderation_services.flag_create(reporter=bob, idea=idea, reason="spam")
    moderation_services.content_hide(actor=moderator, idea=idea, reason="Ad")
    moderation_services.content_restore(actor=moderator, idea=idea, reason="Fine")
    moderation_services.flag_create(reporter=bob, idea=idea, reason="spam")
    moderation_services.flags_dismiss(actor=moderator, idea=idea, reason="No")
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [AuditAction.IDEA_HIDE, AuditAction.IDEA_RESTORE, AuditAction.FLAGS_DISMISS]
    hidden = AuditEntry.objects.get(action=AuditAction.IDEA_HIDE)
    assert hidden.before == {"hidden": False, "open_flags": 1}
    assert hidden.after["hidden"] is True
    assert hidden.after["reason"] == "Ad"


def test_a_comment_removed_by_a_moderator_is_audited_but_not_one_deleted_by_its_author(
    bob, moderator, idea
):
    own = services.comment_create(idea=idea, author=bob, body="Oops")
    services.comment_remove(comment=own, actor=bob)
    assert not AuditEntry.objects.exists()
    rude = services.comment_create(idea=idea, author=bob, body="Rude")
    services.comment_remove(comment=rude, actor=moderator)
    entry = AuditEntry.objects.get()
    assert entry.action == AuditAction.COMMENT_REMOVE
    assert entry.before["body"] == "Rude"


@pytest.mark.parametrize("who", ["bob", "partner", "moderator", "product_manager"])
def test_the_audit_log_is_for_admins_only(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("moderation:audit")).status_code == 403
    assert client.get(reverse("moderation:audit_export")).status_code == 403


def test_admins_filter_the_audit_log_by_action(
    client, admin_user, moderator, product_manager, idea
):
    idea_change_status(idea=idea, actor=product_manager, to_status=Status.PLANNED, response="Yes")
    moderation_services.content_hide(actor=moderator, idea=idea, reason="Ad")
    client.force_login(admin_user)
    everything = client.get(reverse("moderation:audit")).context["page"]
    assert len(everything) == 2
    hidden = client.get(reverse("moderation:audit"), {"action": "idea_hide"}).context["page"]
    assert [entry.action for entry in hidden] == [AuditAction.IDEA_HIDE]


def test_admins_download_the_audit_log_as_csv_safe_for_spreadsheets(
    client, admin_user, moderator, idea
):
    moderation_services.content_hide(actor=moderator, idea=idea, reason="=HYPERLINK(1)")
    client.force_login(admin_user)
    response = client.get(reverse("moderation:audit_export"), {"action": "idea_hide"})
    assert response["Content-Type"] == "text/csv"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("created_at,actor_id")
    assert len(lines) == 2
    assert "idea_hide" in lines[1]


def test_audit_entries_cannot_be_added_changed_or_deleted_in_the_admin(
    client, admin_user, moderator, idea
):
    moderation_services.content_hide(actor=moderator, idea=idea, reason="Ad")
    entry = AuditEntry.objects.get()
    client.force_login(admin_user)
    assert client.get(reverse("admin:community_auditentry_add")).status_code == 403
    change = reverse("admin:community_auditentry_change", args=[entry.pk])
    assert client.post(change, {"summary": "Nothing happened"}).status_code == 403
    delete = reverse("admin:community_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.summary.startswith("Hid")
