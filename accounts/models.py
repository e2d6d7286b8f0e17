from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import StaffRole


class UserManager(DjangoUserManager):
    """Users log in by email: there is no username."""

    def get_by_natural_key(self, username: str | None) -> Any:
        """The account with this address whatever its capitals, as allauth finds it: Django's
        admin login and `createsuperuser`'s check ("already taken") look accounts up here, and
        the database holds at most one per address (EMAIL_UNIQUE_IGNORING_CASE)."""
        return self.get(email__iexact=username)

    def _create_user_object(self, username: Any, email: Any, password: Any, **extra: Any) -> "User":
        if not email:
            raise ValueError("Users must have an email address.")
        user = User(email=self.normalize_email(email), **extra)
        user.password = ""
        user.set_password(password)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        user = self._create_user_object(None, email, password, **extra)
        user.save(using=self._db)
        return user

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class AgeBand(models.TextChoices):
    FROM_18_TO_24 = "18-24", _("18 to 24")
    FROM_25_TO_34 = "25-34", _("25 to 34")
    FROM_35_TO_44 = "35-44", _("35 to 44")
    FROM_45_TO_54 = "45-54", _("45 to 54")
    FROM_55_TO_64 = "55-64", _("55 to 64")
    FROM_65 = "65+", _("65 or over")


class CustomerType(models.TextChoices):
    INDIVIDUAL = "individual", _("Personal customer")
    PROFESSIONAL = "professional", _("Professional or self-employed")
    BUSINESS = "business", _("Business")
    PROSPECT = "prospect", _("Not a customer yet")


class Region(models.TextChoices):
    AUVERGNE_RHONE_ALPES = "ara", _("Auvergne-Rhône-Alpes")
    BOURGOGNE_FRANCHE_COMTE = "bfc", _("Bourgogne-Franche-Comté")
    BRETAGNE = "bre", _("Brittany")
    CENTRE_VAL_DE_LOIRE = "cvl", _("Centre-Val de Loire")
    CORSE = "cor", _("Corsica")
    GRAND_EST = "ges", _("Grand Est")
    HAUTS_DE_FRANCE = "hdf", _("Hauts-de-France")
    ILE_DE_FRANCE = "idf", _("Île-de-France")
    NORMANDIE = "nor", _("Normandy")
    NOUVELLE_AQUITAINE = "naq", _("Nouvelle-Aquitaine")
    OCCITANIE = "occ", _("Occitanie")
    PAYS_DE_LA_LOIRE = "pdl", _("Pays de la Loire")
    PROVENCE_ALPES_COTE_D_AZUR = "pac", _("Provence-Alpes-Côte d'Azur")
    OVERSEAS = "overseas", _("Overseas France")
    ABROAD = "abroad", _("Outside France")


# Shown on the profile form: the three segment fields are optional and only ever counted in
# groups of at least ANALYTICS_MIN_GROUP members (community.analytics).
SEGMENT_HELP = _("Optional. Used only for anonymous statistics, never shown on your profile.")


# The database refuses a second account with an address another has in other capitals: the forms'
# checks (accounts.services.email_in_use) cannot see an account saved at the same moment.
EMAIL_UNIQUE_IGNORING_CASE = "user_email_unique_ignoring_case"


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    # `unique` as well, which Django's checks of a USERNAME_FIELD and createsuperuser expect.
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"), max_length=60, help_text=_("Shown beside your ideas and comments.")
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=120,
        blank=True,
        help_text=_("For partners: the organisation shown beside your posts."),
    )

    profile_public = models.BooleanField(
        _("public profile"),
        default=True,
        help_text=_("Others can see your profile page with your ideas and badges."),
    )
    # Segments a member chose to share (blank = not shared): counted only in anonymous
    # statistics with a privacy floor (community.analytics, docs/analytics.md).
    age_band = models.CharField(
        _("age band"), max_length=8, choices=AgeBand.choices, blank=True, help_text=SEGMENT_HELP
    )
    customer_type = models.CharField(
        _("customer type"),
        max_length=12,
        choices=CustomerType.choices,
        blank=True,
        help_text=SEGMENT_HELP,
    )
    region = models.CharField(
        _("region"), max_length=8, choices=Region.choices, blank=True, help_text=SEGMENT_HELP
    )
    # The language of every email Ruche sends this member (accounts.languages), whatever the
    # language of the idea or of the page that caused it. Set at sign-up from the language the
    # page was in, then from the profile page or the site's language switcher; "" on accounts
    # older than the setting, which get the site's LANGUAGE_CODE.
    preferred_language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the emails we send you."),
    )
    # Sanctions by moderators (accounts.sanctions): a suspended member can read but not post or
    # vote until the date; a banned member cannot log in (is_active is cleared as well).
    suspended_until = models.DateTimeField(null=True, blank=True)
    banned_at = models.DateTimeField(null=True, blank=True)
    sanction_reason = models.CharField(max_length=300, blank=True)
    # Set when the member deleted their account (accounts.privacy.account_delete): the row stays
    # so their kept posts and votes still point somewhere, with every personal field erased.
    erased_at = models.DateTimeField(null=True, blank=True)
    # A system (the bank's CRM, its app's back end) that calls the API with a role: an admin
    # creates it (accounts.service_accounts), it owns API tokens, and it can never sign in to
    # the site (no usable password, refused by the authentication backends).
    is_service_account = models.BooleanField(_("service account"), default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["display_name"]

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    # The staff badge beside their posts (accounts.roles.StaffRole): prefetch it on lists.
    holds_staff_role = StaffRole()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # UPPER, not LOWER: Django's `email__iexact` is UPPER(email) = UPPER(%s) on
            # PostgreSQL, so this index also serves the sign-in and the address checks, which
            # otherwise read the whole table; and the check and the constraint fold case alike.
            models.UniqueConstraint(
                Upper("email"),
                name=EMAIL_UNIQUE_IGNORING_CASE,
                violation_error_message=_(
                    "Another account already has this email address (capitals aside)."
                ),
            )
        ]

    def __str__(self) -> str:
        if self.erased_at is not None:
            # Translated when shown, so each reader sees it in their own language.
            return gettext("Former member")
        return self.display_name or self.email.split("@")[0]

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)


