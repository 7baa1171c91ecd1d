"""complaint_handle: a member of the dispatched team records what was done."""

import pytest
from factories import HandlerFactory, image_upload
from helpers import assert_history, snapshot, transactions_open_while_photos_processed

from complaints.exceptions import ComplaintNotFound, InvalidInput, NotAllowed, WrongState
from complaints.models import Photo, State, Transition
from complaints.services import complaint_handle

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(now, walk):
    return walk(State.DISPATCHED)


def test_assigned_handler_records_the_work(now, dispatched, handler, agent):
    """Handling sets the resolution note and handled_at, keeps owner and team, and records
    "handle" by the handler."""
    complaint_handle(complaint_id=dispatched.pk, actor=handler, note="  Replaced the valve. ")

    dispatched.refresh_from_db()
    assert dispatched.state == State.HANDLED
    assert dispatched.resolution_note == "Replaced the valve."
    assert dispatched.handled_at == now
    assert dispatched.owner == agent
    assert_history(dispatched, transition=Transition.HANDLE, user=handler)


def test_another_member_of_the_team_may_handle(now, dispatched, engineering):
    """The team owns the job: a teammate who is not the assignee may record it."""
    teammate = HandlerFactory(team=engineering)

    complaint_handle(complaint_id=dispatched.pk, actor=teammate, note="Done")

    dispatched.refresh_from_db()
    assert dispatched.state == State.HANDLED
    assert_history(dispatched, transition=Transition.HANDLE, user=teammate)


def test_team_leader_may_handle(now, dispatched, team_leader):
    """The leader of the dispatched team may record the work."""
    complaint_handle(complaint_id=dispatched.pk, actor=team_leader, note="Done")

    dispatched.refresh_from_db()
    assert dispatched.state == State.HANDLED


def test_handler_of_another_team_is_refused(now, dispatched, environment):
    """A handler outside the dispatched team does not find the complaint at all."""
    gardener = HandlerFactory(team=environment)
    before = snapshot(dispatched)

    with pytest.raises(ComplaintNotFound):
        complaint_handle(complaint_id=dispatched.pk, actor=gardener, note="Done")

    assert snapshot(dispatched) == before


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_roles_without_handle_permission_are_refused(request, now, dispatched, role):
    """The owner agent and supervisors cannot mark it handled (NotAllowed)."""
    with pytest.raises(NotAllowed):
        complaint_handle(
            complaint_id=dispatched.pk, actor=request.getfixturevalue(role), note="Done"
        )


@pytest.mark.parametrize("state", [State.CLASSIFIED, State.HANDLED, State.REOPENED])
def test_wrong_state_is_refused(now, walk, team_leader, state):
    """Only a dispatched complaint can be handled: WrongState otherwise."""
    complaint = walk(state)
    before = snapshot(complaint)

    with pytest.raises(WrongState):
        complaint_handle(complaint_id=complaint.pk, actor=team_leader, note="Done")

    assert snapshot(complaint) == before


def test_empty_note_is_refused(now, dispatched, handler):
    """The handler must say what was done."""
    with pytest.raises(InvalidInput) as excinfo:
        complaint_handle(complaint_id=dispatched.pk, actor=handler, note="   ")

    assert excinfo.value.field == "note"


def test_category_needing_photos_refuses_handling_without_an_after_photo(
    now, walk, handler, photo_category
):
    """完工确认: "Leaks & pipes" needs an after photo; a before photo alone is refused on
    "after_photos" and nothing is saved (no photo rows, state unchanged)."""
    complaint = walk(State.DISPATCHED, category=photo_category)
    before = snapshot(complaint)

    with pytest.raises(InvalidInput) as excinfo:
        complaint_handle(
            complaint_id=complaint.pk,
            actor=handler,
            note="Done",
            before_photos=[image_upload("before.jpg")],
        )

    assert excinfo.value.field == "after_photos"
    assert snapshot(complaint) == before
    assert not complaint.photos.exists()


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def test_refused_handling_leaves_no_photo_files_behind(
    now, walk, handler, photo_category, media_root
):
    """SPEC §7 "nothing half-saved": when handling is refused for want of an after photo,
    the before photo's files are not left in storage either."""
    complaint = walk(State.DISPATCHED, category=photo_category)
    assert stored_files(media_root) == []

    with pytest.raises(InvalidInput):
        complaint_handle(
            complaint_id=complaint.pk,
            actor=handler,
            note="Done",
            before_photos=[image_upload("before.jpg")],
        )

    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_damaged_after_photo_leaves_no_before_photo_files(now, dispatched, handler, media_root):
    """A valid before photo and a broken after photo: refused on "photos", nothing stored."""
    with pytest.raises(InvalidInput) as excinfo:
        complaint_handle(
            complaint_id=dispatched.pk,
            actor=handler,
            note="Done",
            before_photos=[image_upload("before.jpg")],
            after_photos=[image_upload("after.jpg", content=b"not a picture")],
        )

    assert excinfo.value.field == "photos"
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_photos_are_processed_before_the_transaction_opens(
    now, dispatched, handler, media_root, monkeypatch
):
    processed_in_transaction = transactions_open_while_photos_processed(monkeypatch)

    complaint_handle(
        complaint_id=dispatched.pk,
        actor=handler,
        note="Done",
        before_photos=[image_upload("before.jpg")],
        after_photos=[image_upload("after.jpg")],
    )

    assert processed_in_transaction == [False, False]
    assert dispatched.photos.count() == 2


def test_category_needing_photos_is_handled_with_before_and_after_photos(
    now, walk, handler, photo_category
):
    """With an after photo the complaint is handled and the photos carry their steps."""
    complaint = walk(State.DISPATCHED, category=photo_category)

    complaint_handle(
        complaint_id=complaint.pk,
        actor=handler,
        note="Pipe replaced",
        before_photos=[image_upload("before.jpg")],
        after_photos=[image_upload("after.png", fmt="PNG")],
    )

    complaint.refresh_from_db()
    assert complaint.state == State.HANDLED
    assert sorted(complaint.photos.values_list("step", flat=True)) == [
        Photo.Step.AFTER,
        Photo.Step.BEFORE,
    ]
    assert set(complaint.photos.values_list("uploaded_by", flat=True)) == {handler.pk}


def test_project_manager_overriding_needs_a_reason(now, dispatched, project_manager):
    """A project manager outside the team acts only through override_owner ("act on
    complaints owned by others, with a reason"): without a reason it is refused on
    "reason" and the complaint stays dispatched."""
    before = snapshot(dispatched)

    with pytest.raises(InvalidInput) as excinfo:
        complaint_handle(complaint_id=dispatched.pk, actor=project_manager, note="Done")

    assert excinfo.value.field == "reason"
    assert snapshot(dispatched) == before


def test_project_manager_overriding_with_a_reason(now, dispatched, project_manager):
    """With a reason the project manager may record the work; the reason is in history."""
    complaint_handle(
        complaint_id=dispatched.pk,
        actor=project_manager,
        note="Contractor fixed it",
        reason="Team off site",
    )

    dispatched.refresh_from_db()
    assert dispatched.state == State.HANDLED
    assert_history(
        dispatched, transition=Transition.HANDLE, user=project_manager, reason="Team off site"
    )


def test_staff_of_another_property_do_not_find_it(now, dispatched, other_agent):
    """A complaint outside the actor's properties raises ComplaintNotFound."""
    with pytest.raises(ComplaintNotFound):
        complaint_handle(complaint_id=dispatched.pk, actor=other_agent, note="Done")
