"""Reads with a rule in them: which complaints a user may see."""

import operator
from datetime import datetime, timedelta
from functools import reduce

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, F, OrderBy, Prefetch, Q, QuerySet, TextChoices
from django.db.models.functions import Right
from django.utils.translation import gettext_lazy as _

from buildings.models import Building, Resident
from complaints.exceptions import ComplaintNotFound
from complaints.models import (
    ACCEPTED_OPEN_STATES,
    AWAITING_RESPONSE_STATES,
    Category,
    Complaint,
    State,
)
from complaints.models.urgency import (
    QUEUE_STATES,
    SUSPECTED_EMERGENCY_PENDING,
    complaint_urgency_ordering,
)
from staff.selectors import property_ids_visible_to


def complaint_list_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Complaint]:
    """The one visibility rule (SPEC §7), for every page, photo, export, report and API.

    Staff see their properties' complaints; without `view_property_complaints` (handlers,
    staff/roles.py) only their team's and those assigned to them. A resident sees the
    complaints they filed.
    """
    if not user.is_authenticated or not user.is_active:
        return Complaint.objects.none()
    conditions = []
    property_ids = property_ids_visible_to(user)
    if property_ids:
        staff = Q(property_id__in=property_ids)
        if not user.has_perm("complaints.view_property_complaints"):
            profile = getattr(user, "staff_profile", None)
            mine = Q(assignee_id=user.pk)
            if profile is not None and profile.team_id is not None:
                mine |= Q(team_id=profile.team_id)
            staff &= mine
        conditions.append(staff)
    resident_id = resident_id_of(user)
    if resident_id is not None:
        conditions.append(Q(resident_id=resident_id))
    if not conditions:
        return Complaint.objects.none()
    # Only the branches this user has: an OR with a branch that can match nothing (or a
    # join to the residents) kept the database from using any index for staff.
    return Complaint.objects.filter(reduce(operator.or_, conditions))


LIST_PREFETCH = (
    Prefetch("building", queryset=Building.objects.select_related("property")),
    Prefetch("category", queryset=Category.objects.select_related("parent")),
)
"""What a list row shows of the places and categories, a query each (the admin's list,
its CSV, the staff API): joined too, PostgreSQL spent longer planning the join order
than running the query."""


def resident_of(user: AbstractBaseUser | AnonymousUser) -> Resident | None:
    """The user's resident record, if they have one (read with the user by staff.auth,
    else once per user object)."""
    if not user.is_authenticated:
        return None
    try:
        return user.resident
    except ObjectDoesNotExist:
        return None


def resident_id_of(user: AbstractBaseUser) -> int | None:
    resident = resident_of(user)
    return resident.pk if resident is not None else None


PHONE_SUFFIX_DIGITS = 4


def complaint_phone_match(
    complaints: QuerySet[Complaint], term: str, user: AbstractBaseUser
) -> QuerySet[Complaint] | None:
    """The complaints whose contact phone a search term names, or None if it names no
    phone: its last four digits, which every masked number shows (138****9307), or a
    longer tail only for those who may see full numbers, since a match would confirm a
    number they may not see."""
    digits = "".join(term.split()).replace("-", "")
    if not digits.isdigit() or len(digits) < PHONE_SUFFIX_DIGITS:
        return None
    if len(digits) > PHONE_SUFFIX_DIGITS and not user.has_perm("complaints.view_contact_phone"):
        return None
    # Through the index on the last four digits (complaint_phone_tail), then the tail.
    return complaints.alias(phone_tail=Right("contact_phone", PHONE_SUFFIX_DIGITS)).filter(
        phone_tail=digits[-PHONE_SUFFIX_DIGITS:], contact_phone__endswith=digits
    )


def complaint_list_for_resident(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Complaint]:
    """The resident portal's list: only the complaints this resident filed."""
    resident_id = resident_id_of(user) if user.is_authenticated and user.is_active else None
    if resident_id is None:
        return Complaint.objects.none()
    return Complaint.objects.filter(resident_id=resident_id)


RESIDENT_SHOWN_JOINED = (
    "property",
    "building__property",
    "unit__building__property",
    "category",
    "resident",
)
RESIDENT_SHOWN_PREFETCH = ("merged_into",)
"""What the portal and the resident API show of one of the resident's complaints. The
complaint it was merged into comes in a query of its own, made only for merged ones:
joined, a second complaints table took PostgreSQL longer to plan than the whole read."""


