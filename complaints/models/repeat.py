"""Membership of a complaint in a repeat problem (complaints.repeats defines one)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models.complaint import Complaint


class RepeatMember(models.Model):
    """A complaint that belongs to a repeat problem (重复投诉), kept by `complaints.repeats`."""

    complaint = models.OneToOneField(
        Complaint,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="repeat",
        verbose_name=_("complaint"),
    )
    since = models.DateTimeField(
        _("repeat problem since"),
        help_text=_("When the complaint that completed its first repeat problem was filed."),
    )

    class Meta:
        verbose_name = _("repeat problem member")
        verbose_name_plural = _("repeat problem members")
        # The monthly reports count the members that joined in the month.
        indexes = [models.Index(fields=["since"], name="repeat_member_since")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.since:%Y-%m-%d %H:%M}"
