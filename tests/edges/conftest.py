"""Fixtures of the boundary tests (tests/edges): a clock that travels to chosen moments,
the customer-service leader, and who was notified. Complaints are filed and moved on
with the root `walk` fixture, through the real services, at the moment the clock shows."""

from collections.abc import Callable
from datetime import datetime

import pytest
from factories import TeamLeaderFactory

from complaints.models import Complaint, Notification


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
    """The customer-service team leader (told of breaches no team holds yet)."""
    leader = TeamLeaderFactory(
        username="cs-leader", team=customer_service, first_name="Yan", last_name="Ma"
    )
    customer_service.leader = leader
    customer_service.save()
    return leader


@pytest.fixture
def notified() -> Callable[..., list[tuple[str, int]]]:
    """`notified(complaint, kind)`: the (kind, recipient id) pairs recorded for that
    complaint, sorted, duplicates kept, to compare with an exact expectation."""

    def _notified(complaint: Complaint, kind: str) -> list[tuple[str, int]]:
        return sorted(
            Notification.objects.filter(complaint=complaint, kind=kind).values_list(
                "kind", "recipient_id"
            )
        )

    return _notified
