"""Reply scripts (话术): filled from the complaint and escaped, picked and edited on the
complaint page, sent to the resident's timeline and notifications and into history;
refused to those who may not write, never offering a retired or foreign script."""

import pytest
from django.urls import reverse
from factories import ComplaintFactory, UnitFactory
from helpers import assert_history
from quality_helpers import act_url, admin_url, messages

from complaints import services
from complaints.exceptions import ComplaintNotFound, InvalidInput, NotAllowed, WrongState
from complaints.models import ComplaintMessage, Notification, ReplyScript, Transition
from complaints.portal.display import due_words
from complaints.quality.scripts import script_fill, script_fill_html

pytestmark = pytest.mark.django_db


def test_placeholders_are_filled_from_the_complaint(dispatched, script):
    """{resident}, {team}, {reference} and {promised_time} (the stored resolve deadline,
    in words) are filled in; the Chinese text addresses the resident as 业主."""
    zh = script_fill(script, dispatched, language="zh-hans")
    en = script_fill(script, dispatched, language="en")

    assert zh.startswith("Zhang Wei业主您好，非常抱歉")
    assert "安排Engineering处理" in zh and dispatched.reference in zh
    assert en.startswith("Dear Zhang Wei, we are very sorry")
    assert f"will finish by {due_words(dispatched.resolve_due)}." in en
    assert "{" not in zh + en


def test_placeholders_are_escaped(walk, resident, script, agent, client, now):
    """A resident named <script> is escaped on the preview, the form and the portal."""
    resident.name = "<script>alert(1)</script>"
    resident.save()
    complaint = walk("dispatched")

    preview = script_fill_html(script, complaint, language="en")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview
    assert "<script>" not in preview

    client.force_login(agent)
    page = client.get(act_url(complaint)).content.decode()
    assert "&lt;script&gt;alert(1)" in page and "<script>alert(1)" not in page

    services.complaint_message_send(
        complaint_id=complaint.pk, actor=agent, script=script, language="en"
    )
    client.force_login(resident.user)
    portal = client.get(reverse("portal:complaint_detail", args=[complaint.pk])).content.decode()
    assert "Dear &lt;script&gt;alert(1)&lt;/script&gt;, we are very sorry" in portal
    assert "<script>alert(1)" not in portal


def test_unknown_braces_stay_as_written(dispatched, make_script):
    script = make_script(text_en="Code {0} and {resident.__class__} and {team}")

    assert script_fill(script, dispatched, language="en") == (
        "Code {0} and {resident.__class__} and Engineering"
    )


def test_agent_picks_a_script_edits_it_and_sends(client, agent, dispatched, script):
    """Each message is the agent's own edit of the script; the script stays as it was."""
    client.force_login(agent)

    first = client.post(
        act_url(dispatched),
        {
            "expected_state": dispatched.state,
            "script": script.pk,
            "language": "en",
            "body": "Dear Zhang Wei, sorry! The plumber comes at 3 pm today.",
        },
        follow=True,
    )
    second = client.post(
        act_url(dispatched),
        {"expected_state": dispatched.state, "script": script.pk, "language": "zh-hans"},
        follow=True,
    )

    assert messages(first) == [("success", f"{dispatched.reference}: Write to the resident done.")]
    assert second.status_code == 200
    sent = list(ComplaintMessage.objects.filter(complaint=dispatched))
    assert [m.body for m in sent] == [
        "Dear Zhang Wei, sorry! The plumber comes at 3 pm today.",
        script_fill(script, dispatched, language="zh-hans"),
    ]
    assert [(m.script, m.sent_by, m.language) for m in sent] == [
        (script, agent, "en"),
        (script, agent, "zh-hans"),
    ]
    script.refresh_from_db()
    assert script.text_en.startswith("Dear {resident}")


def test_fill_in_puts_the_script_into_the_message_without_sending(
    client, agent, dispatched, script
):
    client.force_login(agent)

    response = client.post(
        act_url(dispatched),
        {"expected_state": dispatched.state, "script": script.pk, "language": "en", "fill": "1"},
    )

    assert response.status_code == 200
    assert "The script is filled in below" in response.content.decode()
    assert response.context["form"]["body"].value() == script_fill(
        script, dispatched, language="en"
    )
    assert not ComplaintMessage.objects.exists()


