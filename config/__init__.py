"""Project configuration: settings, URLs, Celery app, WSGI/ASGI entry points."""

import os

# Before anything loads numpy (every entry point imports this package first): see
# ideas/clustering/__init__.py for why BLAS threads must not spin after their work.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

from config.celery import app as celery_app

__all__ = ["celery_app"]
