"""The moderators' actions on an idea or a comment, one entry each: what the button says, where
it is offered, the form it asks for, the service that does it and the message after it.

Adding an action is one entry here plus its service (which declares the audit entries it writes
with `accounts.audit.audit_type`, so no migration) and its test: the queue's buttons, the URL
(`moderation:idea_action` / `moderation:comment_action` with the code) and the view follow.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from community.moderation import premoderation, services
from community.moderation.forms import ApproveForm, ModerationActionForm

# Where a button is offered: the queue of reported items, a hidden item, a waiting item.
QUEUE, HIDDEN, PENDING = "queue", "hidden", "pending"


@dataclass(frozen=True)
class ModerationAction:
    code: str  # in the URL: /moderation/ideas/<pk>/<code>/
    label: str | Promise  # the button
    offered: str  # QUEUE, HIDDEN or PENDING
    # Called with actor, idea, comment (None for the idea itself) and reason; raises
    # ValidationError to refuse. Writes its own audit entry.
    service: Callable[..., object]
    done: str | Promise  # the message once done
    form: type[ModerationActionForm] = ModerationActionForm  # asks for the reason


ACTIONS: dict[str, ModerationAction] = {}


def register(action: ModerationAction) -> ModerationAction:
    if action.code in ACTIONS:
        raise ValueError(f"moderation action {action.code!r} is registered twice")
    ACTIONS[action.code] = action
    return action


def buttons(offered: str) -> list[tuple[str, str | Promise]]:
    """(code, label) of the actions offered there, for moderation/_actions.html."""
    return [(a.code, a.label) for a in ACTIONS.values() if a.offered == offered]


register(
    ModerationAction(
        code="hide",
        label=_("Hide"),
        offered=QUEUE,
        service=services.content_hide,
        done=_("The item is hidden."),
    )
)
register(
    ModerationAction(
        code="dismiss",
        label=_("Dismiss the reports"),
        offered=QUEUE,
        service=services.flags_dismiss,
        done=_("The flags were dismissed."),
    )
)
register(
    ModerationAction(
        code="restore",
        label=_("Restore"),
        offered=HIDDEN,
        service=services.content_restore,
        done=_("The item is shown again."),
    )
)
register(
    ModerationAction(
        code="approve",
        label=_("Approve"),
        offered=PENDING,
        service=premoderation.content_approve,
        done=_("Approved: it is public now."),
        form=ApproveForm,  # no reason needed; a note, if given, is kept in the audit log
    )
)
register(
    ModerationAction(
        code="reject",
        label=_("Reject"),
        offered=PENDING,
        # Hides the waiting item and tells its author why.
        service=premoderation.content_reject,
        done=_("Rejected: it is hidden."),
    )
)
