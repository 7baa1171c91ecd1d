"""Every (role, action) pair against the table written from SPEC §2–§3: the service
refuses (NotAllowed, or ComplaintNotFound for a complaint the actor may not see) or
allows, and the admin's `available_actions` offers exactly the allowed ones.

Each scenario is a complaint in one state (the walk's agent owns it; it is dispatched to
engineering, assigned to the engineering handler, whose leader is the team leader); the
table lists, for each action possible in that state, who may do it. Nobody else may.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from factories import (
    AgentFactory,
    CategoryFactory,
    ComplaintFactory,
    HandlerFactory,
    ProjectManagerFactory,
    SupervisorFactory,
)

from complaints import services
from complaints.admin.actions import ACTIONS, available_actions
from complaints.exceptions import ComplaintNotFound, NotAllowed
from complaints.models import Hold, State
from staff.selectors import system_user

pytestmark = pytest.mark.django_db

OWNER = "agent (owner)"
AGENT = "agent (not owner)"
HANDLER = "handler (dispatched team)"
OTHER_HANDLER = "handler (other team)"
LEADER = "team leader (dispatched team)"
MANAGER = "project manager"
SUPERVISOR = "supervisor"
RESIDENT = "resident who filed it"
SYSTEM = "system"
ACTORS = [OWNER, AGENT, HANDLER, OTHER_HANDLER, LEADER, MANAGER, SUPERVISOR, RESIDENT, SYSTEM]

# Handlers see only their team's complaints and those assigned to them (SPEC §7).
HIDDEN_BEFORE_DISPATCH = {HANDLER, OTHER_HANDLER}
HIDDEN_AFTER_DISPATCH = {OTHER_HANDLER}

# (scenario, action) -> who may do it. Every action the complaint's state allows is listed.
EXPECTED = {
    ("new", "accept"): {OWNER, AGENT, LEADER, MANAGER},
    ("new", "withdraw"): {RESIDENT},
    ("new", "merge"): {OWNER, AGENT, MANAGER},
    ("accepted", "classify"): {OWNER, MANAGER},
    ("accepted", "merge"): {OWNER, MANAGER},
    ("accepted", "transfer"): {MANAGER},
    ("accepted", "reveal_contact"): {OWNER, AGENT, MANAGER},
    ("classified", "dispatch"): {OWNER, MANAGER},
    ("classified", "set_level"): {OWNER, MANAGER},
    ("classified", "hold"): {OWNER, MANAGER},
    ("classified", "transfer"): {MANAGER},
    ("held", "resume"): {OWNER, MANAGER, SYSTEM},
    ("held", "dispatch"): {OWNER, MANAGER},
    ("held", "set_level"): {OWNER, MANAGER},
    ("held", "transfer"): {MANAGER},
    ("dispatched", "handle"): {HANDLER, LEADER, MANAGER},
    ("dispatched", "on_site"): {HANDLER, LEADER, MANAGER},
    ("dispatched", "dispatch"): {OWNER, MANAGER},
    ("dispatched", "set_level"): {OWNER, MANAGER},
    ("dispatched", "hold"): {OWNER, MANAGER},
    ("dispatched", "transfer"): {MANAGER},
    ("handled", "close"): {OWNER, MANAGER, RESIDENT, SYSTEM},
    # Staff reopen through the revisit; only a project manager overrides (SPEC §3).
    ("handled", "reopen"): {MANAGER, RESIDENT},
    ("handled", "transfer"): {MANAGER},
    ("closed", "revisit"): {OWNER, AGENT, MANAGER},
    ("closed", "reopen"): {MANAGER, RESIDENT},
    ("closed", "survey"): {RESIDENT},
    ("closed", "transfer"): {MANAGER},
    # Issue 16: writing to the resident is the owner's (or an overrider's) once accepted;
    # a closed complaint becomes a model case by an agent or a project manager.
    **{
        (scenario, "message"): {OWNER, AGENT, MANAGER} if scenario == "new" else {OWNER, MANAGER}
        for scenario in ("new", "accepted", "classified", "held", "dispatched", "handled", "closed")
    },
    ("closed", "model_case"): {OWNER, AGENT, MANAGER},
}
SCENARIO_STATES = {
    "new": State.NEW,
    "accepted": State.ACCEPTED,
    "classified": State.CLASSIFIED,
    "held": State.CLASSIFIED,
    "dispatched": State.DISPATCHED,
    "handled": State.HANDLED,
    "closed": State.CLOSED,
}


@pytest.fixture
def world(now, walk, resident, agent, agent2, handler, environment, team_leader):
    prop = agent.staff_profile.properties.get()
    return {
        OWNER: agent,
        AGENT: agent2,
        HANDLER: handler,
        OTHER_HANDLER: HandlerFactory(team=environment),
        LEADER: team_leader,
        MANAGER: ProjectManagerFactory(properties=[prop]),
        SUPERVISOR: SupervisorFactory(properties=[prop]),
        RESIDENT: resident.user,
        SYSTEM: system_user(),
    }


@pytest.fixture
def scenario_complaint(now, walk, agent):
    def make(scenario: str):
        complaint = walk(SCENARIO_STATES[scenario])
        if scenario == "held":
            services.complaint_hold(
                complaint_id=complaint.pk,
                actor=agent,
                reason=Hold.Reason.PARTS,
                resume_at=now + timedelta(hours=2),
            )
        complaint.refresh_from_db()
        return complaint

    return make


def _run(action: str, complaint, actor, *, world, resident, engineering, now):
    pk, reason = complaint.pk, "Checked in the permission matrix"
    match action:
        case "accept":
            services.complaint_accept(complaint_id=pk, actor=actor)
        case "withdraw":
            services.complaint_withdraw(complaint_id=pk, actor=actor)
        case "merge":
            into = ComplaintFactory(resident=resident)
            services.complaint_merge(complaint_id=pk, actor=actor, into_id=into.pk, reason=reason)
        case "classify":
            services.complaint_classify(
                complaint_id=pk,
                actor=actor,
                category=complaint.category or CategoryFactory(),
                reason=reason,
            )
        case "transfer":
            new_owner = AgentFactory(properties=[complaint.property])
            services.complaint_transfer_ownership(
                complaint_id=pk, actor=actor, new_owner=new_owner, reason=reason
            )
        case "reveal_contact":
            assert complaint.contact_phone
            services.complaint_reveal_contact(complaint_id=pk, actor=actor)
        case "dispatch":
            services.complaint_dispatch(
                complaint_id=pk, actor=actor, team=engineering, reason=reason
            )
        case "set_level":
            services.complaint_set_level(
                complaint_id=pk, actor=actor, level=3 if complaint.level != 3 else 2, reason=reason
            )
        case "hold":
            services.complaint_hold(
                complaint_id=pk,
                actor=actor,
                reason=Hold.Reason.ACCESS,
                resume_at=now + timedelta(hours=2),
            )
        case "resume":
            services.complaint_resume(complaint_id=pk, actor=actor)
        case "handle":
            services.complaint_handle(complaint_id=pk, actor=actor, note="Fixed.", reason=reason)
        case "on_site":
            services.complaint_mark_on_site(complaint_id=pk, actor=actor)
        case "close":
            services.complaint_close(complaint_id=pk, actor=actor, reason=reason)
        case "reopen":
            services.complaint_reopen(complaint_id=pk, actor=actor, reason="Still broken.")
        case "revisit":
            services.complaint_revisit(complaint_id=pk, actor=actor, note="Satisfied.")
        case "survey":
            services.survey_submit(complaint_id=pk, actor=actor, solved=90, speed=90, attitude=90)
        case "message":
            services.complaint_message_send(complaint_id=pk, actor=actor, body="We are on it.")
        case "model_case":
            services.model_case_write(
                complaint_id=pk,
                actor=actor,
                title="Door bell",
                what_happened="It stopped ringing.",
                what_fixed_it="New battery.",
                what_to_avoid="A second visit.",
            )
        case _:
            raise AssertionError(action)


def _refusals(scenario: str, actor: str) -> tuple[type[Exception], ...]:
    hidden = (
        HIDDEN_BEFORE_DISPATCH
        if scenario in {"new", "accepted", "classified", "held"}
        else (HIDDEN_AFTER_DISPATCH)
    )
    return (ComplaintNotFound,) if actor in hidden else (NotAllowed,)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("scenario", "action"), list(EXPECTED))
def test_service_allows_exactly_the_table(
    scenario, action, actor, world, scenario_complaint, resident, engineering, now
):
    """The service lets exactly the table's people act; it refuses everyone else with
    NotAllowed, or ComplaintNotFound when they may not see the complaint."""
    complaint = scenario_complaint(scenario)
    user = world[actor]
    run = dict(world=world, resident=resident, engineering=engineering, now=now)

    if actor in EXPECTED[(scenario, action)]:
        _run(action, complaint, user, **run)
    else:
        with pytest.raises(_refusals(scenario, actor)) as excinfo:
            _run(action, complaint, user, **run)
        assert type(excinfo.value) in (*_refusals(scenario, actor), *NotAllowed.__subclasses__())


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("scenario", list(SCENARIO_STATES))
def test_admin_offers_exactly_the_allowed_actions(scenario, actor, world, scenario_complaint):
    """The change page's buttons are the table's actions for this person, no more."""
    complaint = scenario_complaint(scenario)
    expected = {
        action
        for (row_scenario, action), people in EXPECTED.items()
        if row_scenario == scenario and actor in people and action in ACTIONS
    }

    offered = {action.name for action in available_actions(complaint, world[actor])}

    assert offered == expected


def test_table_covers_every_admin_action():
    """Every action of the admin is in some row of the table."""
    assert set(ACTIONS) <= {action for _scenario, action in EXPECTED}


def test_transfer_form_offers_exactly_whom_the_service_accepts(walk, world, agent, prop):
    """The transfer form's candidates are the people the transfer service accepts: active
    staff of the property holding the owner's permission, whatever their role is called
    (a superuser too); not staff without admin access, not the system, not the owner."""
    from django.contrib.auth.models import Permission
    from factories import UserFactory

    from complaints.admin.forms import TransferForm
    from complaints.exceptions import InvalidInput

    complaint = walk(State.ACCEPTED)
    no_admin = AgentFactory(properties=[prop])
    no_admin.is_staff = False
    no_admin.save()
    handler_with_grant = HandlerFactory(properties=[prop])
    handler_with_grant.user_permissions.add(Permission.objects.get(codename="accept_complaint"))
    superuser = UserFactory(is_superuser=True, is_staff=True)
    people = [*world.values(), no_admin, handler_with_grant, superuser]

    form = TransferForm(complaint=complaint, user=world[MANAGER])
    offered = set(form.fields["new_owner"].queryset)
    accepted = set()
    for person in people:
        if person == agent:
            continue
        try:
            with transaction.atomic():
                services.complaint_transfer_ownership(
                    complaint_id=complaint.pk, actor=world[MANAGER], new_owner=person, reason="x"
                )
                raise _RolledBack
        except _RolledBack:
            accepted.add(person)
        except InvalidInput:
            pass

    assert offered == accepted
    assert {handler_with_grant, superuser, world[AGENT], world[LEADER]} <= offered
    assert not {no_admin, world[SYSTEM], world[HANDLER], agent} & offered


class _RolledBack(Exception):
    pass
