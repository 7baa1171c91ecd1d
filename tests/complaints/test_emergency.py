"""Emergency words (SPEC §3): a new complaint naming an emergency, not negated, is a
suspected level I and alerts the on-duty people at once."""

import pytest
from factories import ComplaintFactory, TeamLeaderFactory

from complaints.emergency import is_suspected_emergency
from complaints.models import Channel, Notification

# The phrases are rows, seeded by migration 0028 from the lists the code held before.
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    [
        "3号楼电梯困人，请尽快处理",
        "地下室水管爆管，水漫进车库",
        "12楼走廊起火了",
        "Someone is trapped in elevator 2",
        "Fire detected in the bin room",
        "FIRE on the 3rd floor",
        "电梯里有人被困",
        "没有起火，但是电梯困人",  # the negation covers only the fire
        "No water since morning, and now a burst pipe in the garage",
        # a negation reaches the phrase only across "is", "was", "caught" …
        "Nothing but smoke in the stairwell, please come",
        "Nobody noticed fire in the bin room until now",
        "My son is in the lift, no one else trapped with him",
        "Nobody answers, smoke coming from 302",
        "No escape, fire in the stairwell",
        "not just smoke, there are flames",
        "I have never seen smoke like this",
    ],
)
def test_emergency_phrases_are_detected(text):
    """An emergency phrase in Chinese or English (any case) marks the text."""
    assert is_suspected_emergency(text)


@pytest.mark.parametrize(
    "text",
    [
        "楼道有烟味，但没有起火",
        "电梯停了，无人被困",
        "电梯故障，没人被困",
        "No fire, just a burnt smell from the kitchen",
        "Not trapped, the elevator door just opens slowly",
        "The lift stopped but nobody is trapped",
        "No one was trapped, the door opened by itself",
        "Nothing caught fire, the alarm went off by mistake",
        "There wasn't a fire, only burnt toast",
        "No-one is trapped",
        "The fireworks last night were too loud",
        "楼道灯不亮",
        "",
    ],
)
def test_negated_or_absent_phrases_are_not_emergencies(text):
    """Negated phrases ("没有起火", "无人被困", "no fire", "nobody is trapped") and words
    that merely contain a phrase ("fireworks") do not mark the text."""
    assert not is_suspected_emergency(text)


@pytest.mark.parametrize(
    "text",
    ["电梯未平层困人", "电梯无故困人，门打不开"],
    ids=["not-level-with-floor", "for-no-reason"],
)
def test_negation_word_not_negating_the_phrase_still_alerts(text):
    """A negation character that belongs to another word ("未平层": stopped between
    floors, "无故": for no reason) does not cancel the emergency: people are trapped."""
    assert is_suspected_emergency(text)


@pytest.mark.django_db
def test_complaint_create_marks_and_alerts(resident, customer_service, project_manager):
    """A resident's web complaint "电梯困人" is saved as suspected emergency and alerts
    the project manager and the customer-service leader at once ("emergency"), once."""
    leader = TeamLeaderFactory(team=customer_service)
    customer_service.leader = leader
    customer_service.save()

    complaint = ComplaintFactory(resident=resident, description="2号电梯困人，按铃没人应")

    complaint.refresh_from_db()
    assert complaint.suspected_emergency
    assert sorted(
        Notification.objects.filter(complaint=complaint).values_list("kind", "recipient_id")
    ) == sorted([("emergency", project_manager.pk), ("emergency", leader.pk)])


@pytest.mark.django_db
def test_location_text_counts_too(agent, prop, project_manager):
    """Staff intake by phone: the emergency phrase may be in the location field."""
    complaint = ComplaintFactory(
        actor=agent,
        resident=None,
        property=prop,
        channel=Channel.PHONE,
        description="Resident called in a panic",
        location_text="B2 garage, pipe burst near elevator 3",
    )

    assert complaint.suspected_emergency
    assert Notification.objects.filter(complaint=complaint, kind="emergency").count() == 1


@pytest.mark.django_db
def test_ordinary_complaint_is_not_marked(resident, project_manager):
    """A plain complaint is not suspected and alerts nobody."""
    complaint = ComplaintFactory(resident=resident, description="楼道灯不亮，已经三天了")

    assert not complaint.suspected_emergency
    assert not Notification.objects.filter(complaint=complaint).exists()
