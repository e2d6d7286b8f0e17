from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "config.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        # Celery signal receivers (request id, task counters, worker heartbeat) connect on import.
        from config.ops import heartbeat, metrics, requestid  # noqa: F401
