"""Sessions in the database, read with a statement compiled once per process.

Every signed-in request reads its session row first. Django's database store builds that
`SELECT` through the ORM each time, and compiling it cost more CPU than PostgreSQL spent running
it (docs/benchmarks.md, "The signed-in request's own cost"). This store runs the same statement,
compiled once (config.db.Prepared), and is otherwise Django's: the row in the database is the only
copy, so deleting it (signing out, `accounts.sanctions.end_sessions`, the retention purge, the
admin) ends the session on the very next request, and a Redis outage signs nobody out.

Not `cached_db`: a copy in Redis would outlive a row deleted in bulk, or one whose cache delete
failed while Redis was down, and come back to life for its two weeks (docs/security.md#sessions).
"""

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import router
from django.utils import timezone

from config.db import MARK_TEXT, MARK_TIME, Prepared, sql_of


def _session_data(using: str, key: str, now: Any) -> tuple[str, Any]:
    """The row Django's store reads: the session's data, if it has not expired."""
    rows = Session.objects.using(using).filter(session_key=key, expire_date__gt=now)
    return sql_of(rows.values_list("session_data"), using)


_SESSION_DATA = Prepared(_session_data, MARK_TEXT, MARK_TIME, server_prepared=True)


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        if self.session_key is None:
            return {}
        rows = _SESSION_DATA.fetchall(router.db_for_read(Session), self.session_key, timezone.now())
        if not rows:
            # As Django's store does: an unknown or expired key is forgotten, and a new one is
            # made if the session is written to.
            self._session_key = None
            return {}
        return self.decode(rows[0][0])  # type: ignore[no-any-return]
