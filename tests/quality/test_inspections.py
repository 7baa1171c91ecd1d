"""Quality inspection (质检抽查): a monthly sample of each team's closed complaints,
reproducible from its stored seed; supervisors score it; a failure opens a corrective
action the team leader answers by its due time and a supervisor closes; inspections are
seen by supervisors and the inspected team only."""

import random
from datetime import date, datetime, timedelta

import pytest
from factories import HandlerFactory, SupervisorFactory, TeamLeaderFactory
from quality_helpers import admin_url

from complaints import services
from complaints.exceptions import ComplaintNotFound, InvalidInput, NotAllowed, WrongState
from complaints.models import CorrectiveAction, Inspection, InspectionDraw, Notification
from complaints.quality.sampling import draw_repeat, sample_size
from complaints.quality.selectors import inspection_list_visible_to
from complaints.schedules import SCHEDULES
from complaints.tasks import inspections_monthly_draw

pytestmark = pytest.mark.django_db

FEB = date(2025, 2, 1)


def in_feb(day: int = 10) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(2025, 2, day, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def env_handler(environment):
    return HandlerFactory(username="env-handler", team=environment)


@pytest.mark.parametrize(
    ("closed", "expected"),
    [(0, 0), (1, 1), (2, 2), (3, 3), (10, 3), (60, 3), (61, 4), (100, 5), (200, 10)],
)
def test_sample_size_is_five_percent_at_least_three_never_more_than_closed(closed, expected):
    from decimal import Decimal

    assert sample_size(closed, rate_percent=Decimal("5"), minimum=3) == expected


def test_the_draw_is_proportional_reproducible_and_only_of_the_teams_closed(
    settings, closed_for, engineering, environment, env_handler, walk, time_machine
):
    """Engineering closed 8 in February (50 %: 4 drawn), environment 2 (both drawn);
    complaints closed in March or still open are not in February's population."""
    settings.PROPERTYDESK_INSPECTION_SAMPLE_PERCENT = 50
    engineering_closed = closed_for(engineering, 8, at=in_feb())
    environment_closed = closed_for(environment, 2, at=in_feb(12), team_handler=env_handler)
    closed_for(engineering, 1, at=in_feb(28) + timedelta(days=2))
    time_machine.move_to(in_feb(20), tick=False)
    walk("dispatched")

    assert services.inspections_draw(month=FEB) == 2

    draw = InspectionDraw.objects.get(team=engineering)
    assert draw.population == sorted(c.pk for c in engineering_closed)
    assert len(draw.sample) == 4 and set(draw.sample) <= set(draw.population)
    assert random.Random(draw.seed).sample(draw.population, 4) == draw.sample
    assert draw_repeat(draw) == draw.sample
    inspected = Inspection.objects.filter(team=engineering).values_list("complaint_id", flat=True)
    assert sorted(inspected) == sorted(draw.sample)
    other = InspectionDraw.objects.get(team=environment)
    assert sorted(other.sample) == other.population == sorted(c.pk for c in environment_closed)
    # Drawn once: a second run (or a second cluster) draws nothing new.
    assert services.inspections_draw(month=FEB) == 0
    assert Inspection.objects.count() == 6


def test_the_monthly_job_draws_last_month_with_the_minimum_of_three(
    closed_for, engineering, team_leader
):
    closed_for(engineering, 5, at=in_feb())

    assert inspections_monthly_draw(now=in_feb(28) + timedelta(days=1, hours=-8)) == 1

    draw = InspectionDraw.objects.get()
    assert (draw.month, len(draw.population), len(draw.sample)) == (FEB, 5, 3)
    assert (
        "Monthly quality inspection draw",
        "complaints.tasks.inspections_monthly_draw",
        "0 2 1 * *",
    ) in SCHEDULES


def test_the_inspection_page_shows_how_the_sample_was_drawn(client, inspection, supervisor):
    client.force_login(supervisor)

    page = client.get(admin_url("complaints_inspection_change", inspection.pk)).content.decode()

    draw = inspection.draw
    assert f"Drawn with Python&#x27;s random.Random(&#x27;{draw.seed}&#x27;)" in page
    assert "min(3, max(3, ceil(3 × 5 %)))" in page


@pytest.fixture
def inspection(closed_for, engineering, team_leader, time_machine, now):
    """One of engineering's February complaints, drawn for inspection; the clock is back
    at the frozen Monday of March."""
    closed_for(engineering, 3, at=in_feb())
    services.inspections_draw(month=FEB)
    time_machine.move_to(now, tick=False)
    return Inspection.objects.filter(team=engineering).order_by("pk").first()


def fail(inspection, supervisor):
    return services.inspection_score(
        inspection_id=inspection.pk,
        actor=supervisor,
        response_time=60,
        handling=70,
        communication=75,
        findings="Called back a day late.",
    )


def test_a_passing_inspection_opens_nothing(inspection, supervisor):
    scored = services.inspection_score(
        inspection_id=inspection.pk, actor=supervisor, response_time=90, handling=85,
        communication=80,
    )  # fmt: skip

    assert (scored.passed, scored.mean_score, scored.inspector) == (True, 85, supervisor)
    assert not CorrectiveAction.objects.exists()
    assert scored.history.latest().history_user == supervisor


def test_a_failed_inspection_opens_a_corrective_action_for_the_leader(
    inspection, supervisor, team_leader, now
):
    scored = fail(inspection, supervisor)

    action = scored.corrective_action
    assert scored.passed is False
    assert (action.leader, action.state, action.due_at) == (
        team_leader,
        CorrectiveAction.State.OPEN,
        now + timedelta(days=7),
    )
    notice = Notification.objects.get(recipient=team_leader, kind="corrective_action")
    assert "failed its quality inspection: answer the corrective action by" in notice.text


def test_the_pass_mark_is_a_setting(settings, inspection, supervisor):
    settings.PROPERTYDESK_INSPECTION_PASS_MARK = 60

    assert fail(inspection, supervisor).passed is True


@pytest.mark.parametrize(
    ("scores", "findings", "field"),
    [((101, 90, 90), "", "response_time_score"), ((50, 50, 50), "", "findings")],
)
def test_bad_scores_are_refused(inspection, supervisor, scores, findings, field):
    with pytest.raises(InvalidInput) as error:
        services.inspection_score(
            inspection_id=inspection.pk,
            actor=supervisor,
            response_time=scores[0],
            handling=scores[1],
            communication=scores[2],
            findings=findings,
        )
    assert error.value.field == field
    inspection.refresh_from_db()
    assert inspection.scored_at is None and not CorrectiveAction.objects.exists()


def test_only_a_supervisor_scores_and_only_once(inspection, supervisor, team_leader, env_handler):
    with pytest.raises(NotAllowed):
        fail(inspection, team_leader)
    with pytest.raises(ComplaintNotFound):
        fail(inspection, env_handler)
    fail(inspection, supervisor)
    with pytest.raises(WrongState):
        fail(inspection, supervisor)


def test_the_corrective_action_flow(inspection, supervisor, team_leader, handler, now):
    """The leader answers (accountability, correction, training), the supervisor closes."""
    action = fail(inspection, supervisor).corrective_action
    answer = {"accountability": "Chen Gang", "correction": "Call-back rota", "training": "Fri"}

    with pytest.raises(WrongState):
        services.corrective_action_close(action_id=action.pk, actor=supervisor)
    for outsider in (handler, supervisor):
        with pytest.raises(NotAllowed):
            services.corrective_action_answer(action_id=action.pk, actor=outsider, **answer)
    with pytest.raises(InvalidInput) as error:
        services.corrective_action_answer(
            action_id=action.pk, actor=team_leader, **{**answer, "training": " "}
        )
    assert error.value.field == "training"

    services.corrective_action_answer(action_id=action.pk, actor=team_leader, **answer)
    with pytest.raises(NotAllowed):
        services.corrective_action_close(action_id=action.pk, actor=team_leader)
    closed = services.corrective_action_close(action_id=action.pk, actor=supervisor, note="OK")

    assert (closed.state, closed.closed_by, closed.answered_at) == ("closed", supervisor, now)
    assert [row.state for row in closed.history.order_by("history_date", "history_id")] == [
        "open",
        "answered",
        "closed",
    ]
    assert [row.history_user for row in closed.history.order_by("history_id")] == [
        supervisor,
        team_leader,
        supervisor,
    ]


def test_an_overdue_corrective_action_shows_on_the_admin_index(
    client, inspection, supervisor, team_leader, time_machine, now
):
    action = fail(inspection, supervisor).corrective_action
    client.force_login(team_leader)
    assert "Corrective actions overdue" not in client.get(admin_url("index")).content.decode()

    time_machine.move_to(now + timedelta(days=7, minutes=1), tick=False)

    for user in (team_leader, supervisor):
        client.force_login(user)
        page = client.get(admin_url("index")).content.decode()
        assert "Corrective actions overdue" in page
        assert '<td class="pd-count">1</td>' in page.split("pd-corrective-overdue")[1]
    listed = client.get(admin_url("complaints_correctiveaction_changelist"), {"overdue": "1"})
    assert inspection.complaint.reference in listed.content.decode()

    services.corrective_action_answer(
        action_id=action.pk, actor=team_leader, accountability="a", correction="b", training="c"
    )
    client.force_login(team_leader)
    assert "Corrective actions overdue" not in client.get(admin_url("index")).content.decode()


def test_inspections_are_seen_by_supervisors_and_the_team_only(
    client, inspection, supervisor, handler, team_leader, env_handler, project_manager,
    environment, other_prop,
):  # fmt: skip
    env_leader = TeamLeaderFactory(team=environment)
    environment.leader = env_leader
    environment.save()
    foreign_supervisor = SupervisorFactory(properties=[other_prop])
    fail(inspection, supervisor)

    everything = set(Inspection.objects.all())
    assert len(everything) == 3
    for user in (supervisor, handler, team_leader):
        assert set(inspection_list_visible_to(user)) == everything
    for user in (env_handler, env_leader, project_manager, foreign_supervisor):
        assert not inspection_list_visible_to(user).exists()
        client.force_login(user)
        page = client.get(admin_url("complaints_inspection_change", inspection.pk))
        assert page.status_code in (302, 403)
        action_page = client.get(
            admin_url("complaints_correctiveaction_change", inspection.corrective_action.pk)
        )
        assert action_page.status_code in (302, 403)
    client.force_login(handler)
    listed = client.get(admin_url("complaints_inspection_changelist")).content.decode()
    assert inspection.complaint.reference in listed


def test_a_supervisor_scores_through_the_admin_and_a_handler_cannot(
    client, inspection, supervisor, handler
):
    data = {
        "response_time_score": "95",
        "handling_score": "90",
        "communication_score": "85",
        "findings": "",
    }
    client.force_login(handler)
    refused = client.post(admin_url("complaints_inspection_change", inspection.pk), data)
    assert refused.status_code == 403

    client.force_login(supervisor)
    bad = client.post(
        admin_url("complaints_inspection_change", inspection.pk),
        {**data, "handling_score": "120"},
    )
    assert bad.status_code == 200
    response = client.post(admin_url("complaints_inspection_change", inspection.pk), data)

    assert response.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.passed, inspection.inspector) == (True, supervisor)


def test_the_leader_answers_and_the_supervisor_closes_through_the_admin(
    client, inspection, supervisor, team_leader
):
    action = fail(inspection, supervisor).corrective_action
    url = admin_url("complaints_correctiveaction_change", action.pk)
    answer = {"accountability": "Chen Gang", "correction": "Rota", "training": "Friday"}

    client.force_login(supervisor)
    assert client.post(url, answer).status_code == 403  # nothing to close yet
    client.force_login(team_leader)
    assert client.post(url, {**answer, "training": ""}).status_code == 200
    assert client.post(url, answer).status_code == 302
    action.refresh_from_db()
    assert action.state == "answered"
    assert client.post(url, {"close": "on"}).status_code == 403

    client.force_login(supervisor)
    assert client.post(url, {"close": "on", "closing_note": "Good"}).status_code == 302
    action.refresh_from_db()
    assert (action.state, action.closing_note) == ("closed", "Good")