class ServiceAccount(User):
    """The service accounts among the users (`is_service_account`), for their admin page
    (accounts.admin, accounts.service_accounts)."""

    class Meta:
        proxy = True
        verbose_name = _("service account")
        verbose_name_plural = _("service accounts")


class ConsentDocument(models.TextChoices):
    TERMS = "terms", _("Terms of use")
    PRIVACY = "privacy", _("Privacy notice")


class Consent(models.Model):
    """A member accepted one version of the terms of use or of the privacy notice.

    The current versions are settings.TERMS_VERSION and settings.PRIVACY_NOTICE_VERSION. The
    rows go with the account: they are deleted when the member deletes it (and by CASCADE if a
    user row is ever deleted), since they are personal data too."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    document = models.CharField(max_length=10, choices=ConsentDocument.choices)
    version = models.CharField(max_length=20)
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["accepted_at", "pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "document", "version"], name="one_consent_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} accepted {self.document} {self.version}"


class RetentionRun(models.Model):
    """One run of the retention purge (community.retention.purge): when, the clock it used, and
    how many rows of each kind went. Counts only, never content. Here, in the lowest app, because
    the purge reaches every app's data; the run itself names kinds, not models."""

    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True, db_index=True)
    as_of = models.DateTimeField(_("as of"))
    counts = models.JSONField(_("rows removed, per kind"), default=dict)

    class Meta:
        ordering = ["-ran_at", "-pk"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"retention run {self.pk} ({sum(self.counts.values())} rows)"


class ApiTokenScope(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


class ApiToken(models.Model):
    """A personal API token (accounts.tokens): the member's own rights through the REST API,
    read-only or read and write, until it expires or its owner revokes it.

    Only a SHA-256 digest of the secret is stored; `prefix` (shown in the list) finds the row.
    `second_factor` says whether the session that created it had passed two-factor
    authentication: a staff account's token works only if it had (accounts.tokens)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    scope = models.CharField(_("scope"), max_length=5, choices=ApiTokenScope.choices)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    second_factor = models.BooleanField(default=False)
    # Made in a session signed in by the bank's single sign-on (accounts.sso): with
    # SSO_REQUIRED_FOR_STAFF a staff member's token works only if it was (accounts.tokens).
    sso = models.BooleanField(default=False)
    # Who made it, when not its owner: the admin who made a service account's token.
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class SsoRoleGrant(models.Model):
    """A staff role that single sign-on granted (accounts.sso.roles): the next sign-in whose
    identity-provider groups no longer map to it takes it away again. A role an admin granted
    has no such row, so single sign-on never removes it.

    `flags` lists the Django flags (is_staff, is_superuser) that single sign-on turned on with
    the admin role, cleared again with it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sso_role_grants")
    role = models.CharField(max_length=40)
    flags = models.JSONField(default=list, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role granted by single sign-on")
        verbose_name_plural = _("roles granted by single sign-on")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_sso_grant_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.role} of user {self.user_id} (single sign-on)"


class AuditExport(models.Model):
    """One CSV export of the audit log (accounts.audit_exports), written by the worker to a
    private directory (AUDIT_EXPORT_DIR) and downloaded by the admin who asked for it. A large
    log takes longer than a web request may last, so no request writes it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        WRITING = "writing", _("Being written")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Deleted at the end of its retention period")

    requested_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("kind of entry"), max_length=24, blank=True)  # "" for every kind
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    # The file's name in AUDIT_EXPORT_DIR, random so that no name can be guessed or reused.
    stored_name = models.CharField(max_length=40)
    # The entries written are those made up to this moment (the worker's claim).
    up_to = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    size_bytes = models.PositiveBigIntegerField(default=0)
    # Claims by a worker so far: an export that fails this often is given up (FAILED).
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # When it was last handed to the worker, and when a worker last claimed it: one waiting or
    # claimed for longer than the task may run was lost (accounts.audit_exports.recover).
    queued_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit log export")
        verbose_name_plural = _("audit log exports")

    def __str__(self) -> str:
        return f"audit export {self.pk} ({self.state})"
