from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def mask_phone(phone: str) -> str:
    """138****1234: enough to recognise a number, not to call it."""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


class Property(models.Model):
    """A managed estate (项目/小区)."""

    class Kind(models.TextChoices):
        OLD_COMMUNITY = "old_community", _("Old community")
        RESIDENTIAL = "residential", _("Residential")
        HIGH_END = "high_end", _("High-end residential")
        VILLA = "villa", _("Villa")
        COMMERCIAL = "commercial", _("Commercial complex")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    city = models.CharField(_("city"), max_length=50)
    address = models.CharField(_("address"), max_length=200, blank=True)
    duty_phone = models.CharField(
        _("24-hour duty phone"),
        max_length=30,
        blank=True,
        help_text=_("Shown to residents on the complaint form for emergencies."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("property")
        verbose_name_plural = _("properties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("property")
    )
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["property__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["property", "name"], name="building_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.property.name} {self.name}"


class Unit(models.Model):
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("building")
    )
    entrance = models.CharField(_("entrance"), max_length=20, blank=True)
    floor = models.SmallIntegerField(_("floor"))
    number = models.CharField(_("number"), max_length=20)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building__name", "entrance", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "entrance", "number"], name="unit_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return self.name_in(self.building)

    def name_in(self, building: Building) -> str:
        """The unit's name after its building's, given that building: a list of
        complaints has it already, and reaching it through the unit joins it again."""
        entrance = f"{self.entrance}-" if self.entrance else ""
        return f"{building} {entrance}{self.number}"


class Resident(models.Model):
    """A person living in or owning units; logs into the resident portal."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="resident",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    units = models.ManyToManyField(
        Unit, through="Residency", related_name="residents", verbose_name=_("units")
    )
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        help_text=_("When the departed resident's name, phone and account were erased."),
    )

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["name"]
        permissions = [
            ("anonymise_resident", _("Can anonymise a departed resident")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({mask_phone(self.phone)})" if self.phone else self.name


class Residency(models.Model):
    class Relation(models.TextChoices):
        OWNER = "owner", _("Owner")
        TENANT = "tenant", _("Tenant")
        FAMILY = "family", _("Family member")

    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="residencies", verbose_name=_("resident")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="residencies", verbose_name=_("unit")
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)

    class Meta:
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        constraints = [
            models.UniqueConstraint(fields=["resident", "unit"], name="residency_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.resident.name} — {self.unit} ({self.get_relation_display()})"
