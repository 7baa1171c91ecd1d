"""Who is told of a deadline, and with which event: the one home of the SLA
notifications, for the sweep and for the services that record a breach met late.

A breach tells the complaint's team leader (customer service's leader while no team with
a leader holds it) and the owner at once, and the property's project managers one window
after the deadline. Each event's key names the complaint, the deadline and the cycle, so
however many paths record or escalate a breach, each person is told of it once.
"""

from collections.abc import Iterable
from datetime import datetime

from complaints import clock
from complaints.models import Breach, Complaint, Notification
from complaints.notifications import event_key, notification_build
from staff.selectors import project_manager_ids_by_property, service_leader_id_by_property


def deadline_notifications(
    recipients: Iterable[int | None],
    kind: str,
    *,
    complaint: Complaint,
    deadline: str,
    cycle: int,
    due_at: datetime,
    now: datetime,
) -> list[Notification]:
    """One `kind` notification ("sla_warning", "sla_breach", "sla_escalation") about one
    deadline of one cycle, per recipient."""
    return [
        notification_build(
            recipient_id=user_id,
            kind=kind,
            event_key=event_key(kind, complaint.pk, deadline, cycle),
            now=now,
            complaint=complaint,
            params={"deadline": deadline, "due": clock.local_text(due_at)},
        )
        for user_id in set(recipients)
        if user_id
    ]


def breach_leader_id(complaint: Complaint, service_leaders: dict[int, int]) -> int | None:
    """The leader told of a breach: the team's, or customer service's (`service_leaders`
    by property) while the complaint has no team with a leader."""
    team = complaint.team if complaint.team_id else None
    if team is not None and team.leader_id:
        return team.leader_id
    return service_leaders.get(complaint.property_id)


def breach_notifications(
    complaint: Complaint,
    breaches: Iterable[Breach],
    *,
    now: datetime,
    service_leaders: dict[int, int] | None = None,
) -> list[Notification]:
    """The "sla_breach" notifications of newly recorded breaches of `complaint`: its
    leader and its owner."""
    breaches = list(breaches)
    if not breaches:
        return []
    if service_leaders is None:
        service_leaders = service_leader_id_by_property([complaint.property_id])
    leader_id = breach_leader_id(complaint, service_leaders)
    return [
        notification
        for breach in breaches
        for notification in deadline_notifications(
            [leader_id, complaint.owner_id],
            "sla_breach",
            complaint=complaint,
            deadline=breach.deadline,
            cycle=breach.cycle,
            due_at=breach.due_at,
            now=now,
        )
    ]


def escalation_notifications(breaches: list[Breach], *, now: datetime) -> list[Notification]:
    """The "sla_escalation" notifications of `breaches` (with their complaints): the
    project managers of each complaint's property."""
    managers = project_manager_ids_by_property({b.complaint.property_id for b in breaches})
    return [
        notification
        for breach in breaches
        for notification in deadline_notifications(
            managers.get(breach.complaint.property_id, []),
            "sla_escalation",
            complaint=breach.complaint,
            deadline=breach.deadline,
            cycle=breach.cycle,
            due_at=breach.due_at,
            now=now,
        )
    ]
