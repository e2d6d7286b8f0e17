from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Ideas")

    def ready(self) -> None:
        # Subscribes this app's consumers of events (config.outbox).
        # A member's ideas on their profile pages (accounts knows no idea).
        from accounts.profile_sections import OWN, PUBLIC, profile_section_register
        from ideas import consumers  # noqa: F401
        from ideas.profile import member_page_ideas, own_profile_ideas

        profile_section_register(OWN, own_profile_ideas)
        profile_section_register(PUBLIC, member_page_ideas)

        # A member's ideas and votes in their data export and account deletion.
        from accounts.privacy import privacy_section_register
        from ideas.privacy import IDEAS_PRIVACY

        privacy_section_register(IDEAS_PRIVACY)
