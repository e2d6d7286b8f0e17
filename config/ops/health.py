"""Readiness checks: is each service the site depends on working right now?

Each check answers {"status": "ok"} or {"status": "fail", "reason": <a fixed phrase>}. The reason
never carries exception text (which may name hosts, users or queries); the exception goes to the
log instead.
"""

import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from config.ops.heartbeat import heartbeat_age

logger = logging.getLogger(__name__)

Result = dict[str, Any]
OK: Result = {"status": "ok"}


def fail(reason: str, **extra: Any) -> Result:
    return {"status": "fail", "reason": reason, **extra}


def check_database() -> Result:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def check_cache() -> Result:
    key, value = f"ruche:health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    found = cache.get(key)
    cache.delete(key)
    return OK if found == value else fail("value not read back")


def broker_url() -> str:
    from config.celery import app as celery_app

    return str(celery_app.conf.broker_url)


def filesystem_queue_folder() -> Path | None:
    """The folder of the filesystem broker (`make run`), or None with a real broker."""
    from config.celery import app as celery_app

    if not broker_url().startswith("filesystem"):
        return None
    return Path(str(celery_app.conf.broker_transport_options["data_folder_in"]))


def check_broker() -> Result:
    from config.celery import app as celery_app

    folder = filesystem_queue_folder()
    if folder is not None:
        return OK if folder.is_dir() else fail("queue folder missing")
    with celery_app.connection_for_write(connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=0, timeout=3)
    return OK


def check_worker() -> Result:
    age = heartbeat_age()
    if age is None:
        return fail("no heartbeat yet")
    limit = settings.HEALTH_WORKER_MAX_AGE_SECONDS
    if age > limit:
        return fail("heartbeat too old", age_seconds=round(age, 1), max_age_seconds=limit)
    return {"status": "ok", "age_seconds": round(age, 1)}


def check_themes() -> Result:
    from django.utils import timezone

    from ideas.models import ClusteringRun, RunState
    from ideas.themes.selectors import lost_runs

    # A run whose worker died stays `running` until the next claim marks it failed (that may be
    # the next night): it fails the check as soon as the dashboard calls it lost.
    if lost_runs(now=timezone.now()).exists():
        return fail("last run lost its worker")
    last = (
        ClusteringRun.objects.exclude(state=RunState.RUNNING)
        .order_by("-started_at")
        .values_list("state", flat=True)
        .first()
    )
    return fail("last run failed") if last == RunState.FAILED else OK


def check_similar_search() -> Result:
    """The similar-ideas search process. Without it the site still works, suggesting ideas by
    shared title words: a warning, which does not make readiness fail."""
    from ideas.themes import similar

    if settings.SIMILAR_SEARCH_URL == "inprocess":
        return {"status": "ok", "mode": "inprocess"}
    try:
        answer = similar.request("GET", "/health", timeout=1.0)
    except similar.SearchUnavailable as exc:  # the web side logs it when a page needs it
        state = "loading" if str(exc).startswith("loading") else "unreachable"
        return {"status": "warn", "reason": f"{state}: similar ideas by title words"}
    if answer.get("status") != "ready":
        if settings.THEMES_BACKEND == "tfidf":  # chosen: TF-IDF vectors are never stored
            return {"status": "ok", "mode": "title words (THEMES_BACKEND=tfidf)"}
        return {"status": "warn", "reason": "no sentence encoder: similar ideas by title words"}
    return {"status": "ok", "vectors": answer.get("vectors")}


CHECKS: dict[str, Callable[[], Result]] = {
    "database": check_database,
    "broker": check_broker,
    "cache": check_cache,
    "worker": check_worker,
    "themes": check_themes,
    "similar_search": check_similar_search,
}
# Reported, never failing readiness: the site answers without them, degraded.
WARN_ONLY = {"similar_search"}


def readiness() -> tuple[bool, dict[str, Result]]:
    """Run every check; (all passed, each check's result)."""
    results: dict[str, Result] = {}
    for name, check in CHECKS.items():
        if name == "themes" and results["database"]["status"] != "ok":
            results[name] = fail("database unreachable")
            continue
        try:
            results[name] = check()
        except Exception:
            logger.warning("Readiness check %s failed", name, exc_info=True)
            results[name] = fail("unreachable")
    for name in WARN_ONLY:
        if results[name]["status"] == "fail":
            results[name] = {**results[name], "status": "warn"}
    ready = all(r["status"] == "ok" for name, r in results.items() if name not in WARN_ONLY)
    return ready, results
