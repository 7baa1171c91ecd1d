"""Every action form through the admin: it calls the service, says it is done, shows the
service's field errors next to their field, and refuses a stale page without a 500."""

from datetime import datetime, timedelta

import pytest
from factories import image_upload
from helpers import assert_history, snapshot
from workspace_helpers import act_url, change_url, field_error, messages, post_action

from complaints import services
from complaints.models import Complaint, Hold, Level, Notification, Photo, State, Transition

pytestmark = pytest.mark.django_db


def done(complaint: Complaint, label: str) -> list[tuple[str, str]]:
    return [("success", f"{complaint.reference}: {label} done.")]


def assert_done(response, complaint: Complaint, label: str) -> None:
    assert response.redirect_chain == [(change_url(complaint), 302)]
    assert messages(response) == done(complaint, label)


def assert_form_shown_again(response, complaint: Complaint, before: tuple) -> None:
    """The action page is rendered again (200, no redirect) and nothing was saved."""
    assert response.status_code == 200
    assert response.redirect_chain == []
    assert response.templates[0].name == "admin/complaints/complaint/action.html"
    assert snapshot(complaint) == before


# --- Each action's happy path -------------------------------------------------------------


def test_accept(client, in_state, agent):
    """Accept makes the agent the owner."""
    complaint = in_state(State.NEW)
    client.force_login(agent)

    response = post_action(client, complaint, "accept")

    assert_done(response, complaint, "Accept (become owner)")
    complaint.refresh_from_db()
    assert (complaint.state, complaint.owner) == (State.ACCEPTED, agent)
    assert_history(complaint, transition=Transition.ACCEPT, user=agent)


def test_classify_with_category_and_level(client, in_state, agent, project_manager, category):
    """Classify sets the chosen category and level (here I, which alerts the project
    manager) and computes the deadlines."""
    complaint = in_state(State.ACCEPTED)
    client.force_login(agent)

    response = post_action(
        client, complaint, "classify", {"category": category.pk, "level": str(Level.I)}
    )

    assert_done(response, complaint, "Classify")
    complaint.refresh_from_db()
    assert complaint.state == State.CLASSIFIED
    assert (complaint.category, complaint.level) == (category, Level.I)
    assert complaint.resolve_due is not None
    assert_history(complaint, transition=Transition.CLASSIFY, user=agent)
    assert Notification.objects.filter(
        recipient=project_manager, complaint=complaint, kind="level_one"
    ).exists()


def test_classify_without_level_takes_the_categorys_default(client, in_state, agent, category):
    """Leaving the level empty classifies at the category's default level."""
    complaint = in_state(State.ACCEPTED)
    client.force_login(agent)

    post_action(client, complaint, "classify", {"category": category.pk, "level": ""})

    complaint.refresh_from_db()
    assert complaint.level == category.default_level


def test_dispatch_form_proposes_the_categorys_team(client, in_state, agent, engineering):
    """The dispatch form preselects the team of the category's kind and carries the state
    it was rendered in."""
    complaint = in_state(State.CLASSIFIED)
    client.force_login(agent)

    content = client.get(act_url(complaint, "dispatch")).content.decode()

    assert f'<option value="{engineering.pk}" selected>' in content
    assert 'name="expected_state" value="classified"' in content


def test_dispatch_to_team_and_person(client, in_state, agent, handler, engineering):
    """Dispatch sends it to the chosen team and person."""
    complaint = in_state(State.CLASSIFIED)
    client.force_login(agent)

    response = post_action(
        client, complaint, "dispatch", {"team": engineering.pk, "assignee": handler.pk}
    )

    assert_done(response, complaint, "Dispatch")
    complaint.refresh_from_db()
    assert (complaint.state, complaint.team, complaint.assignee) == (
        State.DISPATCHED,
        engineering,
        handler,
    )
    assert_history(complaint, transition=Transition.DISPATCH, user=agent)


def test_dispatch_to_a_person_of_another_team_shows_the_error_at_the_person(
    client, in_state, agent, engineering, env_handler
):
    """The service's "not a member of that team" (InvalidInput.field = assignee) appears
    next to the person field; nothing is dispatched."""
    complaint = in_state(State.CLASSIFIED)
    before = snapshot(complaint)
    client.force_login(agent)

    response = post_action(
        client, complaint, "dispatch", {"team": engineering.pk, "assignee": env_handler.pk}
    )

    assert_form_shown_again(response, complaint, before)
    assert field_error(response, "assignee") == ["The assignee is not a member of that team."]


