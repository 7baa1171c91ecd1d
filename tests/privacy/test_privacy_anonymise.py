"""Anonymising a departed resident (SPEC §7): name, phone and login erased, the contact
details on their complaints blanked, residencies ended — and every complaint, state,
deadline, category, survey score and report figure exactly as before. Only holders of
`buildings.anonymise_resident` (project managers), only in their properties, with a
reason; who did it and why is in the access log."""

import json
from datetime import date

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from factories import PASSWORD, ComplaintFactory, ProjectManagerFactory
from privacy_helpers import PHONE, Kind, admin_url, log, logged_properties, messages

from buildings.models import Residency, Resident
from complaints.exceptions import ComplaintError, InvalidInput, NotAllowed
from complaints.models import Complaint, State, Survey
from complaints.privacy.services import ResidentNotFound, resident_anonymise
from complaints.reports import analysis_compute, red_black_compute
from staff.roles import ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db

MARCH = date(2025, 3, 1)
COMPLAINT_FIELDS = [
    "state",
    "category_id",
    "level",
    "owner_id",
    "team_id",
    "unit_id",
    "building_id",
    "resident_id",
    "created_at",
    "closed_at",
    "first_response_due",
    "resolve_due",
    "reopen_count",
    "description",
]


def reports(prop) -> dict:
    """Both reports of the month, without the moment they were computed."""
    figures = {}
    for name, compute in (("red_black", red_black_compute), ("analysis", analysis_compute)):
        data = compute(property_id=prop.pk, month=MARCH)
        data.pop("computed_at")
        figures[name] = data
    return figures


def complaint_rows(resident) -> list[tuple]:
    return list(
        Complaint.objects.filter(resident=resident).order_by("pk").values_list(*COMPLAINT_FIELDS)
    )


def survey_rows() -> list[tuple]:
    return list(
        Survey.objects.order_by("pk").values_list(
            "complaint_id", "cycle", "solved", "speed", "attitude", "submitted_at"
        )
    )


@pytest.fixture
def departed(now, rated, walk, resident, resident2, category):
    """The resident's three rated, closed complaints about their unit and category (a
    repeat problem), one still dispatched, and the neighbour's closed one."""
    for scores in ((90, 80, 70), (60, 50, 40), (100, 100, 100)):
        rated(scores)
    walk(State.DISPATCHED, complaint=ComplaintFactory(resident=resident))
    walk(State.CLOSED, complaint=ComplaintFactory(resident=resident2))
    return resident


def test_reports_are_identical_before_and_after(departed, project_manager, prop):
    """Red/black list and monthly analysis: every figure unchanged (closed counts, on-time
    rates, satisfaction, repeat problems, buildings, categories, teams, owners)."""
    before = reports(prop)
    assert before["analysis"]["summary"]["closed"] == 4
    assert before["analysis"]["summary"]["surveys"] == 3
    assert before["red_black"]["summary"]["repeats"] >= 3
    complaints_before = complaint_rows(departed)
    surveys_before = survey_rows()

    resident_anonymise(resident_id=departed.pk, actor=project_manager, reason="Moved out")

    assert reports(prop) == before
    assert complaint_rows(departed) == complaints_before
    assert survey_rows() == surveys_before


def test_name_phone_and_login_are_erased(client, departed, project_manager):
    """The record keeps no name or phone; the login is renamed, has no e-mail, cannot log
    in (unusable password, inactive), and an open portal session ends."""
    user = departed.user
    user.email = "zhang@example.com"
    user.first_name = "Wei"
    user.save()
    assert authenticate(username="resident", password=PASSWORD) == user
    client.force_login(user)
    portal = reverse("portal:complaint_list")
    assert client.get(portal).status_code == 200

    resident_anonymise(resident_id=departed.pk, actor=project_manager, reason="Moved out")

    departed.refresh_from_db()
    user.refresh_from_db()
    assert departed.name == f"anonymised-{departed.pk}"
    assert departed.phone == ""
    assert departed.anonymised_at is not None
    assert user.username == f"anonymised-{departed.pk}"
    assert (user.email, user.first_name, user.last_name) == ("", "", "")
    assert not user.is_active
    assert not user.has_usable_password()
    assert authenticate(username="resident", password=PASSWORD) is None
    assert authenticate(username=user.username, password=PASSWORD) is None
    assert client.get(portal).status_code == 302


