"""Notifications written inside a service, and their delivery once the transaction commits."""

import weakref
from collections.abc import Iterable
from contextvars import ContextVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from complaints import clock
from complaints.models import Complaint, Notification
from complaints.notifications import event_key, notification_build, notifications_save
from staff.selectors import project_manager_ids_by_property, service_leader_id_by_property


def notify(
    complaint: Complaint,
    recipient_ids: Iterable[int],
    *,
    kind: str,
    event_key: str,
    params: dict | None = None,
) -> None:
    now = clock.now()
    notifications_save(
        notification_build(
            recipient_id=user_id,
            kind=kind,
            event_key=event_key,
            now=now,
            complaint=complaint,
            params=params,
        )
        for user_id in recipient_ids
    )
    deliver_after_commit()


# One delivery task per transaction, however many notifications it saves. The callback
# registered with transaction.on_commit is a fresh function held only by Django's commit
# queue; this (per thread / async context) weak reference shows whether it is still
# queued without reading the connection's private run_on_commit list. When the
# transaction commits, or rolls back (or its savepoint does), Django drops the callback
# and the reference dies, so the next notification queues a new one. Chosen over
# "on_commit every time" because the delivery job is not free (and on SQLite two
# concurrent runs could send the same row twice), and over a plain flag because a flag
# cannot be reset on rollback through public API. Should a reference outlive its
# callback (no reference counting), delivery waits for the every-minute schedule.
_queued_delivery: ContextVar[weakref.ref | None] = ContextVar("_queued_delivery", default=None)


def deliver_after_commit() -> None:
    queued = _queued_delivery.get()
    if queued is not None and queued() is not None:
        return

    def deliver() -> None:
        deliver_soon()

    _queued_delivery.set(weakref.ref(deliver))
    transaction.on_commit(deliver)


def project_manager_ids(complaint: Complaint) -> list[int]:
    return project_manager_ids_by_property([complaint.property_id])[complaint.property_id]


def notify_managers(complaint: Complaint, *, kind: str, event_key: str, leader: bool) -> None:
    """Tell the property's project managers (and the customer-service leader) at once."""
    recipients = set(project_manager_ids(complaint))
    if leader:
        leader_id = service_leader_id_by_property([complaint.property_id]).get(
            complaint.property_id
        )
        if leader_id:
            recipients.add(leader_id)
    notify(complaint, recipients, kind=kind, event_key=event_key)


def deliver_soon() -> None:
    from django_q.tasks import async_task

    async_task("complaints.tasks.notifications_deliver_task", q_options={"group": "notify"})


def alert_level_one(complaint: Complaint) -> None:
    """Level I alerts the project managers at once (SPEC §3), once per cycle."""
    notify_managers(
        complaint,
        kind="level_one",
        event_key=event_key("level_one", complaint.pk, complaint.reopen_count),
        leader=False,
    )


def notification_mark_read(*, user: AbstractBaseUser, notification_ids: Iterable[int]) -> int:
    return Notification.objects.filter(
        recipient=user, pk__in=list(notification_ids), read_at__isnull=True
    ).update(read_at=clock.now())
