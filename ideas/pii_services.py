"""Personal and financial data in the portal: masked before any text is published.

`ideas.pii` finds and masks (Django-free). Here the portal decides the placeholders' language,
keeps the text as typed only when PII_KEEP_ORIGINALS_DAYS allows (MaskedOriginal, admins only),
refuses personal data in profile fields, and words the notice that tells an author what was
hidden. Ideas, comments and official responses are masked by their services before Markdown is
rendered, so the stored text, the page, the worker (vectors, sentiment, themes), notifications,
emails and feeds all carry the masked text only.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from ideas.models import Campaign, Idea, MaskedOriginal, StatusChange
from ideas.pii import KINDS, Kind, Language, MaskResult, find_pii, mask_pii

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# What a kind is called in a sentence: "we hid a card number and a phone number".
KIND_WORDS = {
    "card": gettext_lazy("a card number"),
    "iban": gettext_lazy("an IBAN"),
    "account": gettext_lazy("an account number"),
    "phone": gettext_lazy("a phone number"),
    "email": gettext_lazy("an email address"),
    "address": gettext_lazy("a postal address"),
}

# The attribute a service sets on what it saved, for the view to tell the author.
_MASKED_KINDS = "masked_kinds"


def publication_language(language: str | None) -> Language:
    """The placeholders' language: `language` (an idea's) if given, else the active one (the
    request's, set by LocaleMiddleware)."""
    code = (language or get_language() or settings.LANGUAGE_CODE).lower()
    return "fr" if code.startswith("fr") else "en"


def mask_for_publication(*, text: str, language: str | None) -> MaskResult:
    """`text` with its card numbers, IBANs, accounts, phones, emails and addresses replaced by
    placeholders in `language` (None: the active language)."""
    return mask_pii(text, language=publication_language(language))


@dataclass(frozen=True)
class MaskedTexts:
    """Several fields of one object as typed (`typed`) and masked for publication."""

    typed: dict[str, str]
    results: dict[str, MaskResult]

    def __getitem__(self, name: str) -> str:
        return self.results[name].masked

    @property
    def kinds(self) -> tuple[Kind, ...]:
        """Every kind masked in any field, once each, in `ideas.pii.KINDS` order."""
        found = {kind for result in self.results.values() for kind in result.kinds}
        return tuple(kind for kind in KINDS if kind in found)


def mask_texts(*, model: type[models.Model], language: str | None, **texts: str) -> MaskedTexts:
    """Mask each of `texts` (field name -> text as typed) for publication.

    A placeholder can be longer than what it replaces ("[téléphone masqué]" for ten digits): a
    text that fitted its field (the model's max_length) and no longer does once masked is refused
    with a field error saying why, rather than the usual "at most N characters", which the author
    could not make sense of.
    """
    results = {
        name: mask_for_publication(text=text, language=language) for name, text in texts.items()
    }
    for name, result in results.items():
        limit = getattr(model._meta.get_field(name), "max_length", None)
        typed, masked = len(texts[name].strip()), len(result.masked.strip())
        if limit is not None and typed <= limit < masked:
            raise ValidationError(
                {
                    name: _(
                        "This text contains %(kinds)s, which we hide before publishing it, and "
                        "once hidden it is too long (%(length)s characters, at most %(limit)s). "
                        "Please remove it or shorten the text."
                    )
                    % {"kinds": _kind_list(result.kinds), "length": masked, "limit": limit}
                }
            )
    return MaskedTexts(typed=dict(texts), results=results)


def masked_record(
    *,
    masked: MaskedTexts,
    idea: Idea | None = None,
    comment: models.Model | None = None,  # a Comment on the idea (community app)
    status_change: StatusChange | None = None,
    campaign: Campaign | None = None,
    typed_by: "User | None" = None,
) -> list[MaskedOriginal]:
    """After saving what was masked (the idea, or its comment or official response; or a
    campaign, with the staff member who typed it): note the kinds on it for the view
    (`masked_notice`), and keep the originals of the masked fields when
    PII_KEEP_ORIGINALS_DAYS > 0. Call it inside the saving transaction."""
    target = comment or status_change or idea or campaign
    if target is None or (idea is None) == (campaign is None):
        raise ValueError("masked_record needs an idea or a campaign, not both")
    setattr(target, _MASKED_KINDS, masked.kinds)
    days: int = settings.PII_KEEP_ORIGINALS_DAYS
    if days <= 0 or not masked.kinds:
        return []
    delete_after = timezone.now() + timedelta(days=days)
    return MaskedOriginal.objects.bulk_create(
        MaskedOriginal(
            idea=idea,
            # By id: the Comment model is the community app's, which ideas does not import.
            comment_id=comment.pk if comment is not None else None,
            status_change=status_change,
            campaign=campaign,
            typed_by=typed_by,
            field=name,
            original=masked.typed[name],
            kinds=list(result.kinds),
            delete_after=delete_after,
        )
        for name, result in masked.results.items()
        if result.kinds
    )


def masked_kinds(target: object) -> tuple[Kind, ...]:
    """What the service masked in the idea, comment or status change it just saved."""
    kinds: tuple[Kind, ...] = getattr(target, _MASKED_KINDS, ())
    return kinds


def _kind_list(kinds: Sequence[Kind]) -> str:
    return str(get_text_list([str(KIND_WORDS[kind]) for kind in kinds], _("and")))


def masked_notice(*, target: object, where: Literal["idea", "comment", "response"]) -> str:
    """The message telling the author what was hidden from `target`, or "" if nothing was."""
    kinds = masked_kinds(target)
    if not kinds:
        return ""
    words = {"kinds": _kind_list(kinds)}
    if where == "response":  # staff: the response is public, and may quote a customer
        return _("We hid %(kinds)s from your official response: it is public.") % words
    if where == "comment":
        return (
            ngettext(
                "To protect you, we hid %(kinds)s from your comment. Never share it publicly: "
                "our advisers will never ask you for it here.",
                "To protect you, we hid %(kinds)s from your comment. Never share them publicly: "
                "our advisers will never ask you for them here.",
                len(kinds),
            )
            % words
        )
    return (
        ngettext(
            "To protect you, we hid %(kinds)s from your idea. Never share it publicly: our "
            "advisers will never ask you for it here.",
            "To protect you, we hid %(kinds)s from your idea. Never share them publicly: our "
            "advisers will never ask you for them here.",
            len(kinds),
        )
        % words
    )


# --- Profiles ------------------------------------------------------------------------------------


def profile_text_refusal(text: str) -> str:
    """Why `text` cannot be a display name or an organisation, or "" when it can. The accounts
    app calls it through settings.PROFILE_TEXT_CHECK (accounts.profile_texts), as it may not
    import this app."""
    found = {finding.kind for finding in find_pii(text)}
    if not found:
        return ""
    kinds = tuple(kind for kind in KINDS if kind in found)
    return _("This is shown to everyone beside your posts: please leave out %(kinds)s.") % {
        "kinds": _kind_list(kinds)
    }


# --- Retention -----------------------------------------------------------------------------------


def masked_originals_of(*, user_id: int) -> models.QuerySet[MaskedOriginal]:
    """What is kept of the texts this person typed: their ideas, their comments, the official
    responses and the campaign texts they wrote."""
    return MaskedOriginal.objects.filter(
        Q(idea__author_id=user_id, comment__isnull=True, status_change__isnull=True)
        | Q(comment__author_id=user_id)
        | Q(status_change__changed_by_id=user_id)
        | Q(typed_by_id=user_id)
    ).order_by("created_at", "pk")


def masked_originals_forget(*, user_id: int) -> int:
    """Delete what is kept of the texts this person typed, e.g. when they delete their account.
    Returns how many rows went."""
    deleted, _detail = masked_originals_of(user_id=user_id).delete()
    return deleted


def masked_originals_purge(*, now: datetime | None = None) -> int:
    """Delete the originals past their `delete_after`, and those older than the current
    PII_KEEP_ORIGINALS_DAYS (so lowering it, or setting it to 0, applies to what is kept
    already). Returns how many rows went. Safe to run twice."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=max(settings.PII_KEEP_ORIGINALS_DAYS, 0))
    deleted, _detail = MaskedOriginal.objects.filter(
        Q(delete_after__lte=now) | Q(created_at__lte=cutoff)
    ).delete()
    if deleted:
        logger.info("Purged %s masked originals", deleted)  # a count, never the text
    return deleted