def test_handle_with_photos_when_the_category_needs_them(client, in_state, handler, photo_category):
    """A handler of the dispatched team marks a "Leaks & pipes" complaint handled with a
    before and an after photo; both are stored with their step."""
    complaint = in_state(State.DISPATCHED, category=photo_category)
    client.force_login(handler)

    response = post_action(
        client,
        complaint,
        "handle",
        {
            "note": "Replaced the seal under the sink.",
            "before_photos": [image_upload("before.jpg")],
            "after_photos": [image_upload("after.jpg", color="blue")],
        },
    )

    assert_done(response, complaint, "Mark handled")
    complaint.refresh_from_db()
    assert complaint.state == State.HANDLED
    assert complaint.resolution_note == "Replaced the seal under the sink."
    assert sorted(complaint.photos.values_list("step", flat=True)) == [
        Photo.Step.AFTER,
        Photo.Step.BEFORE,
    ]
    assert_history(complaint, transition=Transition.HANDLE, user=handler)


def test_handle_without_the_after_photo_is_refused_at_the_photo_field(
    client, in_state, handler, photo_category
):
    """Without the after photo the category asks for, the form comes back with the error
    next to "After photos" and the note kept; the complaint stays dispatched and no
    photo is stored."""
    complaint = in_state(State.DISPATCHED, category=photo_category)
    before = snapshot(complaint)
    client.force_login(handler)

    response = post_action(
        client,
        complaint,
        "handle",
        {"note": "Replaced the seal.", "before_photos": [image_upload("before.jpg")]},
    )

    assert_form_shown_again(response, complaint, before)
    assert field_error(response, "after_photos") == [
        "This category needs an after photo of the finished work."
    ]
    assert "Replaced the seal.</textarea>" in response.content.decode()
    assert not complaint.photos.exists()


def test_handle_without_photos_when_the_category_does_not_need_them(client, in_state, handler):
    """A category without the photo requirement is handled with a note only."""
    complaint = in_state(State.DISPATCHED)
    client.force_login(handler)

    post_action(client, complaint, "handle", {"note": "Fixed the door bell."})

    complaint.refresh_from_db()
    assert complaint.state == State.HANDLED


def test_close_with_reason(client, in_state, agent):
    """The owner closes a handled complaint without the resident, giving the reason."""
    complaint = in_state(State.HANDLED)
    client.force_login(agent)

    response = post_action(client, complaint, "close", {"reason": "Resident unreachable"})

    assert_done(response, complaint, "Close without confirmation")
    complaint.refresh_from_db()
    assert (complaint.state, complaint.close_reason) == (State.CLOSED, "Resident unreachable")
    assert_history(
        complaint, transition=Transition.CLOSE, user=agent, reason="Resident unreachable"
    )


def test_close_without_reason_is_refused_at_the_reason_field(client, in_state, agent):
    """Closing without a reason shows the error at the reason field; still handled."""
    complaint = in_state(State.HANDLED)
    before = snapshot(complaint)
    client.force_login(agent)

    response = post_action(client, complaint, "close", {"reason": ""})

    assert_form_shown_again(response, complaint, before)
    assert field_error(response, "reason") == ["This field is required."]


def test_revisit(client, in_state, agent):
    """Customer service records the call-back on a closed complaint."""
    complaint = in_state(State.CLOSED)
    client.force_login(agent)

    response = post_action(client, complaint, "revisit", {"note": "Happy with the repair."})

    assert_done(response, complaint, "Record revisit call")
    complaint.refresh_from_db()
    assert (complaint.state, complaint.revisit_note) == (
        State.REVISITED,
        "Happy with the repair.",
    )


def test_revisit_not_solved_reopens(client, in_state, agent):
    """Customer service records the call-back as not solved: the complaint is reopened
    with what the resident said as the reason."""
    complaint = in_state(State.CLOSED)
    client.force_login(agent)

    response = post_action(
        client, complaint, "revisit", {"solved": "not_solved", "note": "Dripping again."}
    )

    assert_done(response, complaint, "Record revisit call")
    complaint.refresh_from_db()
    assert (complaint.state, complaint.reopen_count) == (State.REOPENED, 1)
    assert complaint.revisit_note == "Dripping again."
    assert_history(complaint, transition=Transition.REOPEN, user=agent, reason="Dripping again.")


def test_reopen_is_a_project_managers_override(client, in_state, project_manager):
    """A project manager reopens a closed complaint with a reason (override), in history."""
    complaint = in_state(State.CLOSED)
    client.force_login(project_manager)

    response = post_action(client, complaint, "reopen", {"reason": "Dripping again."})

    assert_done(response, complaint, "Reopen")
    complaint.refresh_from_db()
    assert (complaint.state, complaint.reopen_count) == (State.REOPENED, 1)
    assert_history(
        complaint, transition=Transition.REOPEN, user=project_manager, reason="Dripping again."
    )


