"""Writes for campaigns (time-boxed idea challenges) and the rule for submitting into one."""

import secrets
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image

from accounts.models import User
from accounts.roles import ADD_CAMPAIGN, CHANGE_CAMPAIGN, PARTNER, user_has_role
from ideas.models import Campaign, Category
from ideas.pii_services import mask_texts, masked_record
from ideas.rendering import cleaned_text, render_markdown

# Pillow's format name → the extension the stored file gets (never the uploader's file name).
# "MPO" is the JPEG a phone's camera writes (more pictures after the first): a JPEG to browsers.
BANNER_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
# A banner is shown at most about 1,600 pixels wide; 8 million pixels (4,000 × 2,000) leave
# room. Every visitor's browser decodes the whole image: a 4 KB PNG of 6,000 × 6,000 pixels
# passed the old 40 million and cost each of them 144 MB.
BANNER_MAX_PIXELS = 8_000_000
SLUG_MAX_LENGTH = Campaign._meta.get_field("slug").max_length or 50
# Slugs that would collide with the campaign pages' own addresses (/campaigns/new/).
RESERVED_SLUGS = frozenset({"new"})


def banner_validate(file: File) -> str:
    """Check an uploaded banner by its content; return the extension to store it under.

    The name and the browser's content type prove nothing, so Pillow reads the bytes: only a
    JPEG, PNG or WebP image no larger than MAX_UPLOAD_BYTES passes.
    """
    limit = settings.MAX_UPLOAD_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("The image is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": f"{file.size / 2**20:.1f}", "limit": f"{limit / 2**20:g}"},
            code="too_large",
        )
    not_an_image = ValidationError(
        _("Upload a JPEG, PNG or WebP image; this file is not one."), code="invalid_image"
    )
    file.seek(0)
    try:
        with Image.open(file) as image:
            kind = image.format or ""
            width, height = image.size
            image.verify()  # reads the whole file: catches truncated or corrupt images
    except Image.DecompressionBombError as error:  # far beyond the limit: Pillow stops at open
        raise _too_many_pixels() from error
    except (OSError, SyntaxError, ValueError) as error:
        raise not_an_image from error
    finally:
        file.seek(0)
    if kind not in BANNER_FORMATS:
        raise not_an_image
    if width * height > BANNER_MAX_PIXELS:
        raise _too_many_pixels(width, height)
    return BANNER_FORMATS[kind]


def _too_many_pixels(width: int = 0, height: int = 0) -> ValidationError:
    limit = f"{BANNER_MAX_PIXELS / 1e6:g}"
    if width and height:
        message = _(
            "The image has too many pixels (%(width)s × %(height)s); the limit is %(limit)s "
            "million, for example 4,000 × 2,000."
        ) % {"width": width, "height": height, "limit": limit}
    else:
        message = _(
            "The image has far too many pixels; the limit is %(limit)s million, for example "
            "4,000 × 2,000."
        ) % {"limit": limit}
    return ValidationError(message, code="too_many_pixels")


def campaign_refusal(*, campaign: Campaign, author: User, now: datetime | None = None) -> str:
    """Why `author` cannot submit an idea into `campaign` now, or "" when they can."""
    now = now or timezone.now()
    if now >= campaign.ends_at:
        return _("The campaign “%(title)s” has ended: it no longer accepts ideas.") % {
            "title": campaign.title
        }
    if now < campaign.starts_at:
        starts = formats.date_format(timezone.localtime(campaign.starts_at), "DATETIME_FORMAT")
        return _("The campaign “%(title)s” is not open yet: it opens on %(date)s.") % {
            "title": campaign.title,
            "date": starts,
        }
    if campaign.partners_only and not user_has_role(author, PARTNER):
        return _("The campaign “%(title)s” is open to partners only.") % {"title": campaign.title}
    return ""