def test_message_lands_in_timeline_notifications_and_history(
    client, agent, dispatched, script, resident
):
    body = "Dear Zhang Wei, the plumber comes at 3 pm."
    services.complaint_message_send(complaint_id=dispatched.pk, actor=agent, body=body)

    assert_history(dispatched, transition=Transition.MESSAGE, user=agent, reason=body)
    notification = Notification.objects.get(recipient=resident.user, kind="message")
    assert notification.text == f"A message about your complaint {dispatched.reference}: {body}"
    client.force_login(resident.user)
    detail = client.get(reverse("portal:complaint_detail", args=[dispatched.pk]))
    assert "Message from Na Li" in detail.content.decode()
    assert body in detail.content.decode()
    listed = client.get(reverse("portal:notifications")).content.decode()
    assert f"A message about your complaint {dispatched.reference}" in listed
    # The complaint's state did not move.
    dispatched.refresh_from_db()
    assert dispatched.state == "dispatched"


def test_the_change_page_offers_writing_to_the_resident(client, agent, handler, dispatched):
    client.force_login(agent)
    page = client.get(admin_url("complaints_complaint_change", dispatched.pk))
    assert 'class="pd-action pd-action-message"' in page.content.decode()

    client.force_login(handler)
    page = client.get(admin_url("complaints_complaint_change", dispatched.pk))
    assert page.status_code == 200
    assert "pd-action-message" not in page.content.decode()


def test_a_handler_may_not_write_to_the_resident(client, handler, dispatched, script):
    """Refused by the service and by the page; nothing is recorded."""
    with pytest.raises(NotAllowed):
        services.complaint_message_send(complaint_id=dispatched.pk, actor=handler, body="Hi")

    client.force_login(handler)
    response = client.post(
        act_url(dispatched),
        {"expected_state": dispatched.state, "body": "Hi", "language": "en"},
        follow=True,
    )
    assert messages(response) == [("error", "You may not write to residents.")]
    shown = client.get(act_url(dispatched), follow=True)
    assert messages(shown)[0][0] == "warning"
    assert not ComplaintMessage.objects.exists()
    assert not dispatched.history.filter(transition=Transition.MESSAGE).exists()


def test_staff_of_another_property_cannot_find_the_complaint(other_agent, dispatched):
    with pytest.raises(ComplaintNotFound):
        services.complaint_message_send(complaint_id=dispatched.pk, actor=other_agent, body="Hi")


def test_a_complaint_without_a_resident_account_cannot_be_written_to(agent, prop):
    complaint = ComplaintFactory(
        actor=agent,
        resident=None,
        property=prop,
        unit=UnitFactory(building__property=prop),
        channel="phone",
        description="Phoned in: the hall light flickers",
    )
    with pytest.raises(WrongState):
        services.complaint_message_send(complaint_id=complaint.pk, actor=agent, body="Hi")


def test_an_empty_message_is_refused(agent, dispatched):
    with pytest.raises(InvalidInput) as error:
        services.complaint_message_send(complaint_id=dispatched.pk, actor=agent, body="  ")
    assert error.value.field == "body"


