from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = "Ideas"

    def ready(self) -> None:
        # Subscribes this app's consumers of events (config.outbox).
        from ideas import consumers  # noqa: F401
