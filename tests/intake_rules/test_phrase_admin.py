"""The emergency phrase admin (issue 17): a project manager keeps their property's
phrases and tests a sentence against them; the complaint's page names the matched phrase
and classifying records the agent's confirmation or downgrade beside it."""

import pytest
from django.urls import reverse
from factories import ComplaintFactory

from complaints.models import EmergencyPhrase, Level, Transition
from complaints.services import complaint_accept, complaint_classify

pytestmark = pytest.mark.django_db

TEST_URL = "admin:complaints_emergencyphrase_test"


def test_project_manager_adds_a_phrase_that_the_next_filing_uses(
    pm_client, prop, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = pm_client.post(
            reverse("admin:complaints_emergencyphrase_add"),
            {"phrase": " 电梯困人 ", "language": "zh-hans", "property": prop.pk, "is_active": "on"},
        )

    assert response.status_code == 302
    assert EmergencyPhrase.objects.get(property=prop).phrase == "电梯困人"
    complaint = ComplaintFactory(resident=resident, description="3号楼电梯困人，快来人")
    assert complaint.emergency_phrase == "电梯困人"


def test_project_manager_must_choose_their_property(pm_client, other_prop):
    """No property (= every property) and another property are refused in the form."""
    for chosen in ("", other_prop.pk):
        response = pm_client.post(
            reverse("admin:complaints_emergencyphrase_add"),
            {"phrase": "漏水", "language": "zh-hans", "property": chosen, "is_active": "on"},
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["property"]
    assert not EmergencyPhrase.objects.filter(phrase="漏水").exists()


def test_duplicate_phrase_is_a_form_error(pm_client, prop):
    EmergencyPhrase.objects.create(phrase="漏水", language="zh-hans", property=prop)
    response = pm_client.post(
        reverse("admin:complaints_emergencyphrase_add"),
        {"phrase": "漏水", "language": "zh-hans", "property": prop.pk, "is_active": "on"},
    )
    assert response.status_code == 200
    assert EmergencyPhrase.objects.filter(phrase="漏水").count() == 1


def test_project_manager_lists_only_their_propertys_phrases(pm_client, prop, other_prop):
    EmergencyPhrase.objects.create(phrase="水漫金山", language="zh-hans", property=prop)
    EmergencyPhrase.objects.create(phrase="天花板塌了", language="zh-hans", property=other_prop)

    page = pm_client.get(reverse("admin:complaints_emergencyphrase_changelist"))
    content = page.content.decode()

    assert "水漫金山" in content
    assert "天花板塌了" not in content
    assert reverse(TEST_URL) in content


def test_test_form_names_the_matched_phrase(pm_client, prop):
    EmergencyPhrase.objects.create(phrase="电梯困人", language="zh-hans", property=prop)

    matched = pm_client.get(reverse(TEST_URL), {"property": prop.pk, "sentence": "2号电梯困人"})
    negated = pm_client.get(
        reverse(TEST_URL), {"property": prop.pk, "sentence": "电梯停了，没有人被困, not on fire"}
    )

    assert matched.status_code == 200
    assert matched.context["result"]["phrase"] == "电梯困人"
    assert "matched 电梯困人" in matched.content.decode()
    assert negated.context["result"]["phrase"] == ""
    assert "No phrase matched." in negated.content.decode()


def test_test_form_refuses_another_property(pm_client, other_prop):
    response = pm_client.get(reverse(TEST_URL), {"property": other_prop.pk, "sentence": "困人"})
    assert response.status_code == 200
    assert response.context["result"] is None
    assert response.context["form"].errors["property"]


def test_test_form_needs_the_view_permission(client, handler):
    client.force_login(handler)
    assert client.get(reverse(TEST_URL)).status_code == 403


def test_change_page_shows_the_matched_phrase_and_history_keeps_it(
    client, agent, resident, django_capture_on_commit_callbacks
):
    """The agent downgrades the suspected emergency to level II when classifying: the
    classify row of the history records level II beside the phrase that matched."""
    complaint = ComplaintFactory(resident=resident, description="电梯困人，门打不开")
    client.force_login(agent)

    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert "(matched 困人)" in page.content.decode()

    complaint_accept(complaint_id=complaint.pk, actor=agent)
    from complaints.models import Category

    complaint_classify(
        complaint_id=complaint.pk,
        actor=agent,
        category=Category.objects.get(code="elevator"),
        level=Level.II,
    )
    row = complaint.history.latest()
    assert row.transition == Transition.CLASSIFY
    assert row.history_user == agent
    assert (row.level, row.suspected_emergency, row.emergency_phrase) == (Level.II, True, "困人")
    created = complaint.history.earliest()
    assert (created.transition, created.emergency_phrase) == (Transition.CREATE, "困人")
