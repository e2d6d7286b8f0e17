"""Notifications store what they say as a message key and its parameters, rendered in the
reader's language when read (community.models.notifications.MESSAGES).

Existing rows get their message from the rows their key names where those still exist; the
others (a complaint deadline, whose date is not kept; a source since deleted) keep showing the
title they were written with."""

from django.db import migrations, models


def _message(apps, kind: str, parts: list[str]):  # type: ignore[no-untyped-def]
    Comment = apps.get_model("community", "Comment")
    ComplaintCase = apps.get_model("community", "ComplaintCase")
    Idea = apps.get_model("ideas", "Idea")
    StatusChange = apps.get_model("ideas", "StatusChange")
    WebhookEndpoint = apps.get_model("community", "WebhookEndpoint")
    head, ids = parts[0], parts[1:]
    if head == "status":
        change = StatusChange.objects.select_related("idea").filter(pk=ids[0]).first()
        if change:
            return "status_change", {"title": change.idea.title[:80], "status": change.to_status}
    elif head in ("mention", "comment"):
        comment = Comment.objects.select_related("idea", "author").filter(pk=ids[0]).first()
        if comment and head == "comment":
            return "comment", {"title": comment.idea.title[:80]}
        if comment:
            author = comment.author
            name = author.display_name or author.email.split("@")[0]
            return "mention", {"name": name, "title": comment.idea.title[:80]}
    elif head == "milestone":
        idea = Idea.objects.filter(pk=ids[0]).first()
        if idea:
            return "milestone", {"title": idea.title[:80], "count": int(ids[1])}
    elif head == "merged":
        duplicate = Idea.objects.filter(pk=ids[0]).first()
        into = Idea.objects.filter(pk=ids[1]).first()
        if duplicate and into:
            if duplicate.hidden_at is None and duplicate.pending_at is None:
                return "merged", {"old": duplicate.title[:60], "new": into.title[:60]}
            return "merged_private", {"new": into.title[:60]}
    elif head == "badge":
        Campaign = apps.get_model("ideas", "Campaign")
        campaign = Campaign.objects.filter(pk=ids[1]).first() if ids[1] else None
        return "badge", {"badge": ids[0], "campaign": campaign.title if campaign else ""}
    elif head in ("approved", "rejected"):
        outcome = "public" if head == "approved" else "not_published"
        if ids[0] == "comment":
            comment = Comment.objects.select_related("idea").filter(pk=ids[1]).first()
            idea = comment.idea if comment else None
        else:
            idea = Idea.objects.filter(pk=ids[1]).first()
        if idea:
            return f"{ids[0]}_{outcome}", {"title": idea.title[:80]}
    elif head in ("complaint_open", "complaint_ack", "complaint_answer"):
        case = ComplaintCase.objects.filter(pk=ids[0]).first()
        if case:
            return head, {"reference": case.reference}
    elif head == "webhook_disabled":
        endpoint = WebhookEndpoint.objects.filter(pk=ids[0]).first()
        if endpoint:
            return head, {"url": endpoint.url[:120]}
    return None


def fill_messages(apps, schema_editor):  # type: ignore[no-untyped-def]
    Notification = apps.get_model("community", "Notification")
    batch = []
    for notification in Notification.objects.filter(message={}).iterator(chunk_size=500):
        # The key is "<event>:<recipient id>", the event "<head>:<ids...>".
        parts = notification.key.split(":")[:-1]
        try:
            found = _message(apps, notification.kind, parts) if len(parts) >= 2 else None
        except (ValueError, IndexError):
            found = None
        if found:
            notification.message = {"key": found[0], "params": found[1]}
            batch.append(notification)
        if len(batch) >= 500:
            Notification.objects.bulk_update(batch, ["message"])
            batch = []
    Notification.objects.bulk_update(batch, ["message"])


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0015_webhook_secret_overlap"),
        ("ideas", "0016_signal_import_in_worker"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="message",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(fill_messages, migrations.RunPython.noop),
    ]
