"""The log of who read a resident's personal data."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buildings.models import Property, Resident
from complaints import clock
from complaints.models.complaint import Complaint


class PersonalDataAccess(models.Model):
    """One access by staff to residents' personal data (SPEC §7, PIPL minimum necessary):
    a resident's record opened, a phone number revealed, an export, an anonymisation.

    Written only by `complaints.privacy.services.data_access_record`, never changed. The
    properties are those whose data was reached, stored at the time: the log stays
    readable by their project managers after residencies end.
    """

    class Kind(models.TextChoices):
        VIEW = "view", _("Viewed a resident's record")
        REVEAL = "reveal", _("Revealed a phone number")
        EXPORT = "export", _("Exported")
        ANONYMISE = "anonymise", _("Anonymised a resident")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
    )
    at = models.DateTimeField(_("when"), default=clock.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="data_accesses",
        verbose_name=_("resident"),
    )
    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="data_accesses",
        verbose_name=_("complaint"),
    )
    description = models.CharField(_("exported file"), max_length=200, blank=True)
    details = models.JSONField(
        _("details"),
        default=dict,
        blank=True,
        help_text=_("What was exported: the filters, the report and month, the complaints."),
    )
    row_count = models.PositiveIntegerField(_("number of rows"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    properties = models.ManyToManyField(
        Property, related_name="data_accesses", blank=True, verbose_name=_("properties")
    )

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {timezone.localtime(self.at):%Y-%m-%d %H:%M}"