def test_contact_details_on_complaints_are_blanked_in_history_too(departed, project_manager):
    """The name, phone and preferred time copied onto the complaints are gone from the
    complaints and from every history row of them; the neighbour's stay."""
    neighbours = Complaint.objects.exclude(resident=departed)
    assert Complaint.objects.filter(resident=departed, contact_phone=PHONE).count() == 4

    resident_anonymise(resident_id=departed.pk, actor=project_manager, reason="Moved out")

    mine = Complaint.objects.filter(resident=departed)
    assert set(mine.values_list("contact_name", "contact_phone", "preferred_contact_time")) == {
        ("", "", "")
    }
    history = Complaint.history.filter(id__in=mine.values("pk"))
    assert history.exists()
    assert not history.exclude(contact_name="", contact_phone="").exists()
    assert set(neighbours.values_list("contact_phone", flat=True)) != {""}


def test_residencies_end_and_the_log_says_who_and_why(departed, project_manager, prop):
    """The resident lives nowhere any more; one "anonymise" row names the project manager,
    the reason, the property and the complaints concerned."""
    complaint_ids = sorted(Complaint.objects.filter(resident=departed).values_list("pk", flat=True))

    resident_anonymise(
        resident_id=departed.pk, actor=project_manager, reason="  Moved out on 2025-03-01 "
    )

    assert not Residency.objects.filter(resident=departed).exists()
    entry = log(Kind.ANONYMISE).get()
    assert (entry.user, entry.resident_id, entry.reason) == (
        project_manager,
        departed.pk,
        "Moved out on 2025-03-01",
    )
    assert entry.details == {"complaints": complaint_ids}
    assert entry.row_count == len(complaint_ids)
    assert logged_properties(entry) == {prop.pk}


def test_the_admin_change_log_no_longer_names_them(departed, project_manager, agent):
    """Django's admin log named the resident (also inside the JSON of an inline change, where
    Chinese is escaped): it now says `anonymised-<id>` instead."""
    departed.name = "张伟"
    departed.save()
    residency = departed.residencies.get()
    entry = LogEntry.objects.create(
        user=agent,
        content_type=ContentType.objects.get_for_model(Resident),
        object_id=str(departed.pk),
        object_repr=str(departed),
        action_flag=CHANGE,
        change_message=json.dumps([{"added": {"name": "residency", "object": str(residency)}}]),
    )
    assert "\\u5f20\\u4f1f" in entry.change_message

    resident_anonymise(resident_id=departed.pk, actor=project_manager, reason="Moved out")

    entry.refresh_from_db()
    label = f"anonymised-{departed.pk}"
    assert entry.object_repr == label
    assert "\\u5f20\\u4f1f" not in entry.change_message
    assert "张伟" not in entry.get_change_message()
    assert label in entry.get_change_message()


def test_anonymised_resident_is_not_found_again(departed, project_manager):
    """A second anonymisation is refused: the resident is in no property any more."""
    resident_anonymise(resident_id=departed.pk, actor=project_manager, reason="Moved out")

    with pytest.raises(ComplaintError):
        resident_anonymise(resident_id=departed.pk, actor=project_manager, reason="Again")
    assert log(Kind.ANONYMISE).count() == 1


# --- Who may ------------------------------------------------------------------------------


def test_project_managers_hold_the_permission():
    assert "buildings.anonymise_resident" in ROLE_PERMISSIONS["project_manager"]


@pytest.mark.parametrize("role", ["agent", "supervisor", "handler", "team_leader"])
def test_other_roles_are_refused(request, departed, role):
    with pytest.raises(NotAllowed):
        resident_anonymise(
            resident_id=departed.pk, actor=request.getfixturevalue(role), reason="Moved out"
        )
    departed.refresh_from_db()
    assert departed.name == "Zhang Wei"


def test_a_resident_outside_the_managers_properties_is_refused(departed, other_prop):
    """Riverside's project manager cannot anonymise Lakeside's resident."""
    outsider = ProjectManagerFactory(username="riverside-manager", properties=[other_prop])

    with pytest.raises(ResidentNotFound):
        resident_anonymise(resident_id=departed.pk, actor=outsider, reason="Moved out")
    departed.refresh_from_db()
    assert departed.phone == PHONE
    assert not log().exists()


def test_a_reason_is_required(departed, project_manager):
    with pytest.raises(InvalidInput) as refused:
        resident_anonymise(resident_id=departed.pk, actor=project_manager, reason="   ")
    assert refused.value.field == "reason"
    departed.refresh_from_db()
    assert departed.name == "Zhang Wei"


