import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.audit import AuditAction, AuditEntry
from community.comments import services
from community.models import VoteRing
from community.moderation import services as moderation_services
from ideas.models import Status
from ideas.services import idea_change_status
from tests.helpers import audit_export_text


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
    assert entry.before == {"removed": False, "body_length": 4}


@pytest.mark.parametrize("who", ["bob", "partner", "moderator", "product_manager"])
def test_the_audit_log_is_for_admins_only(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("moderation:audit")).status_code == 403
    assert client.post(reverse("moderation:audit_export")).status_code == 403


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
    # Values as JSON, as in the export; not Python's notation.
    page = client.get(reverse("moderation:audit")).text
    assert '<code>{"response": "Yes", "status": "planned"' in page.replace("&quot;", '"')
    assert "{'status'" not in page.replace("&#x27;", "'")


def test_admins_download_the_audit_log_as_csv_safe_for_spreadsheets(
    client, admin_user, moderator, idea, django_capture_on_commit_callbacks
):
    moderator.display_name = "=HYPERLINK(1)"
    moderator.save(update_fields=["display_name"])
    moderation_services.content_hide(actor=moderator, idea=idea, reason="Ad")
    client.force_login(admin_user)
    text = audit_export_text(client, django_capture_on_commit_callbacks, action="idea_hide")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["created_at", "actor_id", "actor"]
    assert len(rows) == 2
    assert rows[1][3] == "idea_hide"
    assert rows[1][2] == "'=HYPERLINK(1)"  # the name a spreadsheet would run, made text


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


# --- No member's text in the audit log (right to erasure) ---------------------------------------

BODY = "Zanzibar marmalade would make the loyalty scheme sweeter"
TITLE = "Pangolin savings jar for round-ups"
NAME = "Zephyrin Quillard"


def _audit_text() -> str:
    """Everything the audit log holds, as the admins' page and the CSV export would show it."""
    return "\n".join(
        f"{e.summary} {json.dumps(e.before, ensure_ascii=False)} "
        f"{json.dumps(e.after, ensure_ascii=False)}"
        for e in AuditEntry.objects.all()
    )


def test_a_comment_a_moderator_removes_leaves_no_trace_of_its_text_in_the_audit_log(
    client, bob, moderator, admin_user, idea, django_capture_on_commit_callbacks
):
    comment = services.comment_create(idea=idea, author=bob, body=BODY)
    client.force_login(moderator)
    response = client.post(reverse("community:comment_remove", args=[comment.pk]))
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.COMMENT_REMOVE)
    assert (entry.target_type, entry.target_id) == ("comment", comment.pk)
    assert entry.before["body_length"] == len(BODY)
    assert "Zanzibar" not in _audit_text()

    client.force_login(admin_user)
    page = client.get(reverse("moderation:audit"))
    assert f"comment #{comment.pk}" in page.text
    assert "Zanzibar" not in page.text
    export = audit_export_text(client, django_capture_on_commit_callbacks)
    assert [row[3] for row in csv.reader(io.StringIO(export))][1:] == [
        "audit_export",  # asking for the export is itself in the log, before it is written
        AuditAction.COMMENT_REMOVE,
    ]
    assert "Zanzibar" not in export


