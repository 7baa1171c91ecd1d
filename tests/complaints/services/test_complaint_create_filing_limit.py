"""complaint_create refuses a resident's complaint beyond the hourly number, whatever
interface files it; staff intake is not limited. The count is taken under a lock on the
user's row inside the filing transaction."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from factories import AgentFactory, ComplaintFactory, PropertyFactory, ResidentFactory, UnitFactory
from helpers import assert_history

from complaints.exceptions import ComplaintError, FilingLimitReached
from complaints.models import Channel, Complaint, Transition
from complaints.services import complaint_create
from complaints.services.filing_limit import filing_limit_refusal

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("channel", [Channel.WEB, Channel.APP])
def test_resident_beyond_the_hourly_limit_is_refused(now, resident, unit, channel):
    """After 10 complaints in the last hour the resident's 11th is refused with
    FilingLimitReached naming the limit, and nothing is saved."""
    for _ in range(10):
        ComplaintFactory(resident=resident)

    with pytest.raises(FilingLimitReached) as excinfo:
        complaint_create(actor=resident.user, description="Tap", unit=unit, channel=channel)

    assert isinstance(excinfo.value, ComplaintError)
    assert excinfo.value.limit == 10
    assert excinfo.value.message.startswith("You have sent 10 complaints in the last hour.")
    assert Complaint.objects.count() == 10


def test_the_tenth_complaint_in_an_hour_is_still_filed(now, resident, unit):
    """The limit counts complaints already filed: the 10th of the hour goes through."""
    for _ in range(9):
        ComplaintFactory(resident=resident)

    complaint = complaint_create(actor=resident.user, description="Tap", unit=unit)

    assert_history(complaint, transition=Transition.CREATE, user=resident.user)
    assert Complaint.objects.count() == 10


def test_the_limit_frees_up_after_an_hour(now, time_machine, resident, unit):
    """Complaints older than an hour no longer count."""
    for _ in range(10):
        ComplaintFactory(resident=resident)
    time_machine.move_to(now + timedelta(minutes=61), tick=False)

    complaint_create(actor=resident.user, description="Tap", unit=unit)

    assert Complaint.objects.count() == 11


def test_the_limit_is_a_setting_read_at_call_time(now, settings, resident, unit):
    """PROPERTYDESK_PORTAL_SUBMISSIONS_PER_HOUR applies to the service too."""
    settings.PROPERTYDESK_PORTAL_SUBMISSIONS_PER_HOUR = 1
    ComplaintFactory(resident=resident)

    with pytest.raises(FilingLimitReached) as excinfo:
        complaint_create(actor=resident.user, description="Tap", unit=unit)

    assert excinfo.value.limit == 1


def test_staff_intake_is_not_limited(now, agent, resident, unit):
    """An agent taking phone calls files as many complaints as there are calls."""
    for number in range(11):
        complaint_create(
            actor=agent,
            channel=Channel.PHONE,
            resident=resident,
            unit=unit,
            description=f"Call {number}",
        )

    assert Complaint.objects.filter(created_by=agent).count() == 11


def test_refusal_helper_agrees_with_the_service(now, resident):
    """`filing_limit_refusal` (what the portal asks before validating a form) answers
    None below the limit and the service's error at it."""
    for _ in range(9):
        ComplaintFactory(resident=resident)
    assert filing_limit_refusal(resident.user) is None
    ComplaintFactory(resident=resident)
    assert isinstance(filing_limit_refusal(resident.user), FilingLimitReached)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_filings_at_once_cannot_pass_the_limit_together():
    """With 9 complaints in the last hour, four calls of complaint_create at the same
    moment (each on its own connection) file exactly one; three get FilingLimitReached."""
    prop = PropertyFactory()
    AgentFactory(properties=[prop])
    resident = ResidentFactory(unit=UnitFactory(building__property=prop))
    unit = resident.units.get()
    for _ in range(9):
        ComplaintFactory(resident=resident)
    barrier = threading.Barrier(4, timeout=30)
    outcomes: list[object] = [None] * 4

    def file(index: int) -> None:
        try:
            barrier.wait()
            complaint_create(actor=resident.user, description=f"At once {index}", unit=unit)
            outcomes[index] = "filed"
        except Exception as error:  # every outcome is inspected below
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert outcomes.count("filed") == 1, outcomes
    refused = [outcome for outcome in outcomes if outcome != "filed"]
    assert all(isinstance(outcome, FilingLimitReached) for outcome in refused), refused
    assert Complaint.objects.filter(created_by=resident.user).count() == 10
