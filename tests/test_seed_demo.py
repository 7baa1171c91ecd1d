"""`manage.py seed_demo` builds a demo with every state and every role, exactly once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from buildings.models import Building, Property, Residency, Resident, Unit
from complaints.models import (
    CLOSED_STATES,
    OWNERLESS_STATES,
    Breach,
    Complaint,
    Deadline,
    Notification,
    Photo,
    RepeatMember,
    State,
    Survey,
    Transition,
)
from staff.models import Role, StaffProfile, Team

pytestmark = pytest.mark.django_db

# The column each transition stamps, to compare with its history row.
STAMPED = {
    "create": "created_at",
    "accept": "accepted_at",
    "classify": "classified_at",
    "dispatch": "dispatched_at",
    "handle": "handled_at",
    "close": "closed_at",
    "revisit": "revisited_at",
    "reopen": "reopened_at",
    "withdraw": "withdrawn_at",
    "merge": "merged_at",
}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """The demo's photos go to a per-test directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = (
        Property,
        Building,
        Unit,
        Team,
        StaffProfile,
        Resident,
        Residency,
        get_user_model(),
        Complaint,
        Complaint.history.model,
        Photo,
        Notification,
        Survey,
        RepeatMember,
    )
    return {model._meta.label: model.objects.count() for model in models}


def test_demo_covers_every_state_and_role_on_a_consistent_timeline():
    """Every lifecycle state has several complaints and every role group a member; each
    complaint's history starts with "create"; everything past `new` (but not withdrawn
    or merged) has an owner; the complaints span the last six weeks, each transition's
    column matches the time of its history row and history never runs backwards; the
    logins are printed with the admin URL and work."""
    output = seed()
    now = timezone.now()

    per_state = dict(Complaint.objects.values_list("state").annotate(n=Count("pk")).order_by())
    assert {state: per_state.get(state, 0) >= 2 for state in State.values} == dict.fromkeys(
        State.values, True
    )
    for role in Role.values:
        assert Group.objects.get(name=role).user_set.exists(), role
    assert Property.objects.values("kind").distinct().count() == 2
    assert not Complaint.objects.exclude(state__in=OWNERLESS_STATES).filter(owner=None).exists()
    assert not Complaint.objects.filter(state=State.MERGED, merged_into=None).exists()

    created = list(Complaint.objects.values_list("created_at", flat=True))
    assert now - timedelta(days=43) < min(created) < now - timedelta(days=28)
    for complaint in Complaint.objects.all():
        rows = list(complaint.history.order_by("history_id"))
        assert rows[0].transition == Transition.CREATE, complaint.reference
        dates = [row.history_date for row in rows]
        assert dates == sorted(dates), complaint.reference
        assert dates[-1] <= now
        assert rows[-1].state == complaint.state
        dispatched_cycles: set[int] = set()
        for row in rows:
            column = STAMPED.get(row.transition)
            if row.transition == Transition.DISPATCH:
                if row.reopen_count in dispatched_cycles:
                    continue  # sent on to another team: the cycle's first dispatch time stays
                dispatched_cycles.add(row.reopen_count)
            if column:
                assert abs(getattr(row, column) - row.history_date) < timedelta(seconds=5)
    for photo in Photo.objects.select_related("complaint"):
        assert photo.created_at >= photo.complaint.created_at
    # counted at the back-dated filing times, so the reports show the demo's repeat problems
    assert RepeatMember.objects.count() >= 3
    # the breaches the minute sweep would have recorded along the back-dated timelines:
    # within a minute of the deadline, escalated one window later if still unmet
    late = Breach.objects.filter(complaint__state__in=CLOSED_STATES)
    assert late.filter(deadline=Deadline.RESOLVE).count() >= 3
    assert Breach.objects.filter(complaint__state=State.CLASSIFIED).exists()
    assert Breach.objects.filter(escalated_to_manager_at__isnull=False).exists()
    for breach in Breach.objects.select_related("complaint"):
        assert breach.complaint.created_at < breach.due_at < breach.detected_at <= now
        assert breach.detected_at - breach.due_at <= timedelta(minutes=1)
        if breach.escalated_to_manager_at:
            assert breach.due_at < breach.escalated_to_manager_at <= now

    for username in ("agent1", "agent2", "handler1", "handler2", "leader1", "pm1", "pm2"):
        assert username in output
    assert "supervisor" in output and "resident1" in output and "demo12345" in output
    assert "http://127.0.0.1:8000/admin/" in output
    assert authenticate(username="agent1", password="demo12345") is not None
    resident = authenticate(username="resident1", password="demo12345")
    assert resident is not None and not resident.is_staff
    system = get_user_model().objects.get(username="propertydesk-system")
    assert not system.has_usable_password()


def test_second_run_creates_nothing_and_keeps_the_password():
    """`--password` sets every demo login's password; running the command again leaves
    every table as it was, says so, prints the logins (with the links for `--addr`)
    and changes no password."""
    seed("--password", "another-demo-pass")
    before = row_counts()
    assert authenticate(username="pm2", password="another-demo-pass") is not None

    output = seed("--addr", "0.0.0.0:8123")

    assert row_counts() == before
    assert "Demo data already present" in output
    assert "agent1" in output and "http://0.0.0.0:8123/admin/" in output
    assert "(unchanged)" in output
    assert authenticate(username="pm2", password="demo12345") is None