def test_after_a_member_deletes_their_account_no_audit_entry_holds_their_words_or_name(
    client, bob, moderator, idea
):
    """Everything moderators did to a member's posts and account, through the site; then the
    member deletes their account and their posts: the audit log keeps ids, lengths and the
    moderators' reasons, nothing the member wrote or called themselves."""
    from ideas.models import Idea
    from tests.factories import IdeaFactory

    bob.display_name = NAME
    bob.save(update_fields=["display_name"])
    own = IdeaFactory(author=bob, category=idea.category, title=TITLE, body=BODY)
    comment = services.comment_create(idea=idea, author=bob, body=BODY)
    ring = VoteRing.objects.create(idea=own, fingerprint="f", score=2.0)
    client.force_login(moderator)
    moderate = "moderation:idea_action"
    for url, data in [
        (reverse("community:comment_remove", args=[comment.pk]), {}),
        (reverse(moderate, args=[own.pk, "hide"]), {"reason": "Checking"}),
        (reverse(moderate, args=[own.pk, "restore"]), {"reason": "Fine after all"}),
        (reverse("moderation:vote_ring_action", args=[ring.pk, "dismiss"]), {"reason": "Honest"}),
        (
            reverse("moderation:member_suspend", args=[bob.pk]),
            {
                "suspend-until": (timezone.localdate() + timedelta(days=7)).isoformat(),
                "suspend-reason": "Spam",
            },
        ),
        (
            reverse("moderation:member_reinstate", args=[bob.pk]),
            {"reinstate-reason": "Appeal heard"},
        ),
        (reverse("moderation:merge_confirm", args=[own.pk, idea.pk]), {"note": "Same idea"}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.status_code)
    assert AuditEntry.objects.count() == 7
    assert Idea.objects.get(pk=own.pk).merged_into_id == idea.pk

    client.force_login(bob)
    deleted = client.post(
        reverse("accounts:delete"), {"password": "correct-horse-battery", "content": "remove"}
    )
    assert deleted.status_code == 302
    logged = _audit_text()
    for words in ("Zanzibar", "Pangolin", "Zephyrin", "Quillard"):
        assert words not in logged, words
    # What the moderators wrote stays.
    assert "Appeal heard" in logged
    assert "Same idea" in logged


def test_the_migration_strips_member_text_from_entries_written_before(bob, moderator, idea):
    """Entries in the old formats, in English and French: titles, names and a removed
    comment's text go; ids, lengths and what the moderators typed stay."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("community.migrations.0007_audit_entries_without_member_text")
    comment = services.comment_create(idea=idea, author=bob, body=BODY)
    t, c, i = f"“{TITLE}”", comment.pk, idea.pk
    old = [  # (action, target type, target id, summary, before, after, summary expected)
        ("comment_remove", "comment", c, f"Removed comment #{c} on idea #{i}",
         {"removed": False, "body": BODY}, {"removed": True},
         f"Removed comment #{c} on idea #{i}"),
        ("idea_hide", "idea", i, f"Hid idea #{i} {t}: Ad: really", {}, {"reason": "Ad: really"},
         f"Hid idea #{i}: Ad: really"),
        ("idea_hide", "idea", i, f"Masquage : idée n° {i} « {TITLE} ». Motif : Pub", {}, {},
         f"Masquage : idée n° {i}. Motif : Pub"),
        ("comment_hide", "comment", c, f"Hid comment #{c} on {t}: Rude", {}, {},
         f"Hid comment #{c} on idea #{i}: Rude"),
        ("comment_restore", "comment", c,
         f"Rétablissement : commentaire n° {c} sur « {TITLE} ». Motif : OK", {}, {},
         f"Rétablissement : commentaire n° {c} sur l’idée n° {i}. Motif : OK"),
        ("votes_discount", "votering", 3, f"Discounted 4 votes of vote ring #3 on idea #{i} {t}",
         {}, {}, f"Discounted 4 votes of vote ring #3 on idea #{i}"),
        ("idea_merge", "idea", i, f"Merged idea #{i} {t} into #9 “Other title”",
         {"source": {"id": i, "title": TITLE, "votes": 2}, "target": {"id": 9, "title": "Other"}},
         {"source": {"id": i, "title": TITLE}, "note": "Same"},
         f"Merged idea #{i} into #9"),
        ("idea_merge", "idea", i, f"Fusion de l’idée n° {i} « {TITLE} » avec l’idée n° 9 « X »",
         {}, {}, f"Fusion de l’idée n° {i} avec l’idée n° 9"),
        ("idea_approve", "idea", i, f"Approved idea #{i} {t}: welcome", {}, {},
         f"Approved idea #{i}: welcome"),
        ("idea_hide", "idea", i, f"Hid idea #{i} “{TITLE[:20]}", {}, {}, f"Hid idea #{i}"),
        ("member_suspend", "user", bob.pk, f"Suspended {NAME} until 9 Dec 2026: Spam", {}, {},
         f"Suspended member #{bob.pk} until 9 Dec 2026: Spam"),
        ("member_ban", "user", bob.pk, f"Bannissement de {NAME}. Motif : Spam", {}, {},
         f"Bannissement du membre n° {bob.pk}. Motif : Spam"),
        ("member_reinstate", "user", bob.pk, f"Reinstated {NAME}: Appeal", {}, {},
         f"Reinstated member #{bob.pk}: Appeal"),
        ("role_change", "user", bob.pk, f"Roles of {NAME}: member → partner", {}, {},
         f"Roles of user #{bob.pk}: member → partner"),
        ("status_change", "idea", i, f"Idea #{i}: New → Planned", {}, {"response": "Soon"},
         f"Idea #{i}: New → Planned"),
    ]  # fmt: skip
    for action, kind, pk, summary, before, after, _ in old:
        AuditEntry.objects.create(
            actor=moderator, action=action, target_type=kind, target_id=pk,
            summary=summary, before=before, after=after,
        )  # fmt: skip

    migration.strip_member_text(apps, None)

    entries = list(AuditEntry.objects.order_by("pk"))
    assert [e.summary for e in entries] == [expected for *_, expected in old]
    assert entries[0].before == {"removed": False, "body_length": len(BODY)}
    merge = entries[6]
    assert merge.before == {"source": {"id": i, "votes": 2}, "target": {"id": 9}}
    assert merge.after == {"source": {"id": i}, "note": "Same"}
    assert entries[1].after == {"reason": "Ad: really"}
    for words in ("Zanzibar", "Pangolin", "Zephyrin", "Other"):
        assert words not in _audit_text(), words