@pytest.mark.parametrize("typed", ["{reference}", "{reference_lower}", " {number} "])
def test_merge_by_reference(client, in_state, agent, typed):
    """Merge accepts the original's reference (TS0000000N, any case) or its number."""
    original = in_state(State.ACCEPTED)
    complaint = in_state(State.NEW)
    client.force_login(agent)
    into = typed.format(
        reference=original.reference,
        reference_lower=original.reference.lower(),
        number=original.pk,
    )

    response = post_action(client, complaint, "merge", {"into": into})

    assert_done(response, complaint, "Merge into another complaint")
    complaint.refresh_from_db()
    assert (complaint.state, complaint.merged_into) == (State.MERGED, original)
    assert_history(
        complaint,
        transition=Transition.MERGE,
        user=agent,
        reason=f"Duplicate of {original.reference}",
    )


@pytest.mark.parametrize(
    ("into", "error"),
    [
        ("self", "A complaint cannot be merged into itself."),
        ("abc", "Enter a complaint reference such as TS00000042."),
    ],
)
def test_merge_errors_are_shown_at_the_reference_field(client, in_state, agent, into, error):
    """Merging into itself (the service's InvalidInput.field = into) or into something
    that is not a reference shows the error next to "Duplicate of"; nothing is merged."""
    complaint = in_state(State.NEW)
    before = snapshot(complaint)
    client.force_login(agent)

    response = post_action(
        client, complaint, "merge", {"into": complaint.reference if into == "self" else into}
    )

    assert_form_shown_again(response, complaint, before)
    assert field_error(response, "into") == [error]


def test_merge_into_a_complaint_of_another_property_is_refused(
    client, in_state, agent, foreign_complaint
):
    """A reference of another property is "not found" for the agent: refused with a
    message, nothing merged, and nothing of the other complaint shown."""
    complaint = in_state(State.NEW)
    before = snapshot(complaint)
    client.force_login(agent)

    response = post_action(client, complaint, "merge", {"into": foreign_complaint.reference})

    assert messages(response) == [("error", "Complaint not found.")]
    assert snapshot(complaint) == before
    assert "Riverside lift" not in response.content.decode()


def test_set_level(client, in_state, agent):
    """The owner changes the level with a reason; the deadlines follow the new level."""
    complaint = in_state(State.CLASSIFIED)
    resolve_due = complaint.resolve_due
    client.force_login(agent)

    response = post_action(
        client, complaint, "set_level", {"level": str(Level.III), "reason": "Only a suggestion."}
    )

    assert_done(response, complaint, "Change level")
    complaint.refresh_from_db()
    assert complaint.level == Level.III
    assert complaint.resolve_due > resolve_due
    assert_history(
        complaint, transition=Transition.SET_LEVEL, user=agent, reason="Only a suggestion."
    )


def test_set_level_to_the_same_level_is_refused_at_the_level_field(client, in_state, agent):
    """Choosing the level the complaint already has shows the service's error at the
    level field."""
    complaint = in_state(State.CLASSIFIED)
    before = snapshot(complaint)
    client.force_login(agent)

    response = post_action(
        client, complaint, "set_level", {"level": str(complaint.level), "reason": "Same."}
    )

    assert_form_shown_again(response, complaint, before)
    assert field_error(response, "level") == ["The complaint already has this level."]


def test_hold_then_resume(client, now, in_state, agent, time_machine):
    """The owner puts a complaint on hold until a time, then resumes it: the Hold row is
    opened and closed, and the resolve deadline moves by the time held."""
    complaint = in_state(State.CLASSIFIED)
    resolve_due = complaint.resolve_due
    client.force_login(agent)

    response = post_action(
        client,
        complaint,
        "hold",
        {"reason": Hold.Reason.PARTS, "resume_at": "2025-03-11T09:00", "note": "Seal on order"},
    )

    assert_done(response, complaint, "Put on hold")
    complaint.refresh_from_db()
    assert complaint.held_since == now
    assert complaint.held_until == datetime(2025, 3, 11, 9, 0, tzinfo=now.tzinfo)
    hold = complaint.holds.get()
    assert (hold.reason, hold.note, hold.started_by) == (Hold.Reason.PARTS, "Seal on order", agent)

    time_machine.move_to(now + timedelta(hours=3), tick=False)
    response = post_action(client, complaint, "resume")

    assert_done(response, complaint, "Resume")
    complaint.refresh_from_db()
    assert complaint.held_since is None
    assert complaint.resolve_due == resolve_due + timedelta(hours=3)
    hold.refresh_from_db()
    assert hold.ended_by == agent


