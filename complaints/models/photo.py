"""Photos attached to a complaint, stored one folder per UTC month."""

import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints import clock
from complaints.models.complaint import Complaint

PHOTO_FOLDERS = {"image": "photos", "thumbnail": "thumbs"}


def photo_folder(field: str, moment: datetime) -> str:
    """Where a photo's `field` ("image" or "thumbnail") stored at `moment` goes: one
    folder per UTC month."""
    return f"{PHOTO_FOLDERS[field]}/{moment.astimezone(UTC):%Y/%m}"


def photo_upload_to(instance: "Photo", filename: str) -> str:
    return f"{photo_folder('image', clock.now())}/{uuid.uuid4().hex}.jpg"


def thumbnail_upload_to(instance: "Photo", filename: str) -> str:
    return f"{photo_folder('thumbnail', clock.now())}/{uuid.uuid4().hex}.jpg"


class Photo(models.Model):
    class Step(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence")
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="photos", verbose_name=_("complaint")
    )
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    image = models.ImageField(
        _("image"), upload_to=photo_upload_to, width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to=thumbnail_upload_to)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), default=clock.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint.reference} {self.get_step_display()} #{self.pk}"
