"""The load test's static files, collected again only when their sources changed.

With the production storage (whitenoise's compressed manifest) `collectstatic` hashes and
compresses every file on every call, changed or not: 17-20 s before each load test, even one
page with --only. So the sources are fingerprinted first (every file the finders list, by path
and content, and the storage that writes them: about 0.1 s for 224 files, 13 MB) and
`collectstatic --clear` runs only when the fingerprint differs from the one stored with the
collected files, which is written after a collection succeeds. Deleting STATIC_ROOT forces a
collection.
"""

import hashlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

STAMP = ".sources-sha256"  # in STATIC_ROOT, beside the files it describes


def static_sources_digest() -> str:
    """A fingerprint of what `collectstatic` would write: the sources and the storage."""
    digest = hashlib.sha256()
    digest.update(repr((settings.STORAGES["staticfiles"], settings.STATIC_URL)).encode())
    ignore = apps.get_app_config("staticfiles").ignore_patterns  # type: ignore[attr-defined]
    found = []
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore):
            prefix = getattr(storage, "prefix", None) or ""
            found.append((f"{prefix}/{path}", storage, path))
    for name, storage, path in sorted(found, key=lambda item: item[0]):
        digest.update(f"\0{name}\0".encode())
        with storage.open(path) as handle:
            digest.update(handle.read())
    return digest.hexdigest()


def collectstatic_if_changed() -> bool:
    """Run `collectstatic` unless the collected files are of these very sources; True if it
    ran."""
    stamp = Path(settings.STATIC_ROOT) / STAMP
    sources = static_sources_digest()
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == sources:
        return False
    # --clear: collectstatic alone keeps a collected file whose source is not newer by a whole
    # second (an edit right after a run), and files whose source is gone. It removes the stamp
    # too, so a collection that fails half-way leaves none.
    call_command("collectstatic", interactive=False, verbosity=0, clear=True)
    stamp.write_text(sources, encoding="utf-8")
    return True
