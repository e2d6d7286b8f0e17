"""What a webhook says, for the role its endpoint speaks for: the fields the REST API shows
(community.api.serializers: a person is a name, an organisation, a staff badge and a public
profile or nothing) under the site's access rules (ideas.models.public_q, the comments'
pre-moderation). A visitor's endpoint hears only of public ideas and shown comments; a
moderator's also of hidden and waiting ones, marked so. No email address goes out, for any role.

Each builder returns None when the role may not see the subject: no delivery is made, and a
delivery whose subject was taken down before it went out is cancelled (`subject_visible`).
"""

from typing import Any

from django.conf import settings
from django.urls import reverse

from accounts.roles import MODERATE_CONTENT
from community.api.serializers import CategoryRefSerializer, PersonSerializer
from community.models import Comment, ComplaintCase
from community.webhooks.catalog import role_permissions
from ideas.models import Idea, StatusChange, Theme
from ideas.themes.trending import Trend

Payload = dict[str, Any]


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _sees_held(role: str) -> bool:
    """Whether the role sees hidden and waiting posts on the site (moderators)."""
    return MODERATE_CONTENT in role_permissions(role)


def _person(user: Any) -> Payload:
    data = dict(PersonSerializer(user).data)
    if data.get("profile"):
        data["profile"] = absolute(data["profile"])
    return data


def _idea_public(idea: Idea) -> bool:
    return idea.hidden_at is None and idea.pending_at is None and idea.merged_into_id is None


def _visibility(idea: Idea) -> str:
    if idea.hidden_at is not None:
        return "hidden"
    return "pending" if idea.pending_at is not None else "public"


def idea_visible(idea: Idea | None, role: str) -> bool:
    return idea is not None and (_idea_public(idea) or _sees_held(role))


def idea_ref(idea: Idea) -> Payload:
    return {"id": idea.pk, "title": idea.title, "url": absolute(idea.get_absolute_url())}


def idea_data(idea: Idea) -> Payload:
    return {
        **idea_ref(idea),
        "body": idea.body,  # Markdown, masked before it was stored (docs/pii.md)
        "category": dict(CategoryRefSerializer(idea.category).data),
        "status": idea.status,
        "language": idea.language,
        "author": _person(idea.author),
        "vote_count": idea.vote_count,
        "comment_count": idea.comment_count,
        "visibility": _visibility(idea),
        "created_at": idea.created_at.isoformat(),
    }


def idea_payload(idea: Idea | None, role: str) -> Payload | None:
    if idea is None or not idea_visible(idea, role):
        return None
    return {"idea": idea_data(idea)}


def status_change_payload(change: StatusChange | None, role: str) -> Payload | None:
    if change is None or not idea_visible(change.idea, role):
        return None
    return {
        "idea": idea_data(change.idea),
        "status_change": {
            "from_status": change.from_status,
            "to_status": change.to_status,
            "response": change.response,
            "by": _person(change.changed_by) if change.changed_by else None,
            "created_at": change.created_at.isoformat(),
        },
    }


def merged_payload(duplicate: Idea | None, kept: Idea | None, role: str) -> Payload | None:
    if duplicate is None or kept is None or not idea_visible(kept, role):
        return None
    # The duplicate is named only if the role could read it before the merge (the kept idea's
    # page names only duplicates that were public: ideas.selectors.ideas_merged_into).
    named = (duplicate.hidden_at is None and duplicate.pending_at is None) or _sees_held(role)
    return {
        "duplicate": {
            "id": duplicate.pk,
            "title": duplicate.title if named else None,
            "url": absolute(duplicate.get_absolute_url()),
        },
        "into": idea_data(kept),
    }


def comment_visible(comment: Comment | None, role: str) -> bool:
    if comment is None or comment.removed_at is not None or not idea_visible(comment.idea, role):
        return False
    return comment.pending_at is None or _sees_held(role)


def comment_payload(comment: Comment | None, role: str) -> Payload | None:
    if comment is None or not comment_visible(comment, role):
        return None
    return {
        "comment": {
            "id": comment.pk,
            "url": absolute(comment.get_absolute_url()),
            "idea": idea_ref(comment.idea),
            "parent": comment.parent_id,
            "author": _person(comment.author),
            "body": comment.body,
            "pending": comment.pending_at is not None,
            "created_at": comment.created_at.isoformat(),
        }
    }


def theme_payload(theme: Theme, trend: Trend | None = None) -> Payload:
    """Themes are seen by product managers (the role gate is the event type's permission)."""
    data: Payload = {
        "id": theme.pk,
        "name": theme.name or theme.label,
        "names": {"en": theme.label_en, "fr": theme.label_fr},
        "terms": list(theme.terms),
        "size": theme.size,
        "status": theme.status,
        "url": absolute(reverse("themes:detail", kwargs={"pk": theme.pk})),
    }
    if trend is not None:
        data["trend"] = {
            "recent": round(trend.recent, 2),
            "expected": round(trend.expected, 2),
            "ratio": round(trend.ratio, 3),
            "z": round(trend.z, 3),
        }
    return {"theme": data}


def complaint_payload(case: ComplaintCase) -> Payload:
    """As the complaints team's page shows it (the role gate is the event type's permission)."""
    return {
        "complaint": {
            "reference": case.reference,
            "status": case.status,
            "subject": case.subject,
            "body": case.body,
            "language": case.language,
            "member": _person(case.member),
            "created_at": case.created_at.isoformat(),
            "acknowledge_by": case.acknowledge_by.isoformat(),
            "answer_by": case.answer_by.isoformat(),
            "url": absolute(reverse("moderation:complaint", kwargs={"pk": case.pk})),
        }
    }


def subject_visible(*, subject_type: str, subject_id: int | None, role: str) -> bool:
    """Whether what a delivery is about may still be told to this role (checked before each
    attempt: a post taken down after the event is not sent on)."""
    if subject_id is None:
        return True
    if subject_type == "idea":
        return idea_visible(Idea.objects.filter(pk=subject_id).first(), role)
    if subject_type == "comment":
        found = Comment.objects.select_related("idea").filter(pk=subject_id).first()
        return comment_visible(found, role)
    if subject_type == "theme":
        return Theme.objects.filter(pk=subject_id).exists()
    if subject_type == "complaint":
        return ComplaintCase.objects.filter(pk=subject_id).exists()
    return True
