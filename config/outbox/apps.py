from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "config.outbox"
    label = "outbox"
    verbose_name = "Outbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from config.outbox import events, tasks

        # Looked up at each call, so that a test replacing `deliver_event.delay` is obeyed.
        events.deliver_with(
            lambda event_id: tasks.deliver_event.delay(event_id),
            lambda delay: tasks.relay_outbox.apply_async(countdown=delay),
        )
