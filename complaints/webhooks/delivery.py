"""Sending a delivery, its retries, and the job that keeps deliveries going when tasks
are lost.

A delivery is attempted at once after the change commits; a non-2xx answer (redirects
included: the body is not sent on) or a network error is tried again 1 min, 5 min,
30 min, 2 h and 6 h after the previous attempt, and after the sixth attempt the
delivery is marked failed. Every attempt is a `WebhookAttempt` row.

Each queued task carries a token, the delivery's `queued_until` when it was queued: a
task whose token no longer matches (it was queued again after its lease, or retried by
hand) does nothing, so two tasks never send one attempt twice. The every-minute job
`deliveries_queue_due` queues the pending deliveries that are due and have no live task.
"""

import logging
import time
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from complaints import clock
from complaints.models import WebhookAttempt, WebhookDelivery
from complaints.webhooks.events import QUEUE_LEASE, deliveries_enqueue
from complaints.webhooks.formats import answer_error, body_build
from complaints.webhooks.signing import signature_sign

logger = logging.getLogger(__name__)

RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Seconds to connect and to wait for the answer.
DEFAULT_TIMEOUT = (5, 10)
# An attempt in progress holds the delivery this long; a worker that died while sending
# leaves it to the job afterwards.
SEND_LEASE = timedelta(minutes=2)
ERROR_LENGTH = 300
Status = WebhookDelivery.Status


def delivery_attempt(delivery_id: str, token: datetime, *, now: datetime | None = None) -> str:
    """The task: one attempt of a pending delivery, if `token` is still its queue token.
    Returns the delivery's status afterwards, or "skipped"."""
    now = now or clock.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=Status.PENDING, queued_until=token
    ).update(queued_until=now + SEND_LEASE)
    if not claimed:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    webhook = delivery.webhook
    if not webhook.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=Status.FAILED,
            next_attempt_at=None,
            queued_until=None,
            last_error="The webhook was deactivated.",
        )
        return Status.FAILED
    body = body_build(webhook.format, delivery.payload)
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "PropertyDesk-Webhooks/1",
        "X-PropertyDesk-Event": delivery.event,
        "X-PropertyDesk-Delivery": str(delivery.pk),
        "X-PropertyDesk-Timestamp": timestamp,
        "X-PropertyDesk-Signature": signature_sign(webhook.secret, timestamp, body),
    }
    started = time.monotonic()
    status_code, error = None, ""
    try:
        # stream=True: the answer's body is never read, however large a receiver makes it.
        with requests.post(
            webhook.url,
            data=body,
            headers=headers,
            timeout=getattr(settings, "PROPERTYDESK_WEBHOOK_TIMEOUT", DEFAULT_TIMEOUT),
            allow_redirects=False,
            stream=True,
        ) as response:
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code} {response.reason or ''}".strip()
            else:
                error = answer_error(webhook.format, response)
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"
    duration_ms = int((time.monotonic() - started) * 1000)
    return _attempt_record(
        delivery, now=now, status_code=status_code, error=error, duration_ms=duration_ms
    )


@transaction.atomic
def _attempt_record(
    delivery: WebhookDelivery, *, now: datetime, status_code: int | None, error: str, duration_ms
) -> str:
    number = delivery.attempts + 1
    error = error[:ERROR_LENGTH]
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=number,
        at=now,
        status_code=status_code,
        error=error,
        duration_ms=duration_ms,
    )
    fields = {
        "attempts": number,
        "last_status_code": status_code,
        "last_error": error,
        "queued_until": None,
    }
    if not error:
        fields.update(status=Status.DELIVERED, delivered_at=now, next_attempt_at=None)
    elif number >= MAX_ATTEMPTS:
        fields.update(status=Status.FAILED, next_attempt_at=None)
        logger.warning(
            "Webhook delivery %s failed after %s attempts: %s", delivery.pk, number, error
        )
    else:
        fields["next_attempt_at"] = now + RETRY_DELAYS[number - 1]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return fields.get("status", Status.PENDING)


def deliveries_queue_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """The every-minute job: queue each pending delivery whose next attempt is due and
    that has no live task (never queued, or its lease is over: the task was lost with a
    cluster, or its worker died while sending). Returns how many were queued."""
    now = now or clock.now()
    due = WebhookDelivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=now).filter(
        Q(queued_until__isnull=True) | Q(queued_until__lte=now)
    )
    token = now + QUEUE_LEASE
    with transaction.atomic():
        ids = list(_lock(due.order_by("next_attempt_at")).values_list("pk", flat=True)[:limit])
        WebhookDelivery.objects.filter(pk__in=ids).update(queued_until=token)
        queued = [(pk, token) for pk in ids]
        transaction.on_commit(lambda: deliveries_enqueue(queued), robust=True)
    return len(ids)


def deliveries_retry_now(deliveries: QuerySet[WebhookDelivery], *, now: datetime) -> int:
    """Attempt these deliveries again now, those not delivered yet: a failed one gets one
    more attempt, a pending one does not wait for its next. Queued once the caller's
    transaction commits; a task already queued for one of them then does nothing.
    Returns how many were queued."""
    token = now + QUEUE_LEASE
    ids = list(deliveries.exclude(status=Status.DELIVERED).values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).update(
        status=Status.PENDING, next_attempt_at=now, queued_until=token
    )
    queued = [(pk, token) for pk in ids]
    transaction.on_commit(lambda: deliveries_enqueue(queued), robust=True)
    return len(ids)


def _lock(queryset: QuerySet) -> QuerySet:
    """On PostgreSQL a second cluster's job skips the rows the first is queueing."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset
