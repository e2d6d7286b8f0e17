from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        # Subscribes this app's consumers of events (config.outbox), after the ideas app's.
        from community import consumers  # noqa: F401
