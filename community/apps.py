from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        # What anonymous visitors' cached pages show: any write moves the page cache's
        # generation (config.page_cache), here for every app since this one sees all the models.
        # `.update()` on ideas, comments and official answers goes through their querysets.
        from django.contrib.auth import get_user_model

        from community.models import Campaign, Comment
        from config.page_cache import watch
        from ideas.models import Category, Idea, StatusChange
        from ideas.models.ideas import IdeaQuerySet, StatusChangeQuerySet

        watch(Idea, quiet_fields=IdeaQuerySet.page_cache_quiet_fields)
        watch(StatusChange, quiet_fields=StatusChangeQuerySet.page_cache_quiet_fields)
        watch(Comment)
        watch(Category)
        watch(Campaign)
        # Names on cards and the leaderboard; not a sign-in (last_login) nor a password change.
        watch(get_user_model(), quiet_fields=("last_login", "password"))

        # A sanction hides and restores a member's posts with moderation's own actions.
        from accounts.sanctions import ContentModeration, content_moderation_register
        from community.moderation.services import content_hide, content_restore

        content_moderation_register(ContentModeration(hide=content_hide, restore=content_restore))

        # Webhook secrets are re-encrypted with the two-factor ones when a key is rotated.
        from accounts.encryption import reencryptor_register
        from community.webhooks.services import secrets_reencrypt

        reencryptor_register("webhook endpoint secrets", secrets_reencrypt)

        # Subscribes this app's consumers of events (config.outbox), after the ideas app's.
        from community import consumers  # noqa: F401
        from community.webhooks import consumers as webhook_consumers  # noqa: F401
