"""Notifications: built as rows (unique per recipient and event), delivered by a job.

The in-app row is the record; e-mail goes through Django's mail backend and SMS or
WeChat through the backend named by PROPERTYDESK_SMS_BACKEND (default: the log).
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import CharField, Expression, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from complaints import clock
from complaints.models import Complaint, Deadline, Notification

logger = logging.getLogger(__name__)

TEXTS = {
    Notification.Kind.EMERGENCY: _("Suspected emergency %(reference)s: %(summary)s"),
    Notification.Kind.LEVEL_ONE: _("Level I complaint %(reference)s classified: %(summary)s"),
    Notification.Kind.SLA_WARNING: _(
        "%(reference)s: %(deadline)s is due at %(due)s (80 %% of the time used)."
    ),
    Notification.Kind.SLA_BREACH: _("%(reference)s: %(deadline)s deadline passed at %(due)s."),
    Notification.Kind.SLA_ESCALATION: _(
        "%(reference)s: %(deadline)s overdue since %(due)s and still open."
    ),
    Notification.Kind.UNACCEPTED: _(
        "%(reference)s has not been accepted within %(minutes)s minutes."
    ),
    Notification.Kind.INACTIVE_OWNER: _(
        "%(reference)s is owned by %(owner)s, whose account is inactive."
    ),
    Notification.Kind.HOLD_RESUMED: _(
        "%(reference)s: the hold ended; the resolve clock runs again."
    ),
    Notification.Kind.HANDLED: _(
        "Your complaint %(reference)s has been handled. Please confirm the fix."
    ),
    Notification.Kind.SURVEY: _("How did we do on %(reference)s? Please rate our service."),
    Notification.Kind.REVISIT_DUE: _("%(reference)s is due for a revisit call."),
    Notification.Kind.REOPENED: _("%(reference)s was reopened: %(summary)s"),
    Notification.Kind.MESSAGE: _("A message about your complaint %(reference)s: %(excerpt)s"),
    Notification.Kind.CORRECTIVE_ACTION: _(
        "%(reference)s failed its quality inspection: answer the corrective action by %(due)s."
    ),
}
# A kind's other wording, chosen when the notification is written (params["variant"]).
NOBODY_ON_DUTY = "nobody_on_duty"
VARIANT_TEXTS = {
    (Notification.Kind.EMERGENCY, NOBODY_ON_DUTY): _(
        "Suspected emergency %(reference)s: %(summary)s. Nobody is on the duty roster "
        "now: make sure someone answers it."
    ),
}
URGENT_KINDS = frozenset(
    {
        Notification.Kind.EMERGENCY,
        Notification.Kind.LEVEL_ONE,
        Notification.Kind.SLA_BREACH,
        Notification.Kind.SLA_ESCALATION,
    }
)


class LogMessageBackend:
    """SMS/WeChat backend that only writes to the log; replace it with a provider's."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def message_backend():
    path = getattr(
        settings, "PROPERTYDESK_SMS_BACKEND", "complaints.notifications.LogMessageBackend"
    )
    return import_string(path)()


def notification_text(notification: Notification) -> str:
    template = VARIANT_TEXTS.get(
        (notification.kind, notification.params.get("variant"))
    ) or TEXTS.get(notification.kind)
    if template is None:
        return notification.kind
    params = dict(notification.params)
    if "deadline" in params:
        params["deadline"] = Deadline(params["deadline"]).label
    try:
        return str(template) % params
    except (KeyError, ValueError, TypeError):
        return str(template)


EVENT_KEY_SEPARATOR = ":"


def _event_key_pieces(kind: str, parts: tuple) -> list:
    """kind, separator, part, separator, part...: the one layout of an event key, shared by
    the Python and the SQL spelling so the sweep's "already told?" test matches the rows."""
    pieces = [kind]
    for part in parts:
        pieces += [EVENT_KEY_SEPARATOR, part]
    return pieces


def event_key(kind: str, *parts: object) -> str:
    """The key that makes a notification unique per recipient: "<kind>:<part>:<part>...",
    e.g. event_key("handled", complaint.pk, complaint.reopen_count) -> "handled:42:0"."""
    return "".join(format(piece) for piece in _event_key_pieces(kind, parts))


