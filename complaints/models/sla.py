"""What the SLA is made of: HQ policies and property overrides, the working-day calendar,
holds and breaches."""

import builtins
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buildings.models import Property
from complaints.models.complaint import Complaint
from complaints.models.vocabulary import Level
from staff.models import Team


class SlaPolicy(models.Model):
    """HQ's response windows for one level (SPEC §3); properties may only tighten them."""

    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, unique=True)
    first_response = models.DurationField(
        _("first response within"), help_text=_("From submission until dispatched.")
    )
    on_site = models.DurationField(_("on site within"), null=True, blank=True)
    resolve = models.DurationField(_("resolved within"), null=True, blank=True)
    resolve_working_days = models.PositiveSmallIntegerField(
        _("written reply within (working days)"), null=True, blank=True
    )
    max_hold = models.DurationField(
        _("longest total hold"),
        default=timedelta,
        help_text=_("0 means complaints of this level cannot be put on hold."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["level"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolve__isnull=True) ^ Q(resolve_working_days__isnull=True),
                name="slapolicy_one_resolve_window",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_level_display())


class PropertySlaOverride(models.Model):
    """A property's tighter windows for one level; empty fields keep HQ's."""

    property = models.ForeignKey(
        Property, on_delete=models.CASCADE, related_name="sla_overrides", verbose_name=_("property")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    first_response = models.DurationField(_("first response within"), null=True, blank=True)
    on_site = models.DurationField(_("on site within"), null=True, blank=True)
    resolve = models.DurationField(_("resolved within"), null=True, blank=True)
    resolve_working_days = models.PositiveSmallIntegerField(
        _("written reply within (working days)"), null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("property SLA override")
        verbose_name_plural = _("property SLA overrides")
        constraints = [
            models.UniqueConstraint(fields=["property", "level"], name="slaoverride_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.property} · {self.get_level_display()}"

    def clean(self) -> None:
        policy = SlaPolicy.objects.filter(level=self.level).first()
        if policy is None:
            return
        errors = {}
        for field in ("first_response", "on_site", "resolve", "resolve_working_days"):
            value, default = getattr(self, field), getattr(policy, field)
            if value is None:
                continue
            if default is None:
                errors[field] = _("HQ's policy for this level has no such window.")
            elif value > default:
                errors[field] = _(
                    "A property may only tighten HQ's window (at most %(default)s)."
                ) % {"default": default}
        if errors:
            raise ValidationError(errors)


class WorkdayOverride(models.Model):
    """A date that breaks the Monday–Friday rule: a statutory holiday on a weekday, or a
    make-up workday (调休) on a weekend. Seeded from chinese-calendar; edit for new years."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("is a working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("holiday or make-up workday")
        verbose_name_plural = _("PRC working-day calendar")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Hold(models.Model):
    """A period when the resolve clock stops, waiting for something outside our control."""

    class Reason(models.TextChoices):
        ACCESS = "access", _("Waiting for the resident to give access")
        PARTS = "parts", _("Waiting for parts")
        THIRD_PARTY = "third_party", _("Waiting for a third party (developer, utility …)")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="holds", verbose_name=_("complaint")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started at"))
    expected_resume_at = models.DateTimeField(_("expected resume at"), db_index=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("started by"),
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(ended_at__isnull=True),
                name="hold_one_open_per_complaint",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.reference} {self.get_reason_display()}"

    @builtins.property
    def duration(self) -> timedelta | None:
        return self.ended_at - self.started_at if self.ended_at else None


class Deadline(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    ON_SITE = "on_site", _("On site")
    RESOLVE = "resolve", _("Resolved / replied")


class Breach(models.Model):
    """A deadline that passed unmet; recorded once per deadline and SLA cycle."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="breaches", verbose_name=_("complaint")
    )
    deadline = models.CharField(_("deadline"), max_length=20, choices=Deadline.choices)
    cycle = models.PositiveSmallIntegerField(
        _("cycle"), help_text=_("0 for the first handling, n after the n-th reopening.")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    due_at = models.DateTimeField(_("due at"))
    detected_at = models.DateTimeField(_("detected at"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("owner then"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("team then")
    )
    escalate_at = models.DateTimeField(
        _("escalate to the project manager at"),
        null=True,
        blank=True,
        help_text=_("One window after the deadline."),
    )
    escalated_to_manager_at = models.DateTimeField(
        _("escalated to the project manager at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("SLA breach")
        verbose_name_plural = _("SLA breaches")
        ordering = ["-due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "deadline", "cycle"], name="breach_once_per_cycle"
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], name="breach_due_at"),
            # The sweep's project-manager pass reads only the breaches still to escalate.
            models.Index(
                fields=["escalate_at"],
                condition=Q(escalated_to_manager_at__isnull=True),
                name="breach_to_escalate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.reference} {self.get_deadline_display()} {self.due_at:%Y-%m-%d}"
