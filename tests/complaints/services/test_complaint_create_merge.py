"""complaint_create(merge_into_id=...): intake of a repeat files the complaint and merges
it into the existing one in one transaction — both or neither."""

import pytest
from factories import image_upload

from complaints.exceptions import ComplaintNotFound, InvalidInput, NotAllowed
from complaints.models import Channel, Complaint, Photo, State
from complaints.reasons import reason_text
from complaints.services import complaint_create, complaint_withdraw

pytestmark = pytest.mark.django_db


def intake(agent, resident, unit, **changes) -> dict:
    return {
        "actor": agent,
        "channel": Channel.PHONE,
        "resident": resident,
        "unit": unit,
        "description": "The kitchen tap drips all night.",
        **changes,
    }


def test_intake_files_and_merges_into_the_earlier_complaint(now, walk, agent, resident, unit):
    """The new complaint is saved merged into the target, with a "create" and then a
    "merge" history row by the agent giving the intake reason."""
    target = walk(State.ACCEPTED)

    complaint = complaint_create(**intake(agent, resident, unit), merge_into_id=target.pk)

    complaint.refresh_from_db()
    assert (complaint.state, complaint.merged_into) == (State.MERGED, target)
    assert complaint.created_by == agent
    rows = complaint.history.order_by("history_id")
    assert list(rows.values_list("transition", flat=True)) == ["create", "merge"]
    latest = rows.last()
    assert latest.history_user == agent
    assert (
        reason_text(latest.history_change_reason) == "Repeat of an open complaint, merged at intake"
    )


def test_refused_merge_saves_nothing(now, walk, agent, resident, unit, media_root):
    """A target that cannot take duplicates (withdrawn) refuses the merge; the complaint,
    its photos and its history are not saved either."""
    target = walk(State.NEW)
    complaint_withdraw(complaint_id=target.pk, actor=resident.user)
    count = Complaint.objects.count()

    with pytest.raises(InvalidInput) as excinfo:
        complaint_create(
            **intake(agent, resident, unit, photos=[image_upload("tap.jpg")]),
            merge_into_id=target.pk,
        )

    assert excinfo.value.field == "into"
    assert Complaint.objects.count() == count
    assert Complaint.history.filter(description="The kitchen tap drips all night.").count() == 0
    assert Photo.objects.count() == 0


def test_merge_into_an_unknown_complaint_saves_nothing(now, agent, resident, unit):
    """A target the agent cannot see is not found, and the new complaint is not kept."""
    with pytest.raises(ComplaintNotFound):
        complaint_create(**intake(agent, resident, unit), merge_into_id=999_999)

    assert Complaint.objects.count() == 0


def test_resident_cannot_merge_their_own_filing(now, walk, resident, unit):
    """Merging is staff work: a resident's filing with merge_into_id is refused whole."""
    target = walk(State.ACCEPTED)
    count = Complaint.objects.count()

    with pytest.raises(NotAllowed):
        complaint_create(actor=resident.user, description="Tap", unit=unit, merge_into_id=target.pk)

    assert Complaint.objects.count() == count
