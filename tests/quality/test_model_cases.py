"""The case library (投诉处理知识库): agents and project managers write up a closed
complaint, without personal data; cases are searched by category and text and suggested
on the change and intake pages of complaints of the same category."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import CategoryFactory
from quality_helpers import act_url, admin_url, messages

from complaints import services
from complaints.exceptions import ComplaintNotFound, InvalidInput, NotAllowed, WrongState
from complaints.models import ModelCase

pytestmark = pytest.mark.django_db

TEXT = {
    "title": "Door bell wiring",
    "what_happened": "The door bell stopped after the rain.",
    "what_fixed_it": "Dried and resealed the junction box.",
    "what_to_avoid": "Do not wait for a second visit to check the box.",
}


def write(complaint, actor, **changes):
    return services.model_case_write(complaint_id=complaint.pk, actor=actor, **{**TEXT, **changes})


@pytest.fixture
def closed(walk, now):
    return walk("closed")


def test_an_agent_writes_up_a_closed_complaint(closed, agent):
    case = write(closed, agent)

    assert (case.complaint, case.category, case.written_by) == (closed, closed.category, agent)
    assert case.history.latest().history_user == agent


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("what_happened", "Called her on 13812345678 twice.", "phone number"),
        ("what_happened", "Called her on 138-1234-5678 twice.", "phone number"),
        ("what_fixed_it", "Reached him at 021 6543 210.", "phone number"),
        ("what_to_avoid", "The lady in 1201 is impatient.", "unit number 1201"),
        ("what_to_avoid", "Room 2-1101 was flooded too.", "unit number 1101"),
        ("title", "Zhang Wei's door bell", "resident's name"),
        ("what_happened", "wei zhang called twice.", "resident's name"),
    ],
)
def test_a_write_up_with_personal_data_is_refused(closed, agent, resident2, field, text, message):
    """A phone number (7 digits or more, separators or not), a unit number of the
    building (1201 is the complaint's own, 1101 the neighbour's) or the resident's name."""
    with pytest.raises(InvalidInput) as error:
        write(closed, agent, **{field: text})

    assert error.value.field == field
    assert message in error.value.message
    assert not ModelCase.objects.exists()


def test_numbers_that_are_not_personal_data_pass(closed, agent):
    case = write(closed, agent, what_fixed_it="Fixed within 30 minutes, 2 visits, 120 yuan.")

    assert case.what_fixed_it.startswith("Fixed within 30")


def test_who_may_write_and_when(walk, closed, agent, handler, supervisor, project_manager):
    open_complaint = walk("dispatched")
    with pytest.raises(WrongState):
        write(open_complaint, agent)
    for refused in (handler, supervisor):
        with pytest.raises(NotAllowed):
            write(closed, refused)
    write(closed, project_manager)
    with pytest.raises(WrongState):
        write(closed, agent)


def test_marking_from_the_complaint_page(client, closed, agent):
    client.force_login(agent)
    page = client.get(admin_url("complaints_complaint_change", closed.pk)).content.decode()
    assert "pd-action-model_case" in page

    refused = client.post(
        act_url(closed, "model_case"),
        {"expected_state": closed.state, **TEXT, "what_happened": "Call 13812345678."},
    )
    assert refused.status_code == 200
    assert "Remove the phone number" in refused.content.decode()

    done = client.post(
        act_url(closed, "model_case"), {"expected_state": closed.state, **TEXT}, follow=True
    )
    assert messages(done) == [("success", f"{closed.reference}: Mark as a model case done.")]
    assert ModelCase.objects.get().title == TEXT["title"]


def test_cases_are_searched_by_category_and_text(client, closed, agent, walk, handler):
    write(closed, agent)
    other_category = CategoryFactory(name_en="Parking")
    other = walk("closed", category=other_category)
    write(
        other,
        agent,
        title="Parking barrier",
        what_happened="The barrier stayed down.",
        what_fixed_it="Reset the controller.",
    )
    client.force_login(handler)
    changelist = admin_url("complaints_modelcase_changelist")

    by_text = client.get(changelist, {"q": "junction box"}).content.decode()
    by_category = client.get(
        changelist, {"category__id__exact": other_category.pk}
    ).content.decode()

    assert "Door bell wiring" in by_text and "Parking barrier" not in by_text
    assert "Parking barrier" in by_category and "Door bell wiring" not in by_category


def test_cases_are_suggested_for_the_same_category(client, closed, agent, walk, category):
    write(closed, agent)
    same = walk("dispatched")
    other = walk("dispatched", category=CategoryFactory(name_en="Parking"))
    client.force_login(agent)

    with CaptureQueriesContext(connection) as queries:
        same_page = client.get(admin_url("complaints_complaint_change", same.pk)).content.decode()
    # Read now: a request made outside a capture empties the connection's query log.
    case_queries = [q for q in queries if 'FROM "complaints_modelcase"' in q["sql"]]
    other_page = client.get(admin_url("complaints_complaint_change", other.pk)).content.decode()
    own_page = client.get(admin_url("complaints_complaint_change", closed.pk)).content.decode()
    intake = client.post(
        admin_url("complaints_complaint_add"), {"channel": "phone", "category": category.pk}
    ).content.decode()

    assert "Model cases of this category" in same_page and "Door bell wiring" in same_page
    assert TEXT["what_fixed_it"][:40] in same_page
    assert len(case_queries) == 1
    # The box's two texts: no column of the complaint, its writer or its category.
    columns = case_queries[0]["sql"].split(" FROM ")[0]
    assert "complaints_complaint" not in columns and "auth_user" not in columns
    assert "Door bell wiring" not in other_page
    assert "Door bell wiring" not in own_page  # not suggested to itself
    assert "Door bell wiring" in intake
    assert (
        "Door bell wiring" not in client.get(admin_url("complaints_complaint_add")).content.decode()
    )


def test_a_case_is_read_and_rewritten_in_its_property_only(client, closed, agent, other_agent):
    case = write(closed, agent)
    url = admin_url("complaints_modelcase_change", case.pk)

    client.force_login(other_agent)
    listed = client.get(admin_url("complaints_modelcase_changelist")).content.decode()
    assert "Door bell wiring" not in listed
    assert client.get(url).url == admin_url("index")
    assert client.post(url, {**TEXT, "title": "Taken"}).url == admin_url("index")
    with pytest.raises(ComplaintNotFound):
        services.model_case_change(case_id=case.pk, actor=other_agent, **TEXT)

    client.force_login(agent)
    with_phone = client.post(url, {**TEXT, "what_to_avoid": "Ring 138 1234 5678"})
    assert "Remove the phone number" in with_phone.content.decode()
    assert client.post(url, {**TEXT, "title": "Door bell, rain"}).status_code == 302
    case.refresh_from_db()
    assert case.title == "Door bell, rain"
    assert case.history.count() == 2
