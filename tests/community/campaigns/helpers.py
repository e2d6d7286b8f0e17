"""Helpers for the campaign, feed and profile tests: campaigns around now, real image bytes."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import User
from ideas.models import Campaign
from ideas.rendering import render_markdown


def make_campaign(
    creator: User,
    *,
    slug: str = "save-more",
    title: str = "How should our app help you save?",
    starts_in_days: float = -1,
    ends_in_days: float = 10,
    **fields: object,
) -> Campaign:
    """A campaign whose dates are relative to now: open by default."""
    now = timezone.now()
    description = fields.pop("description", "Tell us **how**.")
    return Campaign.objects.create(
        slug=slug,
        title=title,
        description=description,
        description_html=render_markdown(str(description)),
        starts_at=now + timedelta(days=starts_in_days),
        ends_at=now + timedelta(days=ends_in_days),
        created_by=creator,
        **fields,
    )


def image_bytes(kind: str, size: tuple[int, int] = (8, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (230, 150, 20)).save(buffer, format=kind)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
