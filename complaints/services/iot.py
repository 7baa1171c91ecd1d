"""Sensors (SPEC §3, "pre-complaint" 预投诉): registering a device and its token, and
turning its alerts into complaints filed by the system actor through `complaint_create`.

A device's alerts are taken one at a time under a lock on its row: the first alert of a
fault files a complaint, repeats while that complaint is open count on its alert entry,
and a "cleared" report is recorded there without closing anything (a person confirms).
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import clock
from complaints.exceptions import InvalidInput, NotAllowed
from complaints.models import Channel, Device, DeviceAlert
from complaints.reasons import SystemReason, system_reason
from complaints.services.intake import complaint_create
from complaints.tokens import token_new
from staff.selectors import property_ids_visible_to, system_user

logger = logging.getLogger(__name__)

# What the admin form edits; the token columns are written only by the token services.
DEVICE_FIELDS = [
    "property",
    "building",
    "location_text",
    "kind",
    "name",
    "category",
    "level",
    "is_active",
]
MESSAGE_LENGTH = DeviceAlert._meta.get_field("message").max_length
FAULT_CODE_LENGTH = DeviceAlert._meta.get_field("fault_code").max_length


class AlertOutcome(models.TextChoices):
    OPENED = "opened", gettext_lazy("A complaint was filed")
    REPEATED = "repeated", gettext_lazy("Counted on the open complaint")
    CLEARED = "cleared", gettext_lazy("Recorded as cleared on the open complaint")
    IGNORED = "ignored", gettext_lazy("No open complaint for this fault")


@dataclass(frozen=True)
class AlertReceived:
    outcome: AlertOutcome
    alert: DeviceAlert | None


def _refuse_outside_scope(actor: AbstractBaseUser, action: str, property_ids) -> None:
    if not actor.has_perm(f"complaints.{action}_device"):
        raise NotAllowed()
    if not set(property_ids) <= property_ids_visible_to(actor):
        raise NotAllowed(_("This property is outside your scope."))


def _validate(device: Device) -> None:
    """Device.clean() holds the rules (the admin form runs it too); here as domain errors."""
    try:
        device.clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(messages[0], field=field) from None


def _token_new(device: Device, *, now: datetime) -> str:
    token = token_new(Device.objects.all())
    device.token_set(token, at=now)
    return token


def _save(device: Device, *, actor: AbstractBaseUser, reason: str, **kwargs) -> None:
    device._history_user = actor
    device._change_reason = reason
    try:
        device.save(**kwargs)
    finally:
        del device._history_user, device._change_reason


def _locked(device_id: int, actor: AbstractBaseUser, action: str) -> Device:
    device = (
        Device.objects.select_for_update()
        .filter(property_id__in=property_ids_visible_to(actor))
        .filter(pk=device_id)
        .first()
    )
    if device is None:
        raise NotAllowed(_("This device is outside your scope."))
    _refuse_outside_scope(actor, action, [device.property_id])
    return device


@transaction.atomic
def device_create(*, actor: AbstractBaseUser, device: Device) -> str:
    """Register a new device (an unsaved instance, as the admin form built it) with a
    fresh token, and return the token: the only time it exists in clear. Project
    managers (`add_device`), for properties in their scope."""
    if device.pk is not None:
        raise InvalidInput(_("This device is registered already."))
    _refuse_outside_scope(actor, "add", [device.property_id])
    _validate(device)
    now = clock.now()
    device.created_at = now
    token = _token_new(device, now=now)
    _save(device, actor=actor, reason="")
    return token


@transaction.atomic
def device_change(*, actor: AbstractBaseUser, device: Device) -> Device:
    """Save what the admin form changed (place, category, level, name, active); the token
    stays as it is now, even if it was revoked or reissued while the form was open.
    `change_device`, with the device's old and new property in scope."""
    stored = _locked(device.pk, actor, "change")
    _refuse_outside_scope(actor, "change", [device.property_id])
    _validate(device)
    for name in ("token_prefix", "token_hash", "token_issued_at", "token_revoked_at"):
        setattr(device, name, getattr(stored, name))
    _save(device, actor=actor, reason="", update_fields=DEVICE_FIELDS)
    return device


@transaction.atomic
def device_token_issue(*, actor: AbstractBaseUser, device_id: int) -> str:
    """Give the device a new token (its old one stops working) and return it, in clear
    this once. `change_device`, within scope."""
    device = _locked(device_id, actor, "change")
    token = _token_new(device, now=clock.now())
    _save(device, actor=actor, reason=system_reason(SystemReason.TOKEN_ISSUED))
    return token


