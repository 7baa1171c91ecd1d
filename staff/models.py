from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buildings.models import Property


class Role(models.TextChoices):
    """Staff roles; each is a Django group of the same name (created by a data migration)."""

    AGENT = "agent", _("Customer-service agent")
    HANDLER = "handler", _("Handler")
    TEAM_LEADER = "team_leader", _("Team leader")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    SUPERVISOR = "supervisor", _("Quality supervisor")


class Team(models.Model):
    """A department of one property."""

    class Kind(models.TextChoices):
        ENGINEERING = "engineering", _("Engineering & maintenance")
        ENVIRONMENT = "environment", _("Environment, cleaning & greening")
        SECURITY = "security", _("Security & order")
        CUSTOMER_SERVICE = "customer_service", _("Customer service")
        MANAGEMENT = "management", _("Project management office")

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="teams", verbose_name=_("property")
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
        verbose_name=_("leader"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["property__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["property", "name"], name="team_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.property.name} · {self.name}"


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    properties = models.ManyToManyField(
        Property,
        related_name="staff_profiles",
        blank=True,
        verbose_name=_("properties in scope"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    history = HistoricalRecords(m2m_fields=[properties])

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ["user__username"]
        permissions = [("grant_access", _("Can grant roles and properties"))]

    def __str__(self) -> str:
        from staff.selectors import user_display_name

        return f"{user_display_name(self.user)} ({self.get_role_display()})"


class DutyQuerySet(models.QuerySet):
    def on_duty(self, *, property_id: int, at: datetime) -> "DutyQuerySet":
        """The shifts of a property running at `at` (from inclusive, until exclusive)
        whose person is active and still staff of that property."""
        return self.filter(
            property_id=property_id,
            starts_at__lte=at,
            ends_at__gt=at,
            user__is_active=True,
            user__staff_profile__properties=property_id,
        )


class Duty(models.Model):
    """A shift of the duty roster (值班表): who answers a property's emergencies from when
    until when (SPEC §3: a suspected emergency alerts the on-duty people). Its project
    managers keep the roster, and so does the leader of its customer-service team."""

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="duties", verbose_name=_("property")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="duties",
        verbose_name=_("staff member"),
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))

    history = HistoricalRecords()
    objects = DutyQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="duty_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["property", "ends_at"], name="duty_property_ends_idx")]

    def __str__(self) -> str:
        from staff.selectors import user_display_name

        return f"{self.property.name} · {user_display_name(self.user)}"