def test_hold_of_a_level_one_complaint_is_refused_at_the_reason_field(
    client, in_state, agent, category
):
    """Level I complaints cannot be put on hold: the error is shown next to "Waiting
    for"."""
    complaint = in_state(State.ACCEPTED)
    services.complaint_classify(
        complaint_id=complaint.pk, actor=agent, category=category, level=Level.I
    )
    before = snapshot(complaint)
    client.force_login(agent)

    response = post_action(
        client, complaint, "hold", {"reason": Hold.Reason.PARTS, "resume_at": "2025-03-10T11:00"}
    )

    assert_form_shown_again(response, complaint, before)
    assert field_error(response, "reason") == [
        "Level I · emergency complaints cannot be put on hold."
    ]
    assert not Hold.objects.exists()


def test_hold_until_a_past_time_is_refused_at_the_resume_field(client, in_state, agent):
    """An expected resume time in the past is refused next to its field."""
    complaint = in_state(State.CLASSIFIED)
    before = snapshot(complaint)
    client.force_login(agent)

    response = post_action(
        client, complaint, "hold", {"reason": Hold.Reason.ACCESS, "resume_at": "2025-03-09T09:00"}
    )

    assert_form_shown_again(response, complaint, before)
    assert field_error(response, "resume_at") == ["The expected resume time must be in the future."]


def test_on_site(client, now, in_state, handler):
    """A handler of the dispatched team records arriving on site; the button goes away."""
    complaint = in_state(State.DISPATCHED)
    client.force_login(handler)

    response = post_action(client, complaint, "on_site")

    assert_done(response, complaint, "Arrived on site")
    complaint.refresh_from_db()
    assert complaint.on_site_at == now
    assert 'pd-action-on_site"' not in response.content.decode()


def test_transfer_by_the_project_manager(client, in_state, project_manager, agent2):
    """Only a project manager transfers ownership; the reason lands in history."""
    complaint = in_state(State.CLASSIFIED)
    client.force_login(project_manager)

    response = post_action(
        client, complaint, "transfer", {"new_owner": agent2.pk, "reason": "Na Li is on leave."}
    )

    assert_done(response, complaint, "Transfer ownership")
    complaint.refresh_from_db()
    assert complaint.owner == agent2
    assert_history(
        complaint, transition=Transition.TRANSFER, user=project_manager, reason="Na Li is on leave."
    )


def test_transfer_offers_only_staff_who_may_own_it(
    client, in_state, project_manager, agent, agent2, handler, other_agent
):
    """The new-owner choices are the property's agents, team leaders and project managers
    other than the current owner: no handler, nobody of another property."""
    complaint = in_state(State.CLASSIFIED)
    client.force_login(project_manager)

    form = client.get(act_url(complaint, "transfer")).context["form"]

    assert set(form.fields["new_owner"].queryset) == {agent2, project_manager}


def test_overriding_without_a_reason_is_refused_at_the_reason_field(
    client, in_state, project_manager, engineering
):
    """A project manager dispatching someone else's complaint must give a reason; the
    service's error is shown next to the reason field."""
    complaint = in_state(State.CLASSIFIED)
    before = snapshot(complaint)
    client.force_login(project_manager)

    response = post_action(client, complaint, "dispatch", {"team": engineering.pk})

    assert_form_shown_again(response, complaint, before)
    assert field_error(response, "reason") == ["Give a reason: this complaint is owned by Na Li."]


def test_project_manager_handling_for_the_team_must_give_a_reason(
    client, in_state, project_manager
):
    """A project manager may handle a complaint dispatched to a team, but not silently:
    without a reason the error is shown at the reason field; with one it is handled and
    the reason is in history."""
    complaint = in_state(State.DISPATCHED)
    before = snapshot(complaint)
    client.force_login(project_manager)

    refused = post_action(client, complaint, "handle", {"note": "Fixed it myself."})

    assert_form_shown_again(refused, complaint, before)
    assert field_error(refused, "reason") == [
        "Give a reason: this complaint is dispatched to Engineering."
    ]

    handled = post_action(
        client, complaint, "handle", {"note": "Fixed it myself.", "reason": "Team off duty."}
    )

    assert_done(handled, complaint, "Mark handled")
    assert_history(
        complaint, transition=Transition.HANDLE, user=project_manager, reason="Team off duty."
    )


