"""Notifications to residents and staff, each event sent once per recipient."""

import builtins

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.models.complaint import Complaint


class Notification(models.Model):
    """An in-app notice, also delivered by e-mail (and SMS for urgent kinds).

    `event_key` names the event; with the recipient it is unique, so an event is
    never notified twice, however many sweeps run.
    """

    class Kind(models.TextChoices):
        EMERGENCY = "emergency", _("Suspected emergency")
        LEVEL_ONE = "level_one", _("Level I complaint")
        SLA_WARNING = "sla_warning", _("Deadline near")
        SLA_BREACH = "sla_breach", _("Deadline passed")
        SLA_ESCALATION = "sla_escalation", _("Overdue, escalated")
        UNACCEPTED = "unaccepted", _("Not accepted in time")
        INACTIVE_OWNER = "inactive_owner", _("Owner inactive")
        HOLD_RESUMED = "hold_resumed", _("Hold ended")
        HANDLED = "handled", _("Handled, please confirm")
        SURVEY = "survey", _("Satisfaction survey")
        REVISIT_DUE = "revisit_due", _("Revisit due")
        REOPENED = "reopened", _("Reopened")
        MESSAGE = "message", _("Message from customer service")
        CORRECTIVE_ACTION = "corrective_action", _("Corrective action")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    event_key = models.CharField(_("event"), max_length=120)
    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("complaint"),
    )
    params = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    claimed_until = models.DateTimeField(
        _("being sent until"),
        null=True,
        blank=True,
        help_text=_("A delivery job took it to send; after this moment another may."),
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="notification_once_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(
                fields=["created_at"],
                condition=Q(delivered_at__isnull=True),
                name="notification_undelivered",
            ),
            models.Index(fields=["complaint", "kind"], name="notification_complaint_kind"),
        ]

    def __str__(self) -> str:
        return self.text

    @builtins.property
    def text(self) -> str:
        from complaints.notifications import notification_text

        return notification_text(self)
