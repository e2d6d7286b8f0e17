"""Notifications: created in the app for every event, emailed according to each person's
preference (right away, in a daily digest, or not at all).

Idempotency, so that a task that runs twice never notifies or emails twice:
1. Each notification has a unique key naming the event and the recipient; creating it again
   changes nothing (`bulk_create(ignore_conflicts=True)`).
2. An email is claimed (committed) before it is sent and marked sent after, at most once per
   notification: community.notifications.emailing, which also sends the daily digests.

What is not public reaches nobody but its author and moderators (`_audience`), and what is taken
down takes its copies with it (`notifications_withdraw_for_comment`, `..._for_idea`), see there.
"""

import logging
import re
from collections.abc import Iterable
from datetime import date
from functools import partial
from typing import Any, NamedTuple

from django.db import router, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.languages import language_for
from accounts.models import AuditExport, User
from community.models import (
    Comment,
    ComplaintCase,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from community.models.notifications import DEFAULT_DELIVERY, message_text
from community.notifications.follows import category_followers, idea_followers
from community.notifications.tasks import email_notification
from config.db import MARK_ID, Prepared, sql_of
from ideas.models import Idea, StatusChange
from ideas.rendering import markdown_text

logger = logging.getLogger(__name__)


class Message(NamedTuple):
    """What a notification says: a key of community.models.notifications.MESSAGES and its
    parameters (JSON: strings and numbers, never translated text)."""

    key: str
    params: dict[str, Any]


COMPLAINT_KINDS = {
    NotificationKind.COMPLAINT_OPENED,
    NotificationKind.COMPLAINT_ACKNOWLEDGED,
    NotificationKind.COMPLAINT_ANSWERED,
}

VOTE_MILESTONES = (10, 25, 50, 100, 250, 500, 1000)


# --- who may hear about what, and taking it back ------------------------------------------------
#
# An idea that is not public (hidden, waiting for a moderator, merged away) and a comment that is
# not shown (removed, waiting) are seen only by their author and moderators (ideas.selectors), so
# only they are told about them. Notifications that go to the author alone (vote milestones, a
# moderator's decision on their post) need no check.
#
# Whatever takes content down (hiding from the moderation queue or with a sanction, rejecting a
# waiting post, turning an idea into a complaint, a moderator's removal, the author's deletion)
# calls `notifications_withdraw_for_comment` or `notifications_withdraw_for_idea` in the same
# transaction. The copies are deleted, not blanked: gone from the bell and /notifications/, from
# the data export, from the next digest, and an email queued but not yet sent finds nothing to
# send (`email_notification_now`). Restoring the content does not bring them back: the event is
# old news by then, and a second alert about it would be noise.


def _is_public(idea: Idea) -> bool:
    return idea.hidden_at is None and idea.pending_at is None and idea.merged_into_id is None


def _private_to(*ideas: Idea) -> set[int] | None:
    """None when every idea concerned is public (anyone may hear of it); otherwise the authors
    of those that are not, who with moderators are the only people who may."""
    authors = {idea.author_id for idea in ideas if not _is_public(idea)}
    return authors or None


def _moderators() -> QuerySet[User]:
    from accounts.roles import MODERATE_CONTENT, users_with_permission

    return users_with_permission(MODERATE_CONTENT)


def _audience(recipients: Iterable[User], *, private_to: set[int]) -> list[User]:
    """Those recipients who may hear about content that is not public: its authors, moderators."""
    recipients = list(recipients)
    others = {user.pk for user in recipients} - private_to
    allowed = private_to | set(
        _moderators().filter(pk__in=others).values_list("pk", flat=True) if others else ()
    )
    return [user for user in recipients if user.pk in allowed]


def _idea_locked(idea: Idea) -> Idea:
    """The idea as it is now, its row locked until the caller's transaction ends.

    Hiding an idea updates its row, and so does taking down a shown comment (its comment_count):
    with the lock, a take-down either came first, and the caller sees it and tells fewer people,
    or waits for the caller's notifications to exist, and then withdraws them."""
    return Idea.objects.select_for_update().select_related("author").get(pk=idea.pk)


def _comment_events(comment_id: int) -> tuple[str, str]:
    """The events under which a comment is quoted: (mention, new comment)."""
    return f"mention:{comment_id}", f"comment:{comment_id}"


def notifications_withdraw_for_comment(*, comment_id: int) -> int:
    """Delete every notification that quotes this comment (mentions, new-comment alerts), read or
    not, emailed or not. For every path that takes a comment down. Returns how many went."""
    keys = Q()
    for event in _comment_events(comment_id):
        keys |= Q(key__startswith=f"{event}:")
    return Notification.objects.filter(keys).delete()[0]


def notifications_withdraw_for_idea(*, idea: Idea) -> int:
    """Delete the notifications about a hidden idea (status changes, its comments, mentions in
    them...) that anyone but its author and moderators received. For every path that hides an
    idea. Returns how many went."""
    about = Notification.objects.filter(idea=idea).exclude(recipient_id=idea.author_id)
    return about.exclude(recipient__in=_moderators().values("pk")).delete()[0]


# --- creating notifications ---------------------------------------------------------------------


def _notify(
    *,
    recipients: Iterable[User],
    kind: str,
    event: str,
    message: Message,
    body: str,
    url: str,
    idea: Idea | None = None,
    actor: User | None = None,
    email: bool = True,
    private_to: set[int] | None = None,
) -> list[Notification]:
    """Create one notification per recipient (once per event), then queue immediate emails.

    `message` is a key of community.models.notifications.MESSAGES and its parameters, stored
    and rendered in the reader's language whenever the notification is shown or emailed; the
    text in the recipient's language (accounts.languages) is also kept as `title`.
    `private_to` (from `_private_to`) names the authors of content concerned that is not public:
    then only they and moderators are told."""
    if private_to is not None:
        recipients = _audience(recipients, private_to=private_to)
    stored = {"key": message.key, "params": message.params}
    titles: dict[str, str] = {}

    def title_for(user: User) -> str:
        language = language_for(user)
        if language not in titles:
            with translation.override(language):
                titles[language] = message_text(stored) or ""
        return titles[language]

    rows = [
        Notification(
            recipient=user,
            kind=kind,
            key=f"{event}:{user.pk}"[:120],
            actor=actor,
            idea=idea,
            title=title_for(user),
            message=stored,
            body=body,
            url=url,
        )
        for user in recipients
        if actor is None or user.pk != actor.pk
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    created = list(
        Notification.objects.filter(key__in=[r.key for r in rows], emailed_at__isnull=True)
    )
    # One query for every recipient's choice, rather than one (plus the user) per notification.
    saved = dict(
        NotificationPreference.objects.filter(
            user__in=[n.recipient_id for n in created], kind=kind
        ).values_list("user_id", "delivery")
    )
    default = DEFAULT_DELIVERY[NotificationKind(kind)]
    immediate = [n.pk for n in created if saved.get(n.recipient_id, default) == Delivery.IMMEDIATE]
    if immediate and email:
        # Owed from now (community.notifications.emailing): queued on commit, or sent by the sweep
        # if the broker cannot take it. Never raises into the caller's request.
        Notification.objects.filter(pk__in=immediate).update(email_due_at=timezone.now())
        transaction.on_commit(partial(_queue_emails, email_notification, immediate), robust=True)
    return created


def _queue_emails(task: Any, notification_ids: list[int]) -> None:
    try:
        for pk in notification_ids:
            task.delay(pk)
    except Exception:
        logger.warning(
            "Could not queue %d emails; the email sweep will send them",
            len(notification_ids),
            exc_info=True,
        )


@transaction.atomic
def notify_status_change(*, change: StatusChange, email: bool = True) -> list[Notification]:
    """The idea's and its category's followers; only its author and moderators while the idea is
    not public."""
    idea = _idea_locked(change.idea)
    followers = set(idea_followers(idea=idea)) | set(category_followers(category=idea.category))
    return _notify(
        recipients=followers,
        kind=NotificationKind.STATUS_CHANGE,
        event=f"status:{change.pk}",
        message=Message("status_change", {"title": idea.title[:80], "status": change.to_status}),
        body=markdown_text(change.response),
        url=idea.get_absolute_url() + "#history",
        idea=idea,
        actor=change.changed_by,
        email=email,
        private_to=_private_to(idea),
    )


MENTION = re.compile(r"(?<![\w@])@(\w[\w.\-]*(?: \w[\w.\-]*){0,3})")


def mentioned_people(*, comment: Comment) -> list[User]:
    """People named after @ in a comment, among those taking part in the idea.

    `@Alice Martin` matches the display name "Alice Martin" of the idea's author or of someone
    who commented on it (longest name first, case-insensitive). Naming outsiders is not
    possible, so a comment cannot be used to page arbitrary members.
    """
    idea = comment.idea
    people = {idea.author} | {c.author for c in idea.comments.select_related("author")}
    by_name = sorted(
        ((str(p.display_name).casefold(), p) for p in people if p.display_name),
        key=lambda pair: -len(pair[0]),
    )
    found: dict[int, User] = {}
    for match in MENTION.finditer(comment.body):
        typed = match.group(1).casefold()
        for name, person in by_name:
            if typed == name or typed.startswith(name + " "):
                found[person.pk] = person
                break
    found.pop(comment.author_id, None)
    return list(found.values())


@transaction.atomic
def notify_comment(*, comment: Comment) -> list[Notification]:
    """The people a comment mentions, then the idea's followers.

    1. The idea's row is locked first (`_idea_locked`), so a take-down of the comment or of the
       idea happens wholly before or wholly after this.
    2. The comment is read again: one taken down (or waiting again) before the worker got here
       is told to nobody.
    3. On an idea that is not public (hidden after the comment was posted), only its author and
       moderators are told.
    """
    idea = _idea_locked(comment.idea)
    shown = Comment.objects.filter(pk=comment.pk, removed_at__isnull=True, pending_at__isnull=True)
    if not shown.exists():
        return []
    private_to = _private_to(idea)
    mention_event, comment_event = _comment_events(comment.pk)
    url = comment.get_absolute_url()
    mentioned = mentioned_people(comment=comment)
    notified = _notify(
        recipients=mentioned,
        kind=NotificationKind.MENTION,
        event=mention_event,
        message=Message("mention", {"name": str(comment.author), "title": idea.title[:80]}),
        body=markdown_text(comment.body)[:500],
        url=url,
        idea=idea,
        actor=comment.author,
        private_to=private_to,
    )
    already = {p.pk for p in mentioned}
    notified += _notify(
        recipients=[u for u in idea_followers(idea=idea) if u.pk not in already],
        kind=NotificationKind.COMMENT,
        event=comment_event,
        message=Message("comment", {"title": idea.title[:80]}),
        body=markdown_text(comment.body)[:500],
        url=url,
        idea=idea,
        actor=comment.author,
        private_to=private_to,
    )
    return notified


def notify_vote_milestones(*, idea: Idea, email: bool = True) -> list[Notification]:
    notified: list[Notification] = []
    for milestone in VOTE_MILESTONES:
        if idea.vote_count < milestone:
            break
        notified += _notify(
            recipients=[idea.author],
            kind=NotificationKind.MILESTONE,
            event=f"milestone:{idea.pk}:{milestone}",
            message=Message("milestone", {"title": idea.title[:80], "count": milestone}),
            body="",
            url=idea.get_absolute_url(),
            idea=idea,
            email=email,
        )
    return notified


def notify_merged(
    *,
    duplicate: Idea,
    into: Idea,
    follower_ids: Iterable[int],
    actor: User | None = None,
    note: str = "",
) -> list[Notification]:
    """A merge (community.moderation.merging): both authors, and the duplicate's followers
    (`follower_ids`, read by the merge before they moved to the kept idea), hear where it went;
    only the duplicate's author and moderators when it was hidden or waiting (the kept idea is
    public: `merging.merge_refusal`)."""
    followers = set(User.objects.filter(pk__in=list(follower_ids), is_active=True))
    followers |= {duplicate.author, into.author}
    # Merging is what happens here: the duplicate counts as it was just before.
    private_to = {duplicate.author_id} if duplicate.is_hidden or duplicate.is_pending else None

    if not duplicate.is_hidden and not duplicate.is_pending:
        message = Message("merged", {"old": duplicate.title[:60], "new": into.title[:60]})
    else:  # a hidden or waiting idea's title is not for other people's eyes
        message = Message("merged_private", {"new": into.title[:60]})

    return _notify(
        recipients=followers,
        kind=NotificationKind.MERGED,
        event=f"merged:{duplicate.pk}:{into.pk}",
        message=message,
        body=note,
        url=into.get_absolute_url(),
        idea=into,
        actor=actor,
        private_to=private_to,
    )


def notify_badge(
    *, user: User, badge: str, campaign_title: str = "", event: str
) -> list[Notification]:
    """`badge` a BadgeCode, named in the reader's language whenever the notification is read."""
    return _notify(
        recipients=[user],
        kind=NotificationKind.BADGE,
        event=event,
        message=Message("badge", {"badge": badge, "campaign": campaign_title}),
        body="",
        url=reverse("accounts:profile"),
    )


# --- pre-moderation and complaints ---------------------------------------------------------------


def notify_post_reviewed(
    *, idea: Idea, actor: User, approved: bool, comment: Comment | None = None, reason: str = ""
) -> list[Notification]:
    """A moderator approved (now public) or rejected (hidden) a post that was waiting."""
    author = comment.author if comment is not None else idea.author

    post = "comment" if comment is not None else "idea"
    outcome = "public" if approved else "not_published"
    message = Message(f"{post}_{outcome}", {"title": idea.title[:80]})
    target = f"comment:{comment.pk}" if comment is not None else f"idea:{idea.pk}"

    return _notify(
        recipients=[author],
        kind=NotificationKind.POST_APPROVED if approved else NotificationKind.POST_REJECTED,
        event=f"{'approved' if approved else 'rejected'}:{target}",
        message=message,
        body=reason.strip(),
        url=comment.get_absolute_url() if comment is not None else idea.get_absolute_url(),
        idea=idea,
        actor=actor,
    )


def notify_complaint(*, case: ComplaintCase, kind: str, actor: User) -> list[Notification]:
    """Tell a member what happened to their complaint. The text stays on the site: neither the
    complaint nor the answer goes into an email."""
    assert kind in COMPLAINT_KINDS, kind
    return _notify(
        recipients=[case.member],
        kind=kind,
        event=f"{kind}:{case.pk}",
        message=Message(str(kind), {"reference": case.reference}),
        body="",
        url=case.get_absolute_url(),
        actor=actor,
    )


def notify_complaint_deadline(
    *, case: ComplaintCase, recipients: Iterable[User], step: str, deadline: date, url: str
) -> list[Notification]:
    """Remind moderators that a complaint must be acknowledged (`step="ack"`) or answered
    (`step="answer"`) by `deadline`. Once per case and step."""
    # The date too is written in each reader's language.
    key = "complaint_due_ack" if step == "ack" else "complaint_due_answer"
    message = Message(key, {"reference": case.reference, "date": deadline.isoformat()})

    return _notify(
        recipients=recipients,
        kind=NotificationKind.COMPLAINT_DEADLINE,
        event=f"complaint_due:{step}:{case.pk}",
        message=message,
        body="",
        url=url,
    )


def notify_audit_export_finished(*, export: AuditExport) -> list[Notification]:
    """Tell the admin who asked for an audit log export that it is ready, or was given up."""
    if export.requested_by is None:
        return []
    ready = export.state == AuditExport.State.READY
    return _notify(
        recipients=[export.requested_by],
        kind=NotificationKind.AUDIT_EXPORT,
        event=f"audit_export:{export.pk}:{export.state}",
        message=Message("audit_export_ready" if ready else "audit_export_failed", {}),
        body="" if ready else export.error,
        url=reverse("moderation:audit") + "#exports",
    )


def notify_admins(
    *,
    recipients: Iterable[User],
    kind: str,
    event: str,
    message: Message,
    body: str,
    url: str,
) -> list[Notification]:
    """Tell staff about the site's own working (a webhook endpoint disabled...): once per event
    and recipient, read in each one's language, emailed as each chose."""
    return _notify(
        recipients=recipients, kind=kind, event=event, message=message, body=body, url=url
    )


# --- in the app ---------------------------------------------------------------------------------


def _unread_count(using: str, user_id: int) -> tuple[str, Any]:
    unread = Notification.objects.using(using).filter(recipient=user_id, read_at__isnull=True)
    rows, params = sql_of(unread.values_list("pk").order_by(), using)
    return f"SELECT COUNT(*) FROM ({rows}) unread", params  # noqa: S608 (compiled SQL, no values)


# The bell in every signed-in page's header: compiled once per process (config.db.Prepared),
# which was most of its CPU, as the other statements every signed-in request makes.
_UNREAD_COUNT = Prepared(_unread_count, MARK_ID, server_prepared=True)


def unread_count(*, user: User) -> int:
    rows = _UNREAD_COUNT.fetchall(router.db_for_read(Notification), user.pk)
    return int(rows[0][0])


def notifications_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("actor", "idea")


def notification_get_for_user(*, user: User, pk: int) -> Notification:
    """The one access rule for a notification, for the page and the API: the member's own, else
    404, the same for another member's as for one that does not exist (or was withdrawn with
    the post it quoted), so neither tells that it does."""
    notification = Notification.objects.filter(recipient=user, pk=pk).first()
    if notification is None:
        raise Http404(_("No such notification."))
    return notification


def notifications_mark_read(*, user: User, notification: Notification | None = None) -> int:
    """Mark the member's unread notifications read: all, or the one given (found by
    notification_get_for_user). Returns how many were unread."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())