def event_key_expression(kind: str, *parts: Expression | str) -> Concat:
    """`event_key` computed by the database: expression parts (e.g. OuterRef("pk")) are cast
    to text, string parts are taken as they are."""
    return Concat(
        *(
            Value(piece) if isinstance(piece, str) else Cast(piece, CharField())
            for piece in _event_key_pieces(kind, parts)
        )
    )


def already_notified(kind: str, suffix_field: str):
    """Notifications of `kind` whose event key is "<kind>:<complaint id>:<suffix_field>" for
    the outer complaint: a scan skips what it has already reported."""
    return Notification.objects.filter(
        complaint=OuterRef("pk"),
        kind=kind,
        event_key=event_key_expression(kind, OuterRef("pk"), OuterRef(suffix_field)),
    )


def notification_build(
    *,
    recipient_id: int,
    kind: str,
    event_key: str,
    now: datetime,
    complaint: Complaint | None = None,
    params: dict | None = None,
) -> Notification:
    merged = {}
    if complaint is not None:
        merged = {"reference": complaint.reference, "summary": complaint.description[:60]}
    merged.update(params or {})
    return Notification(
        recipient_id=recipient_id,
        kind=kind,
        event_key=event_key[:120],
        complaint=complaint,
        params=merged,
        created_at=now,
    )


def notifications_save(notifications: Iterable[Notification]) -> None:
    """Insert, skipping events a recipient was already notified of (in one query)."""
    unique = {(item.recipient_id, item.event_key): item for item in notifications}
    if unique:
        Notification.objects.bulk_create(unique.values(), ignore_conflicts=True)


# How long a delivery job holds the notifications it took before another may take them:
# longer than a batch takes to send, short enough that a crashed job's rest go out soon.
CLAIM_FOR = timedelta(minutes=5)


def notifications_deliver(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send undelivered notifications by e-mail (and SMS for urgent ones); each once.

    The batch is claimed in a short transaction (its rows locked, skipping rows another
    worker holds, and leased for CLAIM_FOR), then sent outside any transaction, so a
    slow mail relay never holds the database (on SQLite its one write lock), and each
    notification is marked delivered as soon as it is sent: a job killed mid-batch
    leaves at most the one message in flight to be sent again, the rest of its batch
    to the next job once the lease ends. A failed one is released for the next run.
    """
    now = now or clock.now()
    backend = message_backend()
    with transaction.atomic():
        claimable = Notification.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), delivered_at__isnull=True
        ).order_by("created_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            claimable = claimable.select_for_update(skip_locked=True, of=("self",))
        claimed = list(claimable.values_list("pk", flat=True)[:limit])
        Notification.objects.filter(pk__in=claimed).update(claimed_until=now + CLAIM_FOR)
    batch = (
        Notification.objects.filter(pk__in=claimed)
        .select_related("recipient", "recipient__resident", "recipient__staff_profile")
        .order_by("created_at", "pk")
    )
    delivered = 0
    for item in batch:
        try:
            _deliver_one(item, backend)
        except Exception:
            logger.exception("Could not deliver notification %s", item.pk)
            Notification.objects.filter(pk=item.pk).update(claimed_until=None)
        else:
            Notification.objects.filter(pk=item.pk).update(delivered_at=now, claimed_until=None)
            delivered += 1
    return delivered


def _recipient_phone(user) -> str:
    for relation in ("staff_profile", "resident"):
        try:
            phone = getattr(user, relation).phone
        except ObjectDoesNotExist:
            continue
        if phone:
            return phone
    return ""


def _deliver_one(item: Notification, backend) -> None:
    """E-mail first: if it fails the notification stays undelivered and is retried. A failed
    SMS after a sent e-mail is only logged, so a retry never sends the e-mail twice."""
    with translation.override(settings.LANGUAGE_CODE):
        text = notification_text(item)
    if item.recipient.email:
        send_mail(
            subject=f"[PropertyDesk] {text[:80]}",
            message=text,
            from_email=None,
            recipient_list=[item.recipient.email],
            fail_silently=False,
        )
    if item.kind in URGENT_KINDS:
        phone = _recipient_phone(item.recipient)
        if phone:
            try:
                backend.send(phone=phone, text=text)
            except Exception:
                logger.exception("Could not send notification %s by SMS", item.pk)


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
