"""Sensors that file pre-complaints (预投诉) through the API, and what each fault they
reported left on its complaint.

A device authenticates with a token that is shown once when issued and stored only as a
SHA-256 hash, beside a short prefix to find the row by. Tokens are 256 random bits, so a
fast hash is enough: there is no dictionary to try against it.
"""

import builtins

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buildings.models import Building, Property
from complaints import clock
from complaints.models.category import Category
from complaints.models.complaint import Complaint
from complaints.models.vocabulary import CLOSED_STATES, DISCARDED_STATES, Level
from complaints.tokens import PREFIX_LENGTH, token_digest, token_owner


class DeviceQuerySet(QuerySet):
    def for_token(self, token: str) -> "Device | None":
        """The active device this token belongs to, or None (unknown, revoked, inactive).
        The prefix finds the row; the hashes are compared in constant time."""
        return token_owner(self.filter(is_active=True), token)


class Device(models.Model):
    """A sensor in a property whose fault reports become complaints of its category."""

    class Kind(models.TextChoices):
        WATER_LEAK = "water_leak", _("Water leak sensor")
        SMOKE = "smoke", _("Smoke detector")
        GAS = "gas", _("Gas leak detector")
        LIFT = "lift", _("Lift fault monitor")
        PUMP = "pump", _("Water pump")
        WATER_TANK = "water_tank", _("Water tank level")
        POWER = "power", _("Power supply monitor")
        FIRE_PANEL = "fire_panel", _("Fire alarm panel")
        OTHER = "other", _("Other sensor")

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="devices", verbose_name=_("property")
    )
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("building"),
    )
    location_text = models.CharField(
        _("location"),
        max_length=200,
        help_text=_('Where the sensor is, e.g. "B2 pump room" or "Elevator 3".'),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="devices",
        verbose_name=_("category"),
        help_text=_("The category of the complaints its alerts open."),
    )
    level = models.PositiveSmallIntegerField(
        _("level"),
        choices=Level.choices,
        default=Level.II,
        help_text=_("Level I makes its alerts suspected emergencies, as a level I category does."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive device's alerts are refused.")
    )
    token_prefix = models.CharField(
        _("token prefix"), max_length=PREFIX_LENGTH, blank=True, editable=False
    )
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    token_issued_at = models.DateTimeField(_("token issued at"), null=True, editable=False)
    token_revoked_at = models.DateTimeField(_("token revoked at"), null=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    objects = DeviceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        verbose_name = _("IoT device")
        verbose_name_plural = _("IoT devices")
        ordering = ["property__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["property", "name"], name="device_unique_name"),
            models.UniqueConstraint(
                fields=["token_prefix"],
                condition=~Q(token_prefix=""),
                name="device_unique_token_prefix",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.building_id is not None
            and self.property_id is not None
            and self.building.property_id != self.property_id
        ):
            raise ValidationError({"building": _("The building is not in the chosen property.")})
        if self.category_id is not None and not self.category.is_active:
            raise ValidationError({"category": _("This category is no longer in use.")})

    @builtins.property
    def has_token(self) -> bool:
        return bool(self.token_hash)

    def token_set(self, token: str, *, at) -> None:
        """Keep only the new token's prefix and hash (in memory); the previous token
        stops working when this is saved."""
        self.token_prefix = token[:PREFIX_LENGTH]
        self.token_hash = token_digest(token)
        self.token_issued_at = at
        self.token_revoked_at = None

    def token_revoke(self, *, at) -> None:
        self.token_prefix = ""
        self.token_hash = ""
        self.token_revoked_at = at


class DeviceAlertQuerySet(QuerySet):
    def open(self) -> QuerySet:
        """Alerts whose complaint is still being dealt with (not closed, withdrawn or
        merged): a repeat of their fault is added to them instead of filing anew."""
        return self.exclude(complaint__state__in=[*CLOSED_STATES, *DISCARDED_STATES])


class DeviceAlert(models.Model):
    """One fault of one device and the complaint it opened: a counted entry, so a storm
    of repeats is one row whose count and times grow, not a row per report."""

    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("device")
    )
    complaint = models.OneToOneField(
        Complaint,
        on_delete=models.PROTECT,
        related_name="device_alert",
        verbose_name=_("complaint"),
    )
    fault_code = models.CharField(_("fault code"), max_length=64)
    message = models.CharField(_("first message"), max_length=500, blank=True)
    last_message = models.CharField(_("latest message"), max_length=500, blank=True)
    alert_count = models.PositiveIntegerField(
        _("alerts received"), default=1, help_text=_("The first alert and its repeats.")
    )
    first_alert_at = models.DateTimeField(_("first alert at"), default=clock.now)
    last_alert_at = models.DateTimeField(_("latest alert at"), default=clock.now)
    last_reported_at = models.DateTimeField(
        _("device time of the latest report"),
        null=True,
        blank=True,
        help_text=_("The moment the device itself gave, which its clock may get wrong."),
    )
    cleared_at = models.DateTimeField(
        _("cleared at"),
        null=True,
        blank=True,
        help_text=_(
            "When the device reported the fault gone (empty again if it came back); a person "
            "still confirms."
        ),
    )

    objects = DeviceAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("device alert")
        verbose_name_plural = _("device alerts")
        ordering = ["first_alert_at"]
        indexes = [models.Index(fields=["device", "fault_code"], name="devicealert_fault")]
        constraints = [
            models.CheckConstraint(
                condition=Q(alert_count__gte=1), name="devicealert_counts_the_first"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device} · {self.fault_code}"
