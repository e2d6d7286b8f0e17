"""Settings for `make run` on a laptop: debug on, console email, SQLite and a filesystem broker."""

from config.settings.base import *  # noqa: F403
from config.settings.base import SECRET_KEY, VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
# A fixed key is fine for local development only; production refuses to start without one.
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret-9f2c1e7a4b6d8e0f3a5c7b9d1e3f5a7c"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise warns if missing