@transaction.atomic
def device_token_revoke(*, actor: AbstractBaseUser, device_id: int) -> Device:
    """The device's token stops working at once (its alerts get 401) until a new one is
    issued. `change_device`, within scope; a device without a token is refused."""
    device = _locked(device_id, actor, "change")
    if not device.has_token:
        raise InvalidInput(_("%(device)s has no token to revoke.") % {"device": device})
    device.token_revoke(at=clock.now())
    _save(device, actor=actor, reason=system_reason(SystemReason.TOKEN_REVOKED))
    return device


def _description(device: Device, fault_code: str, message: str) -> str:
    # Stored data, read by the property's staff: in the site's language, not the sensor's.
    with translation.override(settings.LANGUAGE_CODE):
        if message:
            return _("%(device)s reported fault %(code)s: %(message)s") % {
                "device": device.name,
                "code": fault_code,
                "message": message,
            }
        return _("%(device)s reported fault %(code)s.") % {
            "device": device.name,
            "code": fault_code,
        }


@transaction.atomic
def device_alert_receive(
    *,
    device_id: int,
    fault_code: str,
    message: str = "",
    cleared: bool = False,
    reported_at: datetime | None = None,
) -> AlertReceived:
    """Take one alert of an authenticated device (the IoT API calls it).

    The device row is locked first, so a device's alerts are taken one at a time: two
    identical first alerts at once file one complaint. The first alert of a fault files
    a complaint as the system actor through `complaint_create` (channel IoT, the
    device's category, place and location; its level as the suggested level, so level I
    makes a suspected emergency and alerts as filing does). A repeat while that
    complaint is open (not closed, withdrawn or merged) is counted on its alert entry (and
    undoes a "cleared"); after that a repeat files a new complaint. A cleared report is
    recorded on the open entry, and ignored when there is none. A device deactivated or
    revoked meanwhile is refused (NotAllowed).
    """
    # FOR NO KEY UPDATE: its alerts and edits wait for each other, its alert rows do not.
    device = Device.objects.select_for_update(no_key=True).filter(pk=device_id).first()
    if device is None or not device.is_active or not device.has_token:
        raise NotAllowed(_("This device is inactive or its token was revoked."))
    fault_code = fault_code.strip()
    if not fault_code:
        raise InvalidInput(_("Give the fault code."), field="fault_code")
    if len(fault_code) > FAULT_CODE_LENGTH:
        raise InvalidInput(
            _("The fault code is longer than %(count)d characters.") % {"count": FAULT_CODE_LENGTH},
            field="fault_code",
        )
    message = " ".join(message.split())[:MESSAGE_LENGTH]
    now = clock.now()
    alert = (
        DeviceAlert.objects.open()
        .filter(device=device, fault_code=fault_code)
        .select_related("complaint")
        .order_by("-first_alert_at", "-pk")
        .first()
    )
    if cleared:
        if alert is None:
            return AlertReceived(AlertOutcome.IGNORED, None)
        alert.cleared_at = now
        alert.last_reported_at = reported_at
        alert.save(update_fields=["cleared_at", "last_reported_at"])
        return AlertReceived(AlertOutcome.CLEARED, alert)
    if alert is not None:
        alert.alert_count += 1
        alert.last_alert_at = now
        alert.last_message = message
        alert.last_reported_at = reported_at
        alert.cleared_at = None
        alert.save(
            update_fields=[
                "alert_count",
                "last_alert_at",
                "last_message",
                "last_reported_at",
                "cleared_at",
            ]
        )
        return AlertReceived(AlertOutcome.REPEATED, alert)
    category = device.category
    if not category.is_active:
        # Losing a sensor's alert is worse than filing it unclassified.
        logger.warning("Device %s files without its category %s (inactive)", device.pk, category)
        category = None
    complaint = complaint_create(
        actor=system_user(),
        description=_description(device, fault_code, message),
        channel=Channel.IOT,
        category=category,
        suggested_level=device.level,
        property=device.property,
        building=device.building,
        location_text=device.location_text,
    )
    alert = DeviceAlert.objects.create(
        device=device,
        complaint=complaint,
        fault_code=fault_code,
        message=message,
        last_message=message,
        first_alert_at=now,
        last_alert_at=now,
        last_reported_at=reported_at,
    )
    return AlertReceived(AlertOutcome.OPENED, alert)