# --- Stale pages --------------------------------------------------------------------------


def test_stale_dispatch_form_is_refused_with_a_clear_message(
    client, in_state, agent, project_manager, engineering, environment, handler
):
    """The agent opens the dispatch form while the complaint is classified; meanwhile the
    project manager dispatches it to environment. Submitting the old form (expected_state
    "classified") does nothing and says what happened — no 500, no re-dispatch."""
    complaint = in_state(State.CLASSIFIED)
    client.force_login(agent)
    form_page = client.get(act_url(complaint, "dispatch"))
    assert form_page.context["form"]["expected_state"].value() == State.CLASSIFIED
    services.complaint_dispatch(
        complaint_id=complaint.pk,
        actor=project_manager,
        team=environment,
        reason="Drain outside, not a pipe.",
    )
    before = snapshot(complaint)

    response = client.post(
        act_url(complaint, "dispatch"),
        {"expected_state": State.CLASSIFIED, "team": engineering.pk, "assignee": handler.pk},
        follow=True,
    )

    assert response.status_code == 200
    assert response.redirect_chain == [(change_url(complaint), 302)]
    assert messages(response) == [
        (
            "warning",
            "Someone else changed this complaint meanwhile: it is now “Dispatched”. "
            "Nothing was done; check it and try again.",
        )
    ]
    assert snapshot(complaint) == before
    complaint.refresh_from_db()
    assert complaint.team == environment


def test_double_submitted_handle_is_refused_the_second_time(client, in_state, handler):
    """Pressing "Mark handled" twice (the same page submitted again) handles it once; the
    second submission gets the stale-page warning."""
    complaint = in_state(State.DISPATCHED)
    client.force_login(handler)
    data = {"expected_state": State.DISPATCHED, "note": "Fixed."}

    first = client.post(act_url(complaint, "handle"), data, follow=True)
    after_first = snapshot(complaint)
    second = client.post(act_url(complaint, "handle"), data, follow=True)

    assert messages(first) == done(complaint, "Mark handled")
    assert [level for level, _text in messages(second)] == ["warning"]
    assert snapshot(complaint) == after_first
    assert complaint.history.filter(transition=Transition.HANDLE).count() == 1


def test_second_agent_accepting_from_a_stale_page_is_told_who_owns_it(
    client, in_state, agent, agent2
):
    """SPEC §3: exactly one owner, and the others are told who owns it. Agent2 opened the
    complaint while it was new; agent1 accepted it first. Agent2's accept is refused and
    names the owner."""
    complaint = in_state(State.NEW)
    services.complaint_accept(complaint_id=complaint.pk, actor=agent)
    client.force_login(agent2)

    response = client.post(act_url(complaint, "accept"), {"expected_state": State.NEW}, follow=True)

    assert response.redirect_chain == [(change_url(complaint), 302)]
    assert messages(response) == [("warning", "Already accepted by Na Li.")]
    complaint.refresh_from_db()
    assert complaint.owner == agent


def test_accept_from_a_stale_page_of_a_withdrawn_complaint(client, in_state, agent, resident):
    """Withdrawn after the agent opened it: the accept is refused with the stale-page
    warning naming the state now, and nothing changes."""
    complaint = in_state(State.NEW)
    services.complaint_withdraw(complaint_id=complaint.pk, actor=resident.user)
    before = snapshot(complaint)
    client.force_login(agent)

    response = client.post(act_url(complaint, "accept"), {"expected_state": State.NEW}, follow=True)

    assert response.redirect_chain == [(change_url(complaint), 302)]
    assert messages(response) == [
        (
            "warning",
            "Someone else changed this complaint meanwhile: it is now “Withdrawn”. "
            "Nothing was done; check it and try again.",
        )
    ]
    assert snapshot(complaint) == before


def test_accept_message_comes_from_the_service(client, in_state, agent, agent2, monkeypatch):
    """The stale accept page asks the service, whose AlreadyAccepted is the one message."""
    complaint = in_state(State.NEW)
    services.complaint_accept(complaint_id=complaint.pk, actor=agent)
    seen = []
    accept = services.complaint_accept

    def spy(**kwargs):
        seen.append(kwargs)
        return accept(**kwargs)

    monkeypatch.setattr(services, "complaint_accept", spy)
    client.force_login(agent2)

    client.post(act_url(complaint, "accept"), {"expected_state": State.NEW})

    assert seen == [{"complaint_id": complaint.pk, "actor": agent2, "expected_state": State.NEW}]