def test_retired_and_other_category_scripts_are_not_offered(
    client, agent, dispatched, script, make_script
):
    retired = make_script(title="Old wording", is_active=False)
    other_category = make_script(title="Parking", category=None)
    other_category.category = type(dispatched.category).objects.create(
        code="parking-test", name_zh_hans="停车", name_en="Parking"
    )
    other_category.save()
    any_category = make_script(title="For every category", category=None)
    client.force_login(agent)

    form = client.get(act_url(dispatched)).context["form"]
    offered = set(form.fields["script"].queryset)

    assert offered == {script, any_category}
    for refused in (retired, other_category):
        response = client.post(
            act_url(dispatched),
            {"expected_state": dispatched.state, "script": refused.pk, "language": "en"},
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        with pytest.raises(InvalidInput):
            services.complaint_message_send(
                complaint_id=dispatched.pk, actor=agent, script=refused, language="en"
            )
    assert not ComplaintMessage.objects.exists()


def test_a_script_of_another_property_is_not_offered(dispatched, make_script, other_prop):
    from complaints.quality.selectors import reply_scripts_offered

    own = make_script(title="Ours", property=dispatched.property)
    make_script(title="Theirs", property=other_prop)

    assert set(reply_scripts_offered(dispatched)) == {own}


# --- Managing scripts in the admin ---------------------------------------------------------


def script_data(prop=None, **changes) -> dict:
    data = {
        "title": "Lift apology",
        "situation": "delay",
        "category": "",
        "property": prop.pk if prop is not None else "",
        "text_zh_hans": "非常抱歉，{resident}。",
        "text_en": "We are very sorry, {resident}.",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_a_project_manager_adds_a_script_for_their_property(client, project_manager, prop):
    client.force_login(project_manager)

    response = client.post(admin_url("complaints_replyscript_add"), script_data(prop))

    assert response.status_code == 302
    assert ReplyScript.objects.get().property == prop
    assert ReplyScript.objects.get().history.count() == 1


def test_an_unknown_placeholder_is_refused(client, project_manager, prop):
    client.force_login(project_manager)

    response = client.post(
        admin_url("complaints_replyscript_add"),
        script_data(prop, text_en="Dear {name}, sorry about {reference}."),
    )

    assert "Unknown placeholder {name}: use {resident}, {team}" in response.content.decode()
    assert not ReplyScript.objects.exists()


def test_a_project_manager_may_not_add_a_company_wide_or_foreign_script(
    client, project_manager, other_prop
):
    client.force_login(project_manager)

    company = client.post(admin_url("complaints_replyscript_add"), script_data())
    foreign = client.post(admin_url("complaints_replyscript_add"), script_data(other_prop))

    assert "company-wide scripts are kept by head office" in company.content.decode()
    assert "Select a valid choice" in foreign.content.decode()
    assert not ReplyScript.objects.exists()


def test_another_propertys_manager_cannot_see_or_change_a_script(
    client, make_script, prop, other_prop
):
    from factories import ProjectManagerFactory

    ours = make_script(title="Ours only", property=prop)
    outsider = ProjectManagerFactory(properties=[other_prop])
    client.force_login(outsider)

    listing = client.get(admin_url("complaints_replyscript_changelist"))
    change = client.post(
        admin_url("complaints_replyscript_change", ours.pk), script_data(other_prop)
    )

    assert "Ours only" not in listing.content.decode()
    assert change.status_code == 302 and change.url == admin_url("index")
    ours.refresh_from_db()
    assert ours.property == prop


def test_company_wide_scripts_are_read_only_for_a_project_manager(
    client, project_manager, script, prop
):
    client.force_login(project_manager)

    page = client.get(admin_url("complaints_replyscript_change", script.pk))
    post = client.post(admin_url("complaints_replyscript_change", script.pk), script_data(prop))

    assert page.status_code == 200 and 'name="title"' not in page.content.decode()
    assert post.status_code == 403


def test_a_used_script_is_retired_not_deleted(
    client, project_manager, agent, make_script, dispatched
):
    used = make_script(title="Used", property=dispatched.property)
    unused = make_script(title="Unused", property=dispatched.property)
    services.complaint_message_send(complaint_id=dispatched.pk, actor=agent, script=used)
    client.force_login(project_manager)

    refused = client.post(admin_url("complaints_replyscript_delete", used.pk), {"post": "yes"})
    deleted = client.post(admin_url("complaints_replyscript_delete", unused.pk), {"post": "yes"})
    retired = client.post(
        admin_url("complaints_replyscript_change", used.pk),
        script_data(dispatched.property, title="Used", is_active=""),
    )

    assert refused.status_code == 403
    assert deleted.status_code == 302
    assert retired.status_code == 302
    assert list(ReplyScript.objects.all()) == [used]
    used.refresh_from_db()
    assert used.is_active is False
    assert used.messages.count() == 1
    assert (
        "delete_selected"
        not in client.get(admin_url("complaints_replyscript_changelist")).content.decode()
    )
