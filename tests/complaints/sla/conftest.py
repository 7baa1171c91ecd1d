"""Fixtures for the SLA and job tests: a frozen clock that can travel, complaints filed
and moved on at given moments, and the people the jobs notify."""

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from factories import CategoryFactory, ComplaintFactory, TeamLeaderFactory

from complaints import services
from complaints.models import Complaint, Level, Notification, State

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def travel(time_machine) -> Callable[[datetime], datetime]:
    """`travel(moment)` freezes the clock at `moment` (tick=False) and returns it."""

    def _travel(moment: datetime) -> datetime:
        assert moment.tzinfo is not None, "use aware Asia/Shanghai datetimes"
        time_machine.move_to(moment, tick=False)
        return moment

    return _travel


@pytest.fixture
def service_leader(customer_service):
    """The customer-service team leader: told about unaccepted complaints and breaches
    of complaints no team holds yet, and given the revisit queue."""
    leader = TeamLeaderFactory(
        username="cs-leader",
        team=customer_service,
        first_name="Yan",
        last_name="Ma",
        email="cs-leader@example.com",
        phone="13900000001",
    )
    customer_service.leader = leader
    customer_service.save()
    return leader


@pytest.fixture
def category_for_level(db) -> dict[int, object]:
    """One category per level (no photos needed), keyed by level."""
    return {
        level: CategoryFactory(code=f"sla-level-{level}", default_level=level)
        for level in Level.values
    }


@pytest.fixture
def file_complaint(travel, resident, agent, handler, engineering, category_for_level):
    """`file_complaint(at, level=..., to=State.CLASSIFIED)` files a resident complaint at
    `at` and has the agent accept and classify it there and then (and dispatch it to
    engineering, assigned to the handler, when `to` is DISPATCHED). Returns it fresh."""

    def _file(
        at: datetime,
        *,
        level: int = Level.II,
        to: str = State.CLASSIFIED,
        description: str = "The corridor light on floor 12 is broken",
    ) -> Complaint:
        travel(at)
        complaint = ComplaintFactory(resident=resident, description=description)
        if to != State.NEW:
            services.complaint_accept(complaint_id=complaint.pk, actor=agent)
        if to in (State.CLASSIFIED, State.DISPATCHED):
            services.complaint_classify(
                complaint_id=complaint.pk,
                actor=agent,
                category=category_for_level[level],
                level=level,
            )
        if to == State.DISPATCHED:
            services.complaint_dispatch(
                complaint_id=complaint.pk, actor=agent, team=engineering, assignee=handler
            )
        complaint.refresh_from_db()
        assert complaint.state == to
        return complaint

    return _file


@pytest.fixture
def clone_complaints() -> Callable[..., list[Complaint]]:
    """`clone_complaints(complaint, count, **fields)` copies a complaint `count` times
    in one INSERT (no history: it is bulk test data), overriding `fields`."""

    def _clone(complaint: Complaint, count: int, **fields) -> list[Complaint]:
        values = {
            field.attname: getattr(complaint, field.attname)
            for field in Complaint._meta.concrete_fields
            if not field.primary_key
        }
        values.update(fields)
        return Complaint.objects.bulk_create([Complaint(**values) for _ in range(count)])

    return _clone


@pytest.fixture
def notified() -> Callable[..., list[tuple[str, int]]]:
    """`notified(complaint=None, kind=None)`: the (kind, recipient id) pairs recorded,
    sorted, to compare with an exact expectation."""

    def _notified(*, complaint: Complaint | None = None, kind: str | None = None):
        queryset = Notification.objects.all()
        if complaint is not None:
            queryset = queryset.filter(complaint=complaint)
        if kind is not None:
            queryset = queryset.filter(kind=kind)
        return sorted(queryset.values_list("kind", "recipient_id"))

    return _notified
