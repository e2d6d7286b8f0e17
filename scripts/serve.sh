#!/usr/bin/env bash
# Serve Ruche on 127.0.0.1:$PORT (default 8000) with a real Celery worker beside it; Ctrl-C stops both.
# Without REDIS_URL the worker and the site share a filesystem queue under var/celery.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${PORT:-8000}"
export DJANGO_ENV="${DJANGO_ENV:-local}"  # as manage.py; the worker alone would default to production

# Links in the worker's emails point at this server, whatever the PORT, unless SITE_URL is set.
export SITE_URL="${SITE_URL:-http://127.0.0.1:${PORT}}"
mkdir -p var/celery/queue var/celery/processed

# The demo loads before the worker starts, so the two never write to SQLite at the same time
# ("database is locked"), and the worker's first clustering run sees every demo idea.
echo "==> Loading the demo data (once: a minute or two the first time, nothing after)"
"$PY" manage.py seed_demo   # prints the demo logins

echo "==> Starting the Celery worker (with the beat scheduler)"
.venv/bin/celery -A config worker --beat --loglevel=INFO --concurrency=1 --without-gossip --without-mingle \
  > var/worker.log 2>&1 &
worker=$!

# The similar-ideas search process holds the sentence encoders and every idea vector, so the web
# server does not. Niced: its loading (a few seconds) never delays the first page; until it is
# ready, similar ideas are suggested by shared title words.
echo "==> Starting the similar-ideas search process"
nice -n 10 "$PY" manage.py serve_similar > var/similar.log 2>&1 &
similar=$!
trap 'kill "$worker" "$similar" 2>/dev/null; wait "$worker" "$similar" 2>/dev/null || true' EXIT INT TERM

broker="filesystem queue in var/celery"
[ -n "${REDIS_URL:-}" ] && broker="Redis at ${REDIS_URL}"
cat <<MSG

  Ruche is starting on http://127.0.0.1:${PORT}
  Celery worker (with the beat scheduler): pid ${worker}, broker: ${broker}, log: var/worker.log
  Similar-ideas search: pid ${similar}, socket var/similar.sock, log: var/similar.log
  The worker finds the first themes on its first start (a minute or two): /themes/ as pm@example.com
  Emails (sign-up confirmations, notifications) are printed in this terminal and in var/worker.log,
  with links to ${SITE_URL}.

MSG
"$PY" manage.py runserver "127.0.0.1:${PORT}"
