"""Repeat problems in the workspace: the change page says when a complaint belongs to one
and lists the related complaints; the list filters by it."""

import re
from datetime import timedelta

import pytest
from factories import CategoryFactory, ComplaintFactory
from workspace_helpers import admin_url, change_url

from complaints import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def file(time_machine, now, resident, unit, category):
    """`file(days)` files a door-bell complaint about the resident's unit `days` after
    the frozen now; the clock stays there."""

    def _file(days: int, **extra):
        time_machine.move_to(now + timedelta(days=days), tick=False)
        return services.complaint_create(
            actor=resident.user,
            description="The door bell does not ring",
            unit=unit,
            **{"category": category, **extra},
        )

    return _file


def test_the_change_page_names_the_repeat_problem_and_its_complaints(client, agent, file):
    first, second = file(0), file(3)
    third = file(5)
    client.force_login(agent)

    content = client.get(change_url(third)).content.decode()

    assert "Repeat problem: three or more complaints about this place and category" in content
    assert "since 2025-03-15 09:30." in content  # the third's filing, Shanghai time
    assert "2 related complaints: same place and category, filed within 30 days" in content
    assert first.reference in content and second.reference in content


def test_an_old_members_page_lists_its_group(client, agent, file, time_machine, now):
    """Two months on, the first complaint's page still lists the two filed after it."""
    first, second, third = file(0), file(3), file(5)
    time_machine.move_to(now + timedelta(days=60), tick=False)
    client.force_login(agent)

    content = client.get(change_url(first)).content.decode()

    assert "Repeat problem:" in content
    assert "2 related complaints: same place and category" in content
    assert second.reference in content and third.reference in content


def test_an_unclassified_complaint_lists_the_same_place(client, agent, file):
    first = file(0)
    unclassified = file(3, category=None)
    client.force_login(agent)

    content = client.get(change_url(unclassified)).content.decode()

    assert "1 complaint about the same place, filed within 30 days of this one" in content
    assert first.reference in content


def test_a_complaint_of_no_repeat_problem_says_nothing_of_one(client, agent, file):
    first = file(0)
    second = file(3)
    client.force_login(agent)

    content = client.get(change_url(second)).content.decode()

    assert "Repeat problem:" not in content
    assert "1 related complaint: same place and category, filed within 30 days" in content
    assert first.reference in content


def test_the_list_filters_by_repeat_problem(client, agent, file, resident2):
    group = [file(0), file(3), file(5)]
    lone = ComplaintFactory(resident=resident2, description="Stairwell light flickers")
    client.force_login(agent)
    url = admin_url("complaints_complaint_changelist")

    members = client.get(url, {"repeat": "yes"})
    others = client.get(url, {"repeat": "no"})

    assert [c.pk for c in members.context["cl"].result_list] == sorted(
        (c.pk for c in group), reverse=True
    )
    assert [c.pk for c in others.context["cl"].result_list] == [lone.pk]
    assert "By repeat problem" in members.content.decode()


def test_the_list_marks_the_members(client, agent, file, resident2):
    group = [file(0), file(3), file(5)]
    lone = ComplaintFactory(resident=resident2, description="Stairwell light flickers")
    client.force_login(agent)

    content = client.get(admin_url("complaints_complaint_changelist")).content.decode()

    marked = re.findall(r'>(TS\d+)</a> <span class="pd-repeat"', content)
    assert sorted(marked) == sorted(c.reference for c in group)
    assert lone.reference in content


def test_intake_hint_change_page_list_and_report_agree(
    client, agent, file, now, prop, resident, unit, category
):
    """One definition everywhere: three door-bell complaints about the unit within 30
    days and one of another category. The intake hint for a fourth call lists the three,
    each member's change page lists the other two, the list tags the three, and the
    month's analysis counts those three for the building and the category."""
    from complaints.models import Channel
    from complaints.reports import analysis_compute, month_of

    group = [file(0), file(3), file(5)]
    other = file(6, category=CategoryFactory(code="test-tap", name_en="Tap"))
    references = {c.reference for c in group}
    client.force_login(agent)

    hint = client.post(
        admin_url("complaints_complaint_add"),
        {
            "channel": Channel.PHONE,
            "resident": resident.pk,
            "unit": unit.pk,
            "building": "",
            "location_text": "Door",
            "category": category.pk,
            "description": "The door bell still does not ring.",
            "contact_name": "",
            "contact_phone": "",
            "preferred_contact_time": "",
        },
    )
    boxes = {
        c.reference: {o.reference for o in client.get(change_url(c)).context["pd_repeats"]}
        for c in group
    }
    listed = client.get(admin_url("complaints_complaint_changelist")).content.decode()
    report = analysis_compute(property_id=prop.pk, month=month_of(group[-1].created_at))

    assert {c.reference for c in hint.context["repeats"]} == references
    assert boxes == {ref: references - {ref} for ref in references}
    assert set(re.findall(r'>(TS\d+)</a> <span class="pd-repeat"', listed)) == references
    assert other.reference in listed
    (building,) = report["buildings"]
    assert building["repeats"] == len(references)
    repeats = {entry["id"]: entry["repeats"] for entry in report["categories"]}
    assert repeats == {category.pk: 3, other.category_id: 0}


def test_the_change_page_box_shows_only_what_the_viewer_may_see(
    client, file, agent, env_handler, environment, category
):
    """A handler of another team sees the member dispatched to their team and not the
    other members in its related box: the box stays within the viewer's complaints."""
    group = [file(0), file(3), file(5)]
    services.complaint_accept(complaint_id=group[0].pk, actor=agent)
    services.complaint_classify(complaint_id=group[0].pk, actor=agent, category=category)
    services.complaint_dispatch(complaint_id=group[0].pk, actor=agent, team=environment)
    client.force_login(env_handler)

    response = client.get(change_url(group[0]))

    assert response.status_code == 200
    assert list(response.context["pd_repeats"]) == []
    assert response.context["pd_repeat_since"] is not None
