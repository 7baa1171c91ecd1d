"""Emergency phrases as rows (issue 17): per language and property, with negations, in
mixed Chinese and English text, read by every filing and re-read after a change."""

import pytest
from factories import ComplaintFactory, PropertyFactory, TeamLeaderFactory

from complaints.emergency import emergency_phrase_match, phrases_for
from complaints.exceptions import NotAllowed
from complaints.models import Channel, EmergencyPhrase, Notification
from complaints.services import complaint_take_in
from complaints.services.intake_rules import emergency_phrase_save, emergency_phrases_delete

pytestmark = pytest.mark.django_db


def add_phrase(actor, phrase, language="zh-hans", property=None):
    return emergency_phrase_save(
        actor=actor,
        phrase=EmergencyPhrase(phrase=phrase, language=language, property=property),
    )


def test_migration_seeded_todays_lists():
    """The 13 Chinese and 7 English phrases the code held, for every property."""
    rows = EmergencyPhrase.objects.filter(property=None, is_active=True)
    assert rows.filter(language="zh-hans").count() == 13
    assert rows.filter(language="en").count() == 7
    assert set(rows.values_list("phrase", flat=True)) >= {"困人", "燃气泄漏", "burst pipe"}


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("3号楼电梯困人", "困人"),
        ("电梯里有人trapped了，快来", "trapped"),  # English word inside Chinese text
        ("Lift stuck, 有人被困 inside", "被困"),
        ("没有起火, but someone is trapped", "trapped"),
        ("no fire，但是燃气泄漏了", "燃气泄漏"),
        ("Smoke在楼道里", "smoke"),
        ("FIRE!!! 3楼", "fire"),
    ],
)
def test_mixed_text_names_the_first_phrase_not_negated(text, phrase):
    assert emergency_phrase_match(text) == phrase


@pytest.mark.parametrize(
    "text",
    [
        "没有起火，只是烟雾报警器误报",
        "not on fire, the alarm is broken",
        "电梯停了，无人被困 nobody is trapped",
        "No smoke, 没有燃气泄漏",
        "fireworks 烟花太吵",
    ],
)
def test_negated_phrases_in_mixed_text_do_not_match(text):
    assert emergency_phrase_match(text) == ""


def test_a_property_phrase_applies_to_that_property_only(project_manager, prop, other_prop):
    """ "漏水" added for one property marks its complaints, not another property's; a
    negation ("没有漏水") still cancels it."""
    add_phrase(project_manager, "漏水", property=prop)

    assert emergency_phrase_match("厨房漏水了", property_id=prop.pk) == "漏水"
    assert emergency_phrase_match("厨房没有漏水", property_id=prop.pk) == ""
    assert emergency_phrase_match("厨房漏水了", property_id=other_prop.pk) == ""
    assert emergency_phrase_match("厨房漏水了") == ""


def test_longer_phrase_is_named(project_manager, prop):
    """ "电梯困人" of the property wins over the shorter "困人" where both match."""
    add_phrase(project_manager, "电梯困人", property=prop)

    assert emergency_phrase_match("2号电梯困人", property_id=prop.pk) == "电梯困人"


def test_inactive_phrase_does_not_match(project_manager, prop):
    phrase = add_phrase(project_manager, "漏水", property=prop)
    phrase.is_active = False
    emergency_phrase_save(actor=project_manager, phrase=phrase)

    assert emergency_phrase_match("厨房漏水了", property_id=prop.pk) == ""


def test_english_phrases_are_stored_lower_case_and_match_any_case(project_manager, prop):
    add_phrase(project_manager, "Flooding", language="en", property=prop)

    assert EmergencyPhrase.objects.get(property=prop).phrase == "flooding"
    assert emergency_phrase_match("FLOODING in the garage", property_id=prop.pk) == "flooding"


def test_project_manager_cannot_change_phrases_for_every_property(project_manager, other_prop):
    """Phrases for every property are head office's; another property is out of scope."""
    with pytest.raises(NotAllowed):
        add_phrase(project_manager, "漏水")
    with pytest.raises(NotAllowed):
        add_phrase(project_manager, "漏水", property=other_prop)
    seeded = EmergencyPhrase.objects.filter(property=None).first()
    with pytest.raises(NotAllowed):
        emergency_phrases_delete(actor=project_manager, phrase_ids=[seeded.pk])
    assert EmergencyPhrase.objects.filter(pk=seeded.pk).exists()


def test_agent_cannot_add_phrases(agent, prop):
    with pytest.raises(NotAllowed):
        add_phrase(agent, "漏水", property=prop)


def test_phrases_are_cached_per_property(prop, django_assert_num_queries):
    """The list is read once per property; later filings read the cache."""
    phrases_for(prop.pk)
    with django_assert_num_queries(0):
        assert phrases_for(prop.pk).match("电梯困人") == "困人"


