"""Two SLA sweeps at the same moment (two clusters) on PostgreSQL: each breach and each
notification exactly once, guarded by row locks and unique constraints."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connections

from complaints.models import Breach, Complaint, Level, Notification
from complaints.tasks import sla_sweep

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 3, 10, 9, 30, tzinfo=SHANGHAI)
DUE = 50
SWEEPS = 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_sweeps_record_and_notify_once(
    travel, file_complaint, clone_complaints, agent, service_leader
):
    """50 level II complaints pass their first-response deadline; two sweeps, each on
    its own connection and started together behind a barrier, in chunks of 7: neither
    fails, there are exactly 50 breaches and 100 breach notifications (leader and owner
    of each), and every complaint's next check moved on."""
    template = file_complaint(T0, level=Level.II)
    clone_complaints(template, DUE - 1)
    now = travel(T0 + timedelta(hours=2, minutes=1))
    barrier = threading.Barrier(SWEEPS, timeout=30)
    outcomes: list[object] = [None] * SWEEPS

    def sweep(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = sla_sweep(now=now, chunk_size=7)
        except Exception as error:  # every outcome is inspected below
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep, args=(i,)) for i in range(SWEEPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert all(isinstance(outcome, dict) for outcome in outcomes), outcomes
    assert sum(outcome["complaints"] for outcome in outcomes) >= DUE
    assert Breach.objects.count() == DUE
    assert Breach.objects.values("complaint").distinct().count() == DUE
    breach_notices = Notification.objects.filter(kind="sla_breach")
    assert breach_notices.count() == 2 * DUE
    assert breach_notices.filter(recipient=service_leader).count() == DUE
    assert breach_notices.filter(recipient=agent).count() == DUE
    assert not Complaint.objects.filter(sla_next_at__lte=now).exists()
