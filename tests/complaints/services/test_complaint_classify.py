"""complaint_classify: the owner sets category and level."""

import pytest
from factories import CategoryFactory
from helpers import assert_history, snapshot

from complaints.exceptions import ComplaintNotFound, InvalidInput, NotAllowed, WrongState
from complaints.models import Level, State, Transition
from complaints.services import complaint_classify

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(now, walk):
    return walk(State.ACCEPTED)


def test_owner_classifies_with_the_categorys_default_level(now, accepted, agent, category):
    """The owner's classify sets category, the category's default level and classified_at,
    keeps the owner, and records "classify" by the owner."""
    complaint_classify(complaint_id=accepted.pk, actor=agent, category=category)

    accepted.refresh_from_db()
    assert accepted.state == State.CLASSIFIED
    assert accepted.category == category
    assert accepted.level == category.default_level == Level.II
    assert accepted.classified_at == now
    assert accepted.owner == agent
    assert_history(accepted, transition=Transition.CLASSIFY, user=agent)


def test_owner_may_choose_another_level(now, accepted, agent, category):
    """An explicit level wins over the category default (e.g. confirming an emergency)."""
    complaint_classify(complaint_id=accepted.pk, actor=agent, category=category, level=Level.I)

    accepted.refresh_from_db()
    assert accepted.level == Level.I


@pytest.mark.parametrize("state", [State.NEW, State.CLASSIFIED, State.CLOSED])
def test_wrong_state_is_refused(now, walk, agent, category, state):
    """Only an accepted complaint can be classified: others raise WrongState."""
    complaint = walk(state)
    before = snapshot(complaint)

    with pytest.raises(WrongState):
        complaint_classify(complaint_id=complaint.pk, actor=agent, category=category)

    assert snapshot(complaint) == before


@pytest.mark.parametrize("role", ["handler", "supervisor"])
def test_roles_without_classify_permission_are_refused(request, now, accepted, category, role):
    """Supervisors cannot classify (NotAllowed); a handler does not even find a complaint
    that is not their team's (ComplaintNotFound)."""
    before = snapshot(accepted)

    with pytest.raises(ComplaintNotFound if role == "handler" else NotAllowed):
        complaint_classify(
            complaint_id=accepted.pk, actor=request.getfixturevalue(role), category=category
        )

    assert snapshot(accepted) == before


@pytest.mark.parametrize("role", ["agent2", "team_leader"])
def test_staff_who_are_not_the_owner_are_refused(request, now, accepted, category, role):
    """Holding classify_complaint is not enough: only the owner classifies (NotAllowed)."""
    before = snapshot(accepted)

    with pytest.raises(NotAllowed):
        complaint_classify(
            complaint_id=accepted.pk,
            actor=request.getfixturevalue(role),
            category=category,
            reason="I was on shift",
        )

    assert snapshot(accepted) == before


def test_project_manager_overriding_needs_a_reason(now, accepted, project_manager, category):
    """A project manager acting on an agent's complaint without a reason gets InvalidInput
    on "reason", naming the owner."""
    before = snapshot(accepted)

    with pytest.raises(InvalidInput) as excinfo:
        complaint_classify(
            complaint_id=accepted.pk, actor=project_manager, category=category, reason="  "
        )

    assert excinfo.value.field == "reason"
    assert "Na Li" in excinfo.value.message
    assert snapshot(accepted) == before


def test_project_manager_overriding_with_a_reason(now, accepted, agent, project_manager, category):
    """With a reason the override is allowed, recorded in history, and the owner stays."""
    complaint_classify(
        complaint_id=accepted.pk,
        actor=project_manager,
        category=category,
        reason="Owner on sick leave",
    )

    accepted.refresh_from_db()
    assert accepted.state == State.CLASSIFIED
    assert accepted.owner == agent
    assert_history(
        accepted, transition=Transition.CLASSIFY, user=project_manager, reason="Owner on sick leave"
    )


def test_staff_of_another_property_do_not_find_it(now, accepted, other_agent, category):
    """A complaint outside the actor's properties raises ComplaintNotFound."""
    with pytest.raises(ComplaintNotFound):
        complaint_classify(complaint_id=accepted.pk, actor=other_agent, category=category)


def test_inactive_category_is_refused(now, accepted, agent):
    """A retired category cannot be chosen."""
    retired = CategoryFactory(is_active=False)

    with pytest.raises(InvalidInput) as excinfo:
        complaint_classify(complaint_id=accepted.pk, actor=agent, category=retired)

    assert excinfo.value.field == "category"


def test_unknown_level_is_refused(now, accepted, agent, category):
    """Levels are I, II or III only."""
    with pytest.raises(InvalidInput) as excinfo:
        complaint_classify(complaint_id=accepted.pk, actor=agent, category=category, level=4)

    assert excinfo.value.field == "level"
    accepted.refresh_from_db()
    assert accepted.state == State.ACCEPTED