def test_a_staff_login_is_not_erased(departed, project_manager, agent, unit):
    """A resident who logs in with a staff account is refused: ending the staff role comes
    first."""
    staff_resident = Resident.objects.create(user=agent, name="Na Li", phone="13600000000")
    Residency.objects.create(resident=staff_resident, unit=unit, relation="tenant")

    with pytest.raises(ComplaintError):
        resident_anonymise(resident_id=staff_resident.pk, actor=project_manager, reason="Left")
    agent.refresh_from_db()
    assert agent.is_active


# --- The admin action ---------------------------------------------------------------------


def changelist_post(client, data: dict):
    return client.post(admin_url("buildings_resident_changelist"), data, follow=True)


def test_action_asks_for_confirmation_and_a_reason(client, departed, project_manager):
    """Choosing the action shows a confirmation page naming the residents (phones masked);
    without a reason it comes back with the error; with one it anonymises."""
    client.force_login(project_manager)
    selection = {"action": "anonymise_selected", "_selected_action": [departed.pk]}

    confirm = changelist_post(client, selection)
    assert confirm.templates[0].name == "admin/buildings/resident/anonymise.html"
    page = confirm.content.decode()
    assert "Zhang Wei (138****1234)" in page
    assert PHONE not in page
    departed.refresh_from_db()
    assert departed.anonymised_at is None

    no_reason = changelist_post(client, {**selection, "apply": "1", "reason": ""})
    assert "reason" in no_reason.context["form"].errors
    departed.refresh_from_db()
    assert departed.anonymised_at is None

    done = changelist_post(client, {**selection, "apply": "1", "reason": "Moved out"})
    assert messages(done) == ["1 resident anonymised."]
    departed.refresh_from_db()
    assert departed.anonymised_at is not None


def test_action_is_not_offered_without_the_permission(client, departed, agent):
    """Agents do not see the action, and posting it anyway anonymises nobody."""
    client.force_login(agent)

    listing = client.get(admin_url("buildings_resident_changelist")).content.decode()
    changelist_post(
        client,
        {
            "action": "anonymise_selected",
            "_selected_action": [departed.pk],
            "apply": "1",
            "reason": "Moved out",
        },
    )

    assert 'value="anonymise_selected"' not in listing
    departed.refresh_from_db()
    assert departed.anonymised_at is None


def test_action_ignores_residents_of_other_properties(
    client, departed, foreign_resident, project_manager
):
    """A posted id of another property's resident is not in the list, so not anonymised."""
    client.force_login(project_manager)

    changelist_post(
        client,
        {
            "action": "anonymise_selected",
            "_selected_action": [foreign_resident.pk],
            "apply": "1",
            "reason": "Moved out",
        },
    )

    foreign_resident.refresh_from_db()
    assert foreign_resident.anonymised_at is None
    assert foreign_resident.name == "Lin Tao"


def test_messages_to_the_resident_lose_their_name(departed, agent, project_manager, client):
    """A script names the resident ({resident}); once they are anonymised the name is
    gone from the message, its history row (the staff history page and the API read it)
    and its notification."""
    from complaints.models import ComplaintMessage, Notification, ReplyScript, Transition
    from complaints.services import complaint_message_send

    complaint = Complaint.objects.get(resident=departed, state=State.DISPATCHED)
    script = ReplyScript.objects.create(
        title="Delay",
        situation=ReplyScript.Situation.DELAY,
        text_zh_hans="{resident}，非常抱歉让您久等。",
        text_en="Dear {resident}, we are sorry for the wait.",
    )
    complaint_message_send(complaint_id=complaint.pk, actor=agent, script=script, language="en")
    name = departed.name
    assert name in ComplaintMessage.objects.get(complaint=complaint).body

    resident_anonymise(resident_id=departed.pk, actor=project_manager, reason="Moved out")

    message = ComplaintMessage.objects.get(complaint=complaint)
    row = complaint.history.filter(transition=Transition.MESSAGE).get()
    notification = Notification.objects.get(complaint=complaint, kind=Notification.Kind.MESSAGE)
    for text in (message.body, row.history_change_reason, json.dumps(notification.params)):
        assert name not in text
        assert f"anonymised-{departed.pk}" in text
    client.force_login(agent)
    page = client.get(admin_url("complaints_complaint_history", complaint.pk)).content.decode()
    assert name not in page
