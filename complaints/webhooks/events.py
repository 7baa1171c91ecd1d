"""From a saved change to the deliveries it owes: one row per active webhook of the
complaint's property that asks for the event, written in the transaction of the change
and queued once it commits. Nothing here may fail or hold up that transaction: a
webhook that cannot be recorded is logged and the change goes on."""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from buildings.models import mask_phone
from complaints.models import (
    TRANSITION_EVENTS,
    Breach,
    Complaint,
    Transition,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

# While set and ahead, a task for the delivery's next attempt is queued (and carries this
# moment as its token); once it has passed, the task is taken as lost and queued again.
QUEUE_LEASE = timedelta(minutes=5)


@dataclass
class Occurrence:
    """Something that happened to a complaint that webhooks may want."""

    complaint: Complaint
    event: str
    occurred_at: datetime
    event_key: str = ""
    details: dict = field(default_factory=dict)


def complaint_transition_announce(
    complaint: Complaint, *, transition: Transition, now: datetime
) -> None:
    """The deliveries of a lifecycle step just saved (`complaint_save`)."""
    event = TRANSITION_EVENTS.get(transition)
    if event is not None:
        occurrences_announce([Occurrence(complaint, event, now)])


def breaches_announce(breaches: Iterable[Breach]) -> None:
    """The deliveries of breaches just recorded, by the sweep or by a service that met a
    deadline late. A breach detected twice is announced once (its event key)."""
    occurrences_announce(
        Occurrence(
            breach.complaint,
            WebhookEvent.BREACHED,
            breach.detected_at,
            event_key=f"breach:{breach.complaint_id}:{breach.cycle}:{breach.deadline}",
            details={
                "breach": {
                    "deadline": breach.deadline,
                    "cycle": breach.cycle,
                    "due_at": iso(breach.due_at),
                }
            },
        )
        for breach in breaches
    )


def occurrences_announce(occurrences: Iterable[Occurrence]) -> None:
    occurrences = list(occurrences)
    if not occurrences:
        return
    hooks = hooks_by_property({o.complaint.property_id for o in occurrences})
    wanted = [
        (occurrence, hook)
        for occurrence in occurrences
        for hook in hooks.get(occurrence.complaint.property_id, ())
        if hook.wants(occurrence.event)
    ]
    if not wanted:
        return
    try:
        deliveries = _deliveries_build(wanted)
        with transaction.atomic():
            WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    except Exception:
        logger.exception("Could not record webhook deliveries; the change goes on without them")
        return
    # Ids are made here, so a delivery the conflict skipped is queued for nothing: its
    # task finds no row with that id and token and does nothing.
    queued = [(delivery.pk, delivery.queued_until) for delivery in deliveries]
    transaction.on_commit(lambda: deliveries_enqueue(queued), robust=True)


def hooks_by_property(property_ids: set[int]) -> dict[int, list[Webhook]]:
    """The active webhooks of each property, in one query."""
    links = Webhook.properties.through.objects.filter(
        property_id__in=property_ids, webhook__is_active=True
    ).select_related("webhook")
    result: dict[int, list[Webhook]] = defaultdict(list)
    for link in links:
        result[link.property_id].append(link.webhook)
    return result


def _deliveries_build(wanted: list[tuple[Occurrence, Webhook]]) -> list[WebhookDelivery]:
    # The complaints as saved, with the names the payload shows, in one query.
    complaints = Complaint.objects.select_related(
        "property", "building", "unit__building", "category"
    ).in_bulk({occurrence.complaint.pk for occurrence, _hook in wanted})
    deliveries = []
    for occurrence, hook in wanted:
        delivery = WebhookDelivery(
            webhook=hook,
            event=occurrence.event,
            event_key=occurrence.event_key,
            complaint_id=occurrence.complaint.pk,
            created_at=occurrence.occurred_at,
            next_attempt_at=occurrence.occurred_at,
            queued_until=occurrence.occurred_at + QUEUE_LEASE,
        )
        delivery.payload = {
            "id": str(delivery.pk),
            "event": occurrence.event,
            "occurred_at": iso(occurrence.occurred_at),
            "complaint": complaint_payload(complaints[occurrence.complaint.pk]),
            **occurrence.details,
        }
        deliveries.append(delivery)
    return deliveries


def complaint_payload(complaint: Complaint) -> dict:
    """What a receiver needs to act on an event and no more personal data (PIPL minimum
    necessary): no resident or staff names, no description, the contact phone masked."""
    building = complaint.building or (complaint.unit.building if complaint.unit else None)
    category = None
    if complaint.category is not None:
        with translation.override(settings.LANGUAGE_CODE):
            category = {"code": complaint.category.code, "name": complaint.category.name}
    return {
        "reference": complaint.reference,
        "state": complaint.state,
        "level": complaint.level,
        "suspected_emergency": complaint.suspected_emergency,
        "category": category,
        "channel": complaint.channel,
        "property": complaint.property.name,
        "building": building.name if building else None,
        "location": complaint.location_display,
        "contact_phone": mask_phone(complaint.contact_phone) if complaint.contact_phone else "",
    }


def iso(moment: datetime) -> str:
    """ISO 8601 with the site's offset, e.g. 2025-03-10T09:30:00+08:00."""
    return timezone.localtime(moment).isoformat()


def deliveries_enqueue(queued: list[tuple]) -> None:
    """Queue one task per delivery. A failure to queue (the broker is down) is logged:
    the row stays pending and the every-minute job queues it once its lease is over."""
    from django_q.tasks import async_task

    for delivery_id, token in queued:
        try:
            async_task(
                "complaints.webhooks.delivery_attempt",
                str(delivery_id),
                token,
                q_options={"group": "webhooks"},
            )
        except Exception:
            logger.exception("Could not queue webhook delivery %s", delivery_id)