def campaign_check_submission(*, campaign: Campaign, author: User) -> None:
    """Raise ValidationError (on the "campaign" field) unless the author may submit into it."""
    refusal = campaign_refusal(campaign=campaign, author=author)
    if refusal:
        raise ValidationError({"campaign": refusal})


def _unique_slug(title: str, *, exclude_pk: int | None) -> str:
    base = slugify(title)[:SLUG_MAX_LENGTH].strip("-") or "campaign"
    others = Campaign.objects.filter(slug__startswith=base[: SLUG_MAX_LENGTH - 4])
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("slug", flat=True)) | RESERVED_SLUGS
    slug, n = base, 1
    while slug in taken:
        n += 1
        suffix = f"-{n}"
        slug = base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    return slug


def _save(
    campaign: Campaign, *, typed_by: User, banner: File | None, remove_banner: bool
) -> Campaign:
    """Validate, store the banner under a name we choose, save; drop a replaced file on commit.

    The file is written before the row: if the row then fails, an orphan file remains, which is
    harmless, whereas the other order could leave a row pointing at a missing file.
    """
    # Campaign texts are public: personal data in them is masked like in ideas (ideas.pii).
    masked = mask_texts(
        model=Campaign,
        language=None,
        title=cleaned_text(campaign.title),
        description=cleaned_text(campaign.description),
    )
    campaign.title, campaign.description = masked["title"], masked["description"]
    if not campaign.slug:
        campaign.slug = _unique_slug(campaign.title, exclude_pk=campaign.pk)
    elif campaign.slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This address is reserved; please choose another.")})
    if campaign.starts_at and campaign.ends_at and campaign.ends_at <= campaign.starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    extension = banner_validate(banner) if banner is not None else ""
    campaign.full_clean(exclude=["created_by", "banner"])
    campaign.description_html = render_markdown(campaign.description)
    old_banner = campaign.banner.name if campaign.banner else ""
    with transaction.atomic():
        if banner is not None:
            name = f"{campaign.slug}-{secrets.token_hex(4)}.{extension}"
            campaign.banner.save(name, banner, save=False)
        elif remove_banner:
            campaign.banner = ""  # type: ignore[assignment]
        campaign.save()
        # The text as typed, for a moderator to review what was masked (PII_KEEP_ORIGINALS_DAYS).
        masked_record(masked=masked, campaign=campaign, typed_by=typed_by)
        if old_banner and old_banner != campaign.banner.name:
            storage = campaign.banner.storage
            transaction.on_commit(lambda: storage.delete(old_banner))
    return campaign


def campaign_create(
    *,
    creator: User,
    title: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    slug: str = "",
    category: Category | None = None,
    partners_only: bool = False,
    premoderated: bool = False,
    banner: File | None = None,
) -> Campaign:
    if not creator.has_perm(ADD_CAMPAIGN):
        raise PermissionDenied(_("Only staff can create campaigns."))
    campaign = Campaign(
        title=title,
        slug=slug.strip(),
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        category=category,
        partners_only=partners_only,
        premoderated=premoderated,
        created_by=creator,
    )
    return _save(campaign, typed_by=creator, banner=banner, remove_banner=False)


def campaign_update(
    *,
    campaign: Campaign,
    editor: User,
    title: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    slug: str = "",
    category: Category | None = None,
    partners_only: bool = False,
    premoderated: bool = False,
    banner: File | None = None,
    remove_banner: bool = False,
) -> Campaign:
    """Change a campaign. A blank slug is made again from the title; a new banner replaces the
    old one, whose file is deleted once the change is committed."""
    if not editor.has_perm(CHANGE_CAMPAIGN):
        raise PermissionDenied(_("Only staff can change campaigns."))
    campaign.title, campaign.slug, campaign.description = title, slug.strip(), description
    campaign.starts_at, campaign.ends_at = starts_at, ends_at
    campaign.category, campaign.partners_only = category, partners_only
    campaign.premoderated = premoderated
    return _save(campaign, typed_by=editor, banner=banner, remove_banner=remove_banner)
