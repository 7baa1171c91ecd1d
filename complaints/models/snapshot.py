"""Published monthly reports, frozen as computed."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buildings.models import Property


class MonthlySnapshot(models.Model):
    """A published month of a report: stored figures that later edits do not change."""

    class Kind(models.TextChoices):
        RED_BLACK = "red_black", _("Red/black list")
        ANALYSIS = "analysis", _("Monthly analysis")

    kind = models.CharField(_("report"), max_length=20, choices=Kind.choices)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    property = models.ForeignKey(
        Property,
        on_delete=models.CASCADE,
        related_name="snapshots",
        verbose_name=_("property"),
    )
    published_at = models.DateTimeField(_("published at"))
    data = models.JSONField(_("figures"))

    class Meta:
        verbose_name = _("published monthly report")
        verbose_name_plural = _("published monthly reports")
        ordering = ["-month", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "month", "property"], name="snapshot_once_per_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="snapshot_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.month:%Y-%m} {self.property}"