def test_a_change_another_process_made_shows_within_a_minute(prop, time_machine):
    """Each web process caches in its own memory unless CACHE_URL is shared: a phrase
    saved elsewhere (here straight into the table, telling no cache) is seen once this
    process's generation lapses, after cached.STALE_AT_MOST."""
    time_machine.move_to("2026-12-01 10:00:00+08:00", tick=False)
    assert phrases_for(prop.pk).match("化粪池满溢") == ""
    EmergencyPhrase.objects.create(phrase="化粪池满溢", language="zh-hans", property=prop)

    assert phrases_for(prop.pk).match("化粪池满溢") == ""
    time_machine.move_to("2026-12-01 10:01:01+08:00", tick=False)
    assert phrases_for(prop.pk).match("化粪池满溢") == "化粪池满溢"


def test_a_change_takes_effect_on_the_next_filing(
    project_manager, prop, resident, django_capture_on_commit_callbacks
):
    """Cached before, the list is renewed when the change commits: the next complaint
    with the new phrase is a suspected emergency, and after deleting it no longer."""
    before = ComplaintFactory(resident=resident, description="卫生间漏水很严重")
    assert not before.suspected_emergency

    with django_capture_on_commit_callbacks(execute=True):
        phrase = add_phrase(project_manager, "漏水", property=prop)
    after = ComplaintFactory(resident=resident, description="卫生间漏水很严重")
    assert after.suspected_emergency
    assert after.emergency_phrase == "漏水"

    with django_capture_on_commit_callbacks(execute=True):
        emergency_phrases_delete(actor=project_manager, phrase_ids=[phrase.pk])
    again = ComplaintFactory(resident=resident, description="卫生间漏水很严重")
    assert not again.suspected_emergency
    assert again.emergency_phrase == ""


def test_every_channel_records_the_phrase(agent, prop, resident, project_manager):
    """The portal's filing, staff intake on behalf and a sensor's alert all go through
    complaint_create, which records the phrase."""
    from complaints.models import Category, Device
    from complaints.services import device_alert_receive, device_create

    web = ComplaintFactory(resident=resident, description="电梯困人，快来")
    phone = complaint_take_in(
        actor=agent,
        description="Caller says smoke in the stairwell",
        channel=Channel.PHONE,
        property=prop,
    )
    device = Device(
        property=prop,
        location_text="B2",
        kind=Device.Kind.GAS,
        name="Gas 1",
        category=Category.objects.get(code="water-power"),
        level=2,
    )
    device_create(actor=project_manager, device=device)
    alert = device_alert_receive(device_id=device.pk, fault_code="G1", message="燃气泄漏报警")

    assert (web.emergency_phrase, web.suspected_emergency) == ("困人", True)
    assert (phone.emergency_phrase, phone.suspected_emergency) == ("smoke", True)
    iot = alert.alert.complaint
    assert (iot.emergency_phrase, iot.suspected_emergency) == ("燃气泄漏", True)


def test_a_property_phrase_match_alerts_once_and_heads_the_queue(
    project_manager, prop, resident, customer_service, agent, django_capture_on_commit_callbacks
):
    """A complaint matched by a property's own phrase is fed to the existing machinery:
    the project manager and the service leader are alerted once, it heads the queue and
    its first response is due within level I's window from submission."""
    from datetime import timedelta

    from complaints.models import Complaint
    from complaints.models.urgency import complaint_urgency_ordering
    from complaints.selectors import Queue, queue_condition

    leader = TeamLeaderFactory(team=customer_service)
    customer_service.leader = leader
    customer_service.save()
    with django_capture_on_commit_callbacks(execute=True):
        add_phrase(project_manager, "水漫金山", property=prop)
    older = ComplaintFactory(resident=resident, description="楼道灯不亮")
    urgent = ComplaintFactory(resident=resident, description="地下室水漫金山了")

    alerts = Notification.objects.filter(complaint=urgent, kind="emergency")
    assert sorted(alerts.values_list("recipient_id", flat=True)) == sorted(
        [project_manager.pk, leader.pk]
    )
    first = Complaint.objects.filter(property=prop).order_by(*complaint_urgency_ordering())
    assert list(first.values_list("pk", flat=True)[:2]) == [urgent.pk, older.pk]
    from django.utils import timezone

    suspected = Complaint.objects.filter(
        queue_condition(Queue.SUSPECTED_EMERGENCY, user=agent, now=timezone.now())
    )
    assert list(suspected.values_list("pk", flat=True)) == [urgent.pk]
    assert urgent.first_response_due - urgent.created_at <= timedelta(minutes=15)
    assert older.first_response_due - older.created_at > timedelta(minutes=15)


def test_other_property_phrase_does_not_alert(project_manager, resident):
    other = PropertyFactory()
    from factories import ProjectManagerFactory

    other_pm = ProjectManagerFactory(properties=[other])
    add_phrase(other_pm, "水漫金山", property=other)
    complaint = ComplaintFactory(resident=resident, description="地下室水漫金山了")

    assert not complaint.suspected_emergency
    assert not Notification.objects.filter(complaint=complaint, kind="emergency").exists()
