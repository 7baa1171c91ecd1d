"""The order of every staff list, and the deadline each complaint counts to: here, beside
the model, because the complaint's indexes are built on the same expressions (an index
serves an ORDER BY only when the expressions match)."""

from django.db import models
from django.db.models import BooleanField, Case, F, Func, OrderBy, Q, Value, When
from django.db.models.functions import Coalesce

from complaints.models.vocabulary import AWAITING_RESPONSE_STATES, State

# A suspected level I (SPEC §3) nobody has classified yet. It has no deadlines of its
# cycle (next_due_at is empty until classifying), yet the resident was promised the
# level I first response stored at filing (sla.first_response_provisional): lists,
# queues and badges count to that one, and it comes first everywhere.
SUSPECTED_EMERGENCY_PENDING = Q(
    suspected_emergency=True,
    level__isnull=True,
    state__in=AWAITING_RESPONSE_STATES,
    first_response_due__isnull=False,
)


def complaint_due_expression() -> Coalesce:
    """The deadline a complaint counts to now: the cycle's next one, or for a pending
    suspected emergency the provisional first response."""
    return Coalesce(
        "next_due_at",
        Case(When(SUSPECTED_EMERGENCY_PENDING, then=F("first_response_due")), default=None),
    )


# The states of the rows some staff queue holds: still open, or closed and waiting for
# the revisit call. A fraction of the table: the rest is history.
QUEUE_STATES = (*AWAITING_RESPONSE_STATES, State.HANDLED, State.CLOSED)


def queue_index() -> models.Index:
    """Every column the queue conditions read, over the queue rows only: the queue
    counts of the admin index and the metrics are one scan of this small index, never
    of the table (an index-only scan on PostgreSQL)."""
    return models.Index(
        fields=[
            "property",
            "state",
            "team",
            "owner",
            "assignee",
            "level",
            "suspected_emergency",
            "first_response_due",
            "next_due_at",
            "revisit_due_at",
        ],
        condition=Q(state__in=QUEUE_STATES),
        name="complaint_queues",
    )


def _is_null(expression) -> Func:
    return Func(expression, template="(%(expressions)s) IS NULL", output_field=BooleanField())


class NullsLast(OrderBy):
    """An order that keeps the empty values last both ways (the admin reverses an
    OrderBy's NULLS LAST with its direction, which put every complaint without a deadline,
    most of the table, first when sorting by deadline descending). Written as
    `(x) IS NULL, x ASC|DESC`, which an index serves on every database: SQLite's indexes
    have no NULLS LAST."""

    template = "(%(expression)s) IS NULL, %(expression)s %(ordering)s"

    def __init__(self, expression, descending: bool = False) -> None:
        super().__init__(expression, descending=descending)

    def reverse_ordering(self) -> "NullsLast":
        self.descending = not self.descending
        return self


def complaint_urgency_ordering() -> list[OrderBy]:
    """Every staff list's order: suspected emergencies not classified yet first, then the
    deadline each counts to (none last), then the newest; the admin adds the id."""
    return [
        Case(When(SUSPECTED_EMERGENCY_PENDING, then=Value(0)), default=Value(1)).asc(),
        complaint_due_expression().asc(nulls_last=True),
        F("created_at").desc(),
    ]


def urgency_indexes() -> list[tuple[str, list[OrderBy]]]:
    """(name, expressions) of the indexes that serve the lists' orders: the urgency order
    (PostgreSQL's ascending indexes keep NULLs last, as the order has them) and the
    deadline both ways as `NullsLast` writes it; each ends with the id the admin adds."""
    due = complaint_due_expression()
    rank, _due, newest = complaint_urgency_ordering()
    return [
        ("complaint_urgency", [rank, due.asc(), newest, F("id").desc()]),
        ("complaint_due_asc", [_is_null(due).asc(), due.asc(), F("id").desc()]),
        ("complaint_due_desc", [_is_null(due).asc(), due.desc(), F("id").desc()]),
    ]


# The list's columns sortable by a field of the complaint's own; each sort, either way,
# keeps the newest first among equals (the admin adds the id descending).
SORTED_FIELDS = ("state", "level")


def sort_indexes() -> list[models.Index]:
    """An index for each way of each field sort: the whole table sorted to show 50 rows
    took 2 s at a million complaints."""
    return [
        models.Index(F(field).asc() if ascending else F(field).desc(), F("id").desc(), name=name)
        for field in SORTED_FIELDS
        for ascending, name in (
            (True, f"complaint_{field}_asc"),
            (False, f"complaint_{field}_desc"),
        )
    ]
