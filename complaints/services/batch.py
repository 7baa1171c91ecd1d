"""Batch writes of the jobs: many locked complaints at once, with what the single-row
services record for each — history rows (django-simple-history's bulk_history_create)
and notifications. Apart from anonymisation blanking copied contact details
(complaints.privacy.services), `queryset.update()` on complaints appears only here."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Model
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from complaints import sla
from complaints.models import Complaint, Hold, Notification, Transition
from complaints.notifications import event_key, notification_build, notifications_save


def bulk_update_by_pk(objs: list[Model], fields: list[str]) -> None:
    """`bulk_update` without its per-row `When(pk=...)`: Django resolves each of those as a
    full filter, which cost the sweep more than everything else together. One simple
    CASE on the primary key per field instead, each value prepared by its field."""
    if not objs:
        return
    meta = objs[0]._meta
    model_fields = [meta.get_field(name) for name in fields]
    pk_column = connection.ops.quote_name(meta.pk.column)
    max_params = connection.features.max_query_params
    batch = max(1, (max_params - 1) // (2 * len(model_fields) + 1)) if max_params else len(objs)
    for start in range(0, len(objs), batch):
        rows = objs[start : start + batch]
        values = {}
        for field in model_fields:
            params: list = []
            for obj in rows:
                params += [obj.pk, field.get_db_prep_save(getattr(obj, field.attname), connection)]
            case = RawSQL(
                f"CASE {pk_column}{' WHEN %s THEN %s' * len(rows)} END", params, output_field=field
            )
            if connection.features.requires_casted_case_in_updates:
                case = Cast(case, output_field=field)
            values[field.attname] = case
        meta.model._base_manager.filter(pk__in=[obj.pk for obj in rows]).update(**values)


def hold_resumed_notifications(
    complaint: Complaint, hold: Hold, *, actor: AbstractBaseUser, now: datetime
) -> list[Notification]:
    """What the end of a hold sends, whoever ends it: the owner hears that the resolve
    clock runs again (unless they ended it themselves)."""
    if not complaint.owner_id or complaint.owner_id == actor.pk:
        return []
    return [
        notification_build(
            recipient_id=complaint.owner_id,
            kind="hold_resumed",
            event_key=event_key("hold_resumed", hold.pk),
            now=now,
            complaint=complaint,
        )
    ]


def holds_resume_due(
    complaints: list[Complaint], *, actor: AbstractBaseUser, now: datetime
) -> list[Complaint]:
    """End the holds of these locked complaints whose expected resume time has come, as
    `complaint_resume` does one at a time: the hold row ended at that time, the resolve
    deadline moved by the time held, a "resume" history row by `actor`, the owner told.
    Returns the resumed complaints."""
    resumed = [c for c in complaints if c.held_until is not None and c.held_until <= now]
    if not resumed:
        return []
    holds = {
        hold.complaint_id: hold
        for hold in Hold.objects.filter(complaint__in=resumed, ended_at__isnull=True)
        .select_for_update()
        .order_by("pk")
    }
    notifications: list[Notification] = []
    for complaint in resumed:
        end = complaint.held_until
        sla.resume_hold(complaint, at=end)
        complaint._history_date = end
        hold = holds.get(complaint.pk)
        if hold is not None:
            hold.ended_at, hold.ended_by = end, actor
            notifications += hold_resumed_notifications(complaint, hold, actor=actor, now=now)
    bulk_update_by_pk(list(holds.values()), ["ended_at", "ended_by"])
    bulk_update_by_pk(resumed, ["resolve_due", "held_since", "held_until", "held_total"])
    Complaint.history.bulk_history_create(
        resumed,
        update=True,
        default_user=actor,
        custom_historical_attrs={"transition": Transition.RESUME},
    )
    for complaint in resumed:
        del complaint._history_date
    notifications_save(notifications)
    return resumed


def complaints_schedule_save(complaints: list[Complaint]) -> None:
    """Store when the sweep next looks at each complaint and its next deadline; neither
    is kept in the history (both are derived from the deadlines)."""
    bulk_update_by_pk(complaints, ["sla_next_at", "next_due_at"])
