from django.contrib.admin.apps import AdminConfig


class RucheAdminConfig(AdminConfig):
    """Django's admin with the site's login and two-factor rule (config.admin)."""

    default_site = "config.admin.RucheAdminSite"
