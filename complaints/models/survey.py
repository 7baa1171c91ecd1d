"""The satisfaction survey sent after closing."""

import builtins

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.models.complaint import Complaint


class Survey(models.Model):
    """The satisfaction survey of one closing (one per complaint and SLA cycle)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="surveys", verbose_name=_("complaint")
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"))
    sent_at = models.DateTimeField(_("sent at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    solved = models.PositiveSmallIntegerField(_("problem solved"), null=True, blank=True)
    speed = models.PositiveSmallIntegerField(_("response speed"), null=True, blank=True)
    attitude = models.PositiveSmallIntegerField(_("service attitude"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "cycle"], name="survey_once_per_cycle"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True)
                | (
                    Q(solved__range=(0, 100))
                    & Q(speed__range=(0, 100))
                    & Q(attitude__range=(0, 100))
                ),
                name="survey_scores_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.reference} #{self.cycle}"

    @builtins.property
    def mean(self) -> float | None:
        if self.submitted_at is None:
            return None
        return (self.solved + self.speed + self.attitude) / 3
