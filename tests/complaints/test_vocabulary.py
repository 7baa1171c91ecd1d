"""The shared vocabulary: one reference parser, one event-key layout (Python and SQL),
one delivery task per transaction."""

import contextlib

import pytest
from django.db import transaction
from django.db.models import F

from complaints.models import Complaint, Deadline
from complaints.notifications import event_key, event_key_expression
from complaints.services import notify
from complaints.services.notify import deliver_after_commit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TS00000042", 42),
        ("ts00000042", 42),
        ("  TS42 ", 42),
        ("TS00000000", 0),
        ("42", None),
        ("TS", None),
        ("TS-42", None),
        ("TS 42", None),
        ("TS42x", None),
        ("", None),
    ],
)
def test_parse_reference(text, expected):
    """A quoted reference gives the complaint id; anything else gives None."""
    assert Complaint.parse_reference(text) == expected


def test_parse_reference_without_prefix():
    """Where a reference is asked for, the bare number is read too."""
    assert Complaint.parse_reference(" 00000042", prefix_required=False) == 42
    assert Complaint.parse_reference("TS42", prefix_required=False) == 42
    assert Complaint.parse_reference("TS", prefix_required=False) is None


def test_parse_reference_reads_what_reference_writes():
    """A complaint's own reference parses back to its id."""
    assert Complaint.parse_reference(Complaint(pk=1234).reference) == 1234


def test_event_key_layout():
    """Kind first, then the parts, colon-separated; choices are written by value."""
    assert event_key("emergency", 42) == "emergency:42"
    assert event_key("sla_warning", 42, Deadline.RESOLVE, 1) == "sla_warning:42:resolve:1"


@pytest.mark.django_db
def test_event_key_expression_matches_event_key(complaint):
    """The database builds the same key as Python, so the sweep recognises its own rows."""
    keys = Complaint.objects.filter(pk=complaint.pk).annotate(
        key=event_key_expression("revisit_due", F("pk"), F("reopen_count"))
    )
    assert keys.get().key == event_key("revisit_due", complaint.pk, complaint.reopen_count)


@pytest.fixture
def deliveries(monkeypatch):
    calls = []
    monkeypatch.setattr(notify, "deliver_soon", lambda: calls.append(1))
    return calls


@pytest.mark.django_db
def test_one_delivery_task_per_transaction(django_capture_on_commit_callbacks, deliveries):
    """However many notifications a transaction saves, it queues one delivery."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        deliver_after_commit()
        deliver_after_commit()
    assert len(callbacks) == 1
    assert deliveries == [1]


@pytest.mark.django_db
def test_rolled_back_delivery_is_queued_again(django_capture_on_commit_callbacks, deliveries):
    """A delivery queued inside a rolled-back savepoint does not stop the next one."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with contextlib.suppress(RuntimeError), transaction.atomic():
            deliver_after_commit()
            raise RuntimeError
        deliver_after_commit()
    assert len(callbacks) == 1
    assert deliveries == [1]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_delivery_is_queued_by_each_committed_transaction(deliveries):
    """After a commit the next transaction queues its own delivery."""
    for _ in range(2):
        with transaction.atomic():
            deliver_after_commit()
            deliver_after_commit()
    assert deliveries == [1, 1]