def complaint_get_for_update(*, complaint_id: int, actor: AbstractBaseUser) -> Complaint:
    """Lock the complaint row for the rest of the transaction; raise if the actor cannot see it."""
    # No select_related: on PostgreSQL a SELECT ... FOR UPDATE that waited for another
    # transaction re-reads the locked complaint row but not the joined rows, so a cached
    # owner or team could be stale while owner_id and team_id are current.
    # FOR NO KEY UPDATE: rows that refer to the complaint (photos, breaches, repeat
    # members) can still be added meanwhile; only other writers of the row wait.
    queryset = complaint_list_visible_to(actor).select_for_update(of=("self",), no_key=True)
    try:
        return queryset.get(pk=complaint_id)
    except Complaint.DoesNotExist:
        raise ComplaintNotFound() from None


DUE_SOON = timedelta(hours=2)


def is_suspected_emergency_pending(complaint: Complaint) -> bool:
    """`SUSPECTED_EMERGENCY_PENDING` for a loaded complaint (the badge's question)."""
    return (
        complaint.suspected_emergency
        and complaint.level is None
        and complaint.state in AWAITING_RESPONSE_STATES
        and complaint.first_response_due is not None
    )


def _due(**bounds: datetime) -> Q:
    """`complaint_due_expression()` within `bounds` (`gt=…`, `lte=…`), as a plain filter:
    each branch of the Coalesce with the whole range, so that the queue index reads the
    range of each. Bounded apart (`due > now AND due <= later`, each an OR of the two
    branches) the index read every future deadline of the scope for "due soon"."""
    return Q(**{f"next_due_at__{op}": moment for op, moment in bounds.items()}) | (
        Q(next_due_at__isnull=True)
        & SUSPECTED_EMERGENCY_PENDING
        & Q(**{f"first_response_due__{op}": moment for op, moment in bounds.items()})
    )


class Queue(TextChoices):
    SUSPECTED_EMERGENCY = "suspected", _("Suspected emergencies")
    MINE = "mine", _("Mine")
    MY_TEAM = "my_team", _("My team's")
    UNACCEPTED = "unaccepted", _("Unaccepted")
    DUE_SOON = "due_soon", _("Due within 2 hours")
    OVERDUE = "overdue", _("Overdue")
    TO_CONFIRM = "to_confirm", _("Waiting for the resident's confirmation")
    TO_REVISIT = "to_revisit", _("To revisit")
    REOPENED = "reopened", _("Reopened")


def queue_condition(queue: str, *, user: AbstractBaseUser, now: datetime) -> Q:
    """The filter of one staff queue; `complaint_queue_counts` and the admin share it."""
    open_ = Q(state__in=ACCEPTED_OPEN_STATES)
    profile = getattr(user, "staff_profile", None)
    conditions = {
        Queue.SUSPECTED_EMERGENCY: SUSPECTED_EMERGENCY_PENDING,
        Queue.MINE: open_ & (Q(owner_id=user.pk) | Q(assignee_id=user.pk)),
        Queue.MY_TEAM: open_ & Q(team_id=profile.team_id)
        if profile is not None and profile.team_id is not None
        else Q(pk__in=[]),
        Queue.UNACCEPTED: Q(state=State.NEW),
        Queue.DUE_SOON: _due(gt=now, lte=now + DUE_SOON),
        Queue.OVERDUE: _due(lte=now),
        Queue.TO_CONFIRM: Q(state=State.HANDLED),
        Queue.TO_REVISIT: Q(state=State.CLOSED, revisit_due_at__lte=now),
        Queue.REOPENED: Q(state=State.REOPENED),
    }
    return conditions[Queue(queue)]


# Queues of complaints that count to no deadline (waiting for the resident, closed
# before the revisit call), so that their urgency order is the newest first. Said so,
# the database walks the filing-time index from the newest end, where they are; by the
# urgency index it walked past every complaint with a deadline first (0.6 s at a million).
UNDATED_QUEUES = (Queue.TO_CONFIRM, Queue.TO_REVISIT)


def queue_ordering(queue: str) -> list[OrderBy]:
    """The order of one queue's list: the urgency order, in the form its index serves."""
    if queue in UNDATED_QUEUES:
        return [F("created_at").desc()]
    return complaint_urgency_ordering()


def complaint_queue_counts(user: AbstractBaseUser, *, now: datetime) -> dict[str, int]:
    """Every queue's size in one aggregate query over the queue rows only (QUEUE_STATES,
    the condition of their index), not the whole history in scope."""
    conditions = {queue.value: queue_condition(queue, user=user, now=now) for queue in Queue}
    return (
        complaint_list_visible_to(user)
        .filter(state__in=QUEUE_STATES)
        # Counting a column of the index (never empty), not the id, which it lacks.
        .aggregate(
            **{name: Count("property", filter=condition) for name, condition in conditions.items()}
        )
    )
