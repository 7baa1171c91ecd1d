"""Outgoing webhooks: a property's registered receivers (the company's ERP, a WeCom or
DingTalk group bot) and the record of every delivery to them. How a delivery is signed,
sent and retried is in `complaints.webhooks`."""

import secrets
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buildings.models import Property
from complaints import clock
from complaints.models.complaint import Complaint
from complaints.models.vocabulary import Transition

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class WebhookEvent(models.TextChoices):
    """What a webhook can ask for: the lifecycle steps every change of which goes through
    `complaints.services.base.complaint_save`, and recorded breaches. Holds, their end
    and the survey are not offered: the sweep ends holds in a batch and a rating saves
    the complaint only when it falls below the threshold, so those events would be
    incomplete."""

    FILED = "filed", _("Filed")
    ACCEPTED = "accepted", _("Accepted")
    CLASSIFIED = "classified", _("Classified")
    LEVEL_CHANGED = "level_changed", _("Level changed")
    DISPATCHED = "dispatched", _("Dispatched")
    ON_SITE = "on_site", _("Arrived on site")
    HANDLED = "handled", _("Handled")
    CLOSED = "closed", _("Closed")
    REVISITED = "revisited", _("Revisited")
    REOPENED = "reopened", _("Reopened")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged")
    OWNER_TRANSFERRED = "owner_transferred", _("Ownership transferred")
    BREACHED = "breached", _("SLA deadline breached")


class WebhookFormat(models.TextChoices):
    """What the body looks like: PropertyDesk's own JSON for an ERP, or the message a
    group bot posts to its chat (the same signed headers either way)."""

    JSON = "json", _("PropertyDesk JSON")
    WECOM = "wecom", _("WeCom group bot")
    DINGTALK = "dingtalk", _("DingTalk group bot")


TRANSITION_EVENTS = {
    Transition.CREATE: WebhookEvent.FILED,
    Transition.ACCEPT: WebhookEvent.ACCEPTED,
    Transition.CLASSIFY: WebhookEvent.CLASSIFIED,
    Transition.SET_LEVEL: WebhookEvent.LEVEL_CHANGED,
    Transition.DISPATCH: WebhookEvent.DISPATCHED,
    Transition.ON_SITE: WebhookEvent.ON_SITE,
    Transition.HANDLE: WebhookEvent.HANDLED,
    Transition.CLOSE: WebhookEvent.CLOSED,
    Transition.REVISIT: WebhookEvent.REVISITED,
    Transition.REOPEN: WebhookEvent.REOPENED,
    Transition.WITHDRAW: WebhookEvent.WITHDRAWN,
    Transition.MERGE: WebhookEvent.MERGED,
    Transition.TRANSFER: WebhookEvent.OWNER_TRANSFERRED,
}


def webhook_secret_generate() -> str:
    return secrets.token_hex(32)


def webhook_url_validate(url: str) -> None:
    """HTTPS only; plain HTTP where nothing leaves the machine (127.0.0.1, localhost) or
    with DEBUG on. Read at call time, so tests and a DEBUG shell can use a local
    receiver."""
    URLValidator(schemes=["http", "https"])(url)
    parts = urlsplit(url)
    if parts.scheme == "https" or settings.DEBUG or (parts.hostname or "") in LOCAL_HOSTS:
        return
    raise ValidationError(
        _("The address must start with https:// (the payload and its signature travel in it)."),
        code="https_required",
    )


class Webhook(models.Model):
    """A receiver of complaint events for one or more properties. The secret signs every
    delivery (HMAC-SHA256), so it is kept as it is, never shown after it was made."""

    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. ERP, WeCom group bot"))
    properties = models.ManyToManyField(
        Property, related_name="webhooks", verbose_name=_("properties")
    )
    url = models.URLField(
        _("target URL"), max_length=500, validators=[webhook_url_validate], help_text=_("HTTPS.")
    )
    format = models.CharField(
        _("format"),
        max_length=20,
        choices=WebhookFormat.choices,
        default=WebhookFormat.JSON,
        help_text=_(
            "A group bot gets a short message without the contact phone; set its keyword "
            "security to “PropertyDesk”."
        ),
    )
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    secret = models.CharField(
        _("secret"), max_length=64, default=webhook_secret_generate, editable=False
    )
    secret_set_at = models.DateTimeField(_("secret set at"), default=clock.now, editable=False)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    history = HistoricalRecords(m2m_fields=[properties], excluded_fields=["secret"])

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return self.is_active and event in self.events


class WebhookDelivery(models.Model):
    """One event for one webhook: the record of what is to be sent and of each attempt.
    The row, not a queued task, is what makes it happen: the every-minute job queues each
    pending delivery whose next attempt is due and whose task is not queued (or was queued
    so long ago it is taken as lost), so a task lost with a cluster is redone.
    Its id travels as X-PropertyDesk-Delivery, for the receiver to drop repeats."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    event = models.CharField(_("event"), max_length=30, choices=WebhookEvent.choices)
    event_key = models.CharField(
        _("event key"),
        max_length=120,
        blank=True,
        help_text=_("Set for events that may be detected twice (breaches): sent once."),
    )
    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.CASCADE,
        related_name="webhook_deliveries",
        verbose_name=_("complaint"),
    )
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    queued_until = models.DateTimeField(
        _("queued until"),
        null=True,
        blank=True,
        help_text=_(
            "A task for the next attempt is queued or running until then; after it, the "
            "task is taken as lost and queued again."
        ),
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "event_key"],
                condition=~Q(event_key=""),
                name="webhook_delivery_once_per_event",
            ),
        ]
        indexes = [
            # The every-minute job reads only the pending deliveries.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} {self.payload.get('complaint', {}).get('reference')}"


class WebhookAttempt(models.Model):
    """One POST of a delivery and what came of it."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("delivery"),
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("webhook delivery attempt")
        verbose_name_plural = _("webhook delivery attempts")
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error}"
