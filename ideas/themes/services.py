"""Writes on themes outside full runs: a new idea joins a theme, product managers annotate and
set how finely the next runs group ideas."""

import logging
from typing import Literal

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.audit import AuditAction, audit_record, audit_type
from accounts.models import User
from accounts.roles import MANAGE_THEMES
from config.outbox.events import record
from ideas.clustering import assign_to_themes
from ideas.events import ThemeRunRequested
from ideas.models import Idea, Theme, ThemeMembership, ThemeSettings
from ideas.models.themes import TARGET_THEMES_MAX, TARGET_THEMES_MIN
from ideas.themes.embedding import vectors_for
from ideas.themes.runs import run_under_way
from ideas.themes.selectors import published_run

logger = logging.getLogger(__name__)

THEME_GRANULARITY = audit_type("theme_granularity", _("Theme granularity changed"))


def idea_embed_and_assign(*, idea: Idea) -> ThemeMembership | None:
    """Store the idea's vector, then put it in the nearest published theme if close enough.

    Safe to run twice: the vector is only recomputed when the text changed, and the membership
    is unique per run and idea. An idea that fits no theme waits for the next full run.
    """
    vectors = vectors_for([idea])
    run = published_run()
    if vectors is None or run is None:
        return None
    placed = [
        (theme, centroid)
        for theme in Theme.objects.filter(is_active=True, last_run=run)
        if (centroid := theme.centroid_array()) is not None
    ]
    if not placed:
        return None
    themes = [theme for theme, _ in placed]
    centroids = np.stack([centroid for _, centroid in placed])
    thresholds = np.asarray([t.threshold for t in themes], dtype=np.float32)
    ids, sims = assign_to_themes(vectors, centroids, thresholds)
    if ids[0] < 0:
        return None
    theme = themes[int(ids[0])]
    with transaction.atomic():
        membership, created = ThemeMembership.objects.get_or_create(
            run=run,
            idea=idea,
            defaults={"theme": theme, "similarity": float(sims[0]), "incremental": True},
        )
        if created:
            Theme.objects.filter(pk=theme.pk).update(size=F("size") + 1)
    return membership


def theme_update(*, theme: Theme, editor: User, name: str, note: str, status: str) -> Theme:
    """Product managers rename, annotate and set the status of a theme; runs keep these."""
    before = {"name": theme.name, "note": theme.note, "status": theme.status}
    theme.name, theme.note, theme.status = name.strip(), note.strip(), status
    theme.full_clean(exclude=["first_run", "last_run", "representative_idea", "centroid"])
    with transaction.atomic():
        theme.save(update_fields=["name", "note", "status", "updated_at"])
        audit_record(
            actor=editor,
            action=AuditAction.THEME_UPDATE,
            target=theme,
            summary=gettext("Theme #%(pk)s: %(name)s") % {"pk": theme.pk, "name": theme.name},
            before=before,
            after={"name": theme.name, "note": theme.note, "status": theme.status},
        )
    logger.info("Theme %s updated by user %s", theme.pk, editor.pk)
    return theme


def run_request(*, requested_by: User) -> Literal["queued", "under_way"]:
    """ "Re-run now": ask for a full run. Product managers and administrators only.

    Returns "under_way" when a live worker is computing one (a run whose worker died no longer
    counts, see selectors.lost_runs): nothing is recorded, its themes come when it ends.
    Otherwise "queued": the request is an event (ThemeRunRequested) in PostgreSQL, whose
    consumer (ideas.consumers.run_the_requested_themes) has a run made once a worker can take
    it, even if the broker is down now or loses its messages; two requests before that run is
    claimed make one run."""
    if not requested_by.has_perm(MANAGE_THEMES):
        raise PermissionDenied(gettext("Only product managers re-run the themes."))
    if run_under_way() is not None:
        return "under_way"
    with transaction.atomic():
        record(
            ThemeRunRequested(
                requested_by_id=requested_by.pk, requested_at=timezone.now().isoformat()
            )
        )
    logger.info("Themes run requested by user %s", requested_by.pk)
    return "queued"


def theme_granularity_set(*, editor: User, target_themes: int | None) -> ThemeSettings:
    """Set the number of themes the next full runs aim at (None: automatic, the engine's own
    resolution). Product managers and administrators only; audited. Runs already published
    keep their themes: the setting takes effect at the next run, whose themes are matched to
    the current ones as usual (ideas.themes.identity), so themes split or merge, never vanish
    silently."""
    if not editor.has_perm(MANAGE_THEMES):
        raise PermissionDenied(gettext("Only product managers set the theme granularity."))
    if target_themes is not None and not TARGET_THEMES_MIN <= target_themes <= TARGET_THEMES_MAX:
        raise ValidationError(
            {
                "target_themes": gettext("Enter a number between %(min)s and %(max)s.")
                % {"min": TARGET_THEMES_MIN, "max": TARGET_THEMES_MAX}
            }
        )
    with transaction.atomic():
        # Two product managers saving at once: the second waits and audits what it replaced
        # (the row is made first, so the very first two saves also meet on its lock).
        ThemeSettings.objects.get_or_create(pk=ThemeSettings.SINGLETON)
        current = ThemeSettings.objects.select_for_update().filter(pk=ThemeSettings.SINGLETON)
        row = current.get()
        before = row.target_themes
        row.target_themes, row.updated_by = target_themes, editor
        row.save()
        if before != target_themes:
            audit_record(
                actor=editor,
                action=THEME_GRANULARITY,
                target=row,
                summary=gettext("Theme granularity: %(before)s → %(after)s")
                % {"before": _granularity_text(before), "after": _granularity_text(target_themes)},
                before={"target_themes": before},
                after={"target_themes": target_themes},
            )
    logger.info("Theme granularity set to %s by user %s", target_themes, editor.pk)
    return row


def _granularity_text(target: int | None) -> str:
    return gettext("automatic") if target is None else str(target)
