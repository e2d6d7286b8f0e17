"""The ideas app's part of a member's data (accounts.privacy): their ideas, votes and the texts
kept as they typed them before masking; erased with the account. IdeasConfig.ready registers it.
"""

from datetime import datetime
from typing import Any

from accounts.models import User
from accounts.privacy import STAFF_WORK, PrivacySection, export_value
from ideas.models import Idea, IdeaVector, Vote
from ideas.pii_services import masked_originals_forget, masked_originals_of

EXPORTED = {
    ("ideas.Idea", "author"): "ideas",
    ("ideas.Vote", "user"): "votes",
}
NOT_EXPORTED = {
    ("ideas.Idea", "hidden_by"): STAFF_WORK,
    # A campaign's text as typed: staff work too, though while kept it is in
    # texts_before_masking like an official response's (ideas.pii_services.masked_originals_of).
    ("ideas.MaskedOriginal", "typed_by"): STAFF_WORK,
    ("ideas.StatusChange", "changed_by"): STAFF_WORK,
    ("ideas.ClusteringRun", "requested_by"): STAFF_WORK,
    ("ideas.ThemeSettings", "updated_by"): STAFF_WORK,
    ("ideas.Campaign", "created_by"): STAFF_WORK,
    ("ideas.SignalImport", "imported_by"): STAFF_WORK,
}


def idea_ref(idea: Idea) -> dict[str, Any]:
    """Another idea the member acted on. The title of one hidden or waiting for a moderator is
    not theirs to see (their own ideas are exported in full under "ideas")."""
    shown = idea.hidden_at is None and idea.pending_at is None
    return {"id": idea.pk, "title": idea.title if shown else ""}


def ideas_export(*, user: User, data: dict[str, Any]) -> dict[str, Any]:
    ideas = Idea.objects.filter(author=user).select_related("category", "campaign")
    votes = Vote.objects.filter(user=user).select_related("idea")
    return {
        "ideas": [
            {
                "id": i.pk,
                "title": i.title,
                "body": i.body,
                "category": i.category.slug,
                "campaign": i.campaign.slug if i.campaign else None,
                "status": i.status,
                "language": i.language,
                "created_at": export_value(i.created_at),
                "updated_at": export_value(i.updated_at),
                "vote_count": i.vote_count,
                "comment_count": i.comment_count,
                "hidden_by_a_moderator": i.hidden_at is not None,
                "waiting_for_review": i.pending_at is not None,
                "merged_into": i.merged_into_id,
            }
            for i in ideas.order_by("created_at", "pk")
        ],
        "votes": [
            {
                "idea": idea_ref(v.idea),
                "created_at": export_value(v.created_at),
                "network_hash": v.network,
                "discounted_by_a_moderator": v.discounted_at is not None,
            }
            for v in votes.order_by("created_at", "pk")
        ],
        # The texts as the member typed them, before personal data was masked, while kept.
        "texts_before_masking": [
            {
                "idea": o.idea_id,
                "comment": o.comment_id,
                "campaign": o.campaign_id,
                "field": o.field,
                "original": o.original,
                "kinds": o.kinds,
                "delete_after": export_value(o.delete_after),
            }
            for o in masked_originals_of(user_id=user.pk)
        ],
    }


def ideas_erase(*, user: User, now: datetime, keep_content: bool) -> None:
    """Votes stay (their counts are other members' ranking and points) without their network
    hash; ideas are hidden with their text erased unless kept, and their vectors go."""
    if not keep_content:
        ideas = Idea.objects.filter(author=user)
        ideas.filter(hidden_at__isnull=True).update(hidden_at=now, hidden_by=user)
        ideas.update(title="", body="", body_html="", pending_at=None)
        # What was computed from the erased texts goes too.
        IdeaVector.objects.filter(idea__author=user).delete()
    Vote.objects.filter(user=user).update(network="")
    # Texts kept as typed before masking go, whatever the retention setting.
    masked_originals_forget(user_id=user.pk)


IDEAS_PRIVACY = PrivacySection(
    exported=EXPORTED, not_exported=NOT_EXPORTED, export=ideas_export, erase=ideas_erase
)
