"""`manage.py seed_scale` (issue 15): the rows the benchmarks stand on look as the
services would have left them, and the printed logins work."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from complaints import sla
from complaints.models import Breach, Complaint, State
from complaints.models.vocabulary import IN_PROGRESS_STATES

pytestmark = pytest.mark.django_db

PASSWORD = "scale-test-pass"


@pytest.fixture
def seeded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_scale", complaints=600, units=160, password=PASSWORD, seed=7)


def test_the_data_is_what_the_services_leave(seeded):
    assert Complaint.objects.count() == 600
    assert Complaint.objects.values("property").distinct().count() == 8
    ids = list(Complaint.objects.order_by("created_at", "pk").values_list("pk", flat=True))
    assert ids == sorted(ids)
    open_ = Complaint.objects.exclude(
        state__in=[State.CLOSED, State.REVISITED, State.WITHDRAWN, State.MERGED]
    )
    assert 0.03 * 600 < open_.count() < 0.25 * 600
    for complaint in Complaint.objects.filter(state__in=IN_PROGRESS_STATES):
        stored = (complaint.next_due_at, complaint.sla_next_at)
        sla.refresh_schedule(complaint, now=complaint.updated_at, swept=True)
        assert complaint.next_due_at == stored[0]
    assert not (
        Breach.objects.values("complaint", "deadline", "cycle")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .exists()
    )
    late = Breach.objects.select_related("complaint")
    assert late.exists()
    assert all(breach.escalate_at > breach.due_at for breach in late)


def test_the_logins_work(seeded, client):
    for username in ("admin", "manager1", "agent1", "handler1", "supervisor1", "resident1"):
        assert client.login(username=username, password=PASSWORD), username


def test_it_refuses_a_database_with_data(seeded):
    with pytest.raises(CommandError, match="empty"):
        call_command("seed_scale", complaints=10, units=16, password=PASSWORD)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_tables_are_left_vacuumed_as_autovacuum_would(settings):
    """On PostgreSQL the seeded complaints are all-visible, so index-only scans (the admin
    index's queue counts) read the index alone, as on a running system."""
    from django.db import connection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_scale", complaints=600, units=160, password=PASSWORD, seed=7)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relallvisible, relpages FROM pg_class WHERE relname = 'complaints_complaint'"
        )
        visible, pages = cursor.fetchone()
    assert pages > 0
    assert visible == pages
