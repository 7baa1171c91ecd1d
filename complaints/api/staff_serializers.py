"""What staff tools read of a complaint: the list row and the detail with its deadlines,
the actions the reader may take now and the readable history.

Phones are masked (`buildings.models.mask_phone`); people appear by their full names
(`staff.selectors.user_display_name`); deadline words, actions and history rows are
the admin's own (`complaints.admin.status`, `complaints.admin.actions`,
`staff.history`), so the API says what the workspace shows."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from buildings.models import Unit, mask_phone
from complaints import sla
from complaints.admin.actions import available_actions
from complaints.admin.rows import label_of
from complaints.admin.status import deadline_status, provisional_first_response, sla_status
from complaints.api.filters import complaint_admin
from complaints.models import Channel, Complaint, Deadline, Level, State
from complaints.reasons import reason_text
from complaints.selectors import LIST_PREFETCH, is_suspected_emergency_pending
from staff.history import column_text, field_label, moment_text, value_text
from staff.selectors import user_display_name

LIST_JOINED = ("property", "owner", "assignee", "team", "repeat")
LIST_PREFETCHED = (
    *LIST_PREFETCH,
    Prefetch("unit", queryset=Unit.objects.select_related("building__property")),
)
"""What a list row reads, in a fixed number of queries per page: the property, the people,
the team and the repeat tag joined; the places and categories (a few rows per page) read by a query
each. Joined too, the fourteen tables cost PostgreSQL more in planning than the page
costs to run (bench/api_staff_list.py: about 40 ms against 1 ms)."""
DETAIL_JOINED = (*LIST_JOINED, "resident", "merged_into")


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SlaSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="ok, warning, breached, emergency, held or empty")
    text = serializers.CharField()


class LabelField(serializers.CharField):
    """A choice's label in the reader's language, as the admin's list writes it
    (`label_of`): `get_FOO_display` built a dict of every label per row, and DRF inspected
    the method's signature each time."""

    def __init__(self, choices, **kwargs):
        self.labelled = choices
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return label_of(self.labelled, value)


def _person(user) -> dict | None:
    return {"id": user.pk, "name": user_display_name(user)} if user is not None else None


class ComplaintListSerializer(serializers.Serializer):
    """One row of the staff list: what the admin changelist shows."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    state = serializers.CharField()
    state_display = LabelField(State, source="state")
    level = serializers.IntegerField(allow_null=True)
    level_display = LabelField(Level, source="level", read_only=True, allow_null=True)
    suspected_emergency = serializers.BooleanField()
    emergency_pending = serializers.SerializerMethodField(
        help_text="A suspected level I nobody has classified yet: it comes first."
    )
    repeat_problem = serializers.SerializerMethodField()
    channel = serializers.CharField()
    channel_display = LabelField(Channel, source="channel")
    category = serializers.SerializerMethodField()
    property = serializers.SerializerMethodField()
    building = serializers.IntegerField(source="building_id", allow_null=True)
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    location = serializers.CharField(source="location_display")
    contact_phone = serializers.SerializerMethodField(help_text="Masked: 138****1234.")
    owner = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField()
    team = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(
        allow_null=True, help_text="The deadline the complaint counts to now."
    )
    sla = serializers.SerializerMethodField()

    def get_emergency_pending(self, complaint: Complaint) -> bool:
        return is_suspected_emergency_pending(complaint)

    def get_repeat_problem(self, complaint: Complaint) -> bool:
        return hasattr(complaint, "repeat")

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_category(self, complaint: Complaint):
        category = complaint.category
        return {"id": category.pk, "name": str(category)} if category is not None else None

    @extend_schema_field(RefSerializer)
    def get_property(self, complaint: Complaint):
        return {"id": complaint.property_id, "name": complaint.property.name}

    @extend_schema_field(OpenApiTypes.STR)
    def get_contact_phone(self, complaint: Complaint) -> str:
        return mask_phone(complaint.contact_phone) if complaint.contact_phone else ""

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_owner(self, complaint: Complaint):
        return _person(complaint.owner)

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_assignee(self, complaint: Complaint):
        return _person(complaint.assignee)

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_team(self, complaint: Complaint):
        team = complaint.team
        return {"id": team.pk, "name": team.name} if team is not None else None

    @extend_schema_field(SlaSerializer)
    def get_sla(self, complaint: Complaint):
        status, text = sla_status(complaint, timezone.now())
        return {"status": status, "text": text}


class DeadlineSerializer(serializers.Serializer):
    deadline = serializers.CharField()
    label = serializers.CharField()
    provisional = serializers.BooleanField()
    due_at = serializers.DateTimeField()
    warn_at = serializers.DateTimeField()
    escalate_at = serializers.DateTimeField()
    status = serializers.CharField(help_text="ok, warning or breached")
    text = serializers.CharField()


class ActionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    url = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class HistoryRowSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    at_text = serializers.CharField()
    user = serializers.CharField()
    transition = serializers.CharField()
    transition_display = serializers.CharField()
    state = serializers.CharField()
    state_display = serializers.CharField()
    owner = serializers.CharField()
    team = serializers.CharField()
    reason = serializers.CharField()
    changes = ChangeSerializer(many=True)


def open_deadlines(complaint: Complaint, now) -> list[dict]:
    """The change page's SLA line: the provisional first response of a suspected
    emergency not classified yet, then each open deadline of the cycle."""
    rows = []
    provisional = provisional_first_response(complaint)
    items = [(provisional, True)] if provisional is not None else []
    items += [(times, False) for times in sla.open_deadlines(complaint)]
    for times, is_provisional in items:
        status, text = deadline_status(times, now)
        rows.append(
            {
                "deadline": times.deadline,
                "label": str(Deadline(times.deadline).label),
                "provisional": is_provisional,
                "due_at": times.due_at,
                "warn_at": times.warn_at,
                "escalate_at": times.escalate_at,
                "status": status,
                "text": text,
            }
        )
    return rows


def history_rows(complaint: Complaint) -> list[dict]:
    """The admin's history page as data, newest first: each row's columns, who, when,
    why, and what changed since the row before (staff.history's readable values)."""
    records = list(
        complaint.history.select_related("history_user")._select_related_history_tracked_objs()
    )
    # The admin history list's columns (transition, state, owner, team).
    admin = complaint_admin()
    columns_shown = admin.history_list_display
    rows = []
    for index, record in enumerate(records):
        changes = []
        if index + 1 < len(records):
            delta = record.diff_against(records[index + 1], foreign_keys_are_objs=True)
            for change in delta.changes:
                field = Complaint._meta.get_field(change.field)
                if field.name in admin.history_reason_fields:
                    old, new = reason_text(change.old or ""), reason_text(change.new or "")
                else:
                    old, new = value_text(field, change.old), value_text(field, change.new)
                changes.append(
                    {"field": field_label(Complaint, change.field), "old": old, "new": new}
                )
        columns = {name: column_text(record, name) for name in columns_shown}
        rows.append(
            {
                "at": record.history_date,
                "at_text": moment_text(record.history_date),
                "user": value_text(None, record.history_user),
                "transition": record.transition,
                "transition_display": columns.get("transition", ""),
                "state": record.state,
                "state_display": columns.get("state", ""),
                "owner": columns.get("owner", ""),
                "team": columns.get("team", ""),
                "reason": reason_text(record.history_change_reason or ""),
                "changes": changes,
            }
        )
    return rows


class ComplaintDetailSerializer(ComplaintListSerializer):
    """The change page as data: the row, its text and handling, deadlines, the actions
    the reader may take now (the admin's buttons) and the history."""

    description = serializers.CharField()
    contact_name = serializers.CharField()
    preferred_contact_time = serializers.CharField()
    resident = serializers.IntegerField(source="resident_id", allow_null=True)
    resolution_note = serializers.CharField()
    close_reason = serializers.SerializerMethodField(help_text="In the reader's language.")
    revisit_note = serializers.CharField()
    merged_into = serializers.SerializerMethodField()
    reopen_count = serializers.IntegerField()
    sla_started_at = serializers.DateTimeField(allow_null=True)
    first_response_due = serializers.DateTimeField(allow_null=True)
    on_site_due = serializers.DateTimeField(allow_null=True)
    resolve_due = serializers.DateTimeField(allow_null=True)
    on_site_at = serializers.DateTimeField(allow_null=True)
    held_since = serializers.DateTimeField(allow_null=True)
    held_until = serializers.DateTimeField(allow_null=True)
    held_seconds = serializers.SerializerMethodField()
    revisit_due_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    classified_at = serializers.DateTimeField(allow_null=True)
    dispatched_at = serializers.DateTimeField(allow_null=True)
    handled_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    revisited_at = serializers.DateTimeField(allow_null=True)
    reopened_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    merged_at = serializers.DateTimeField(allow_null=True)
    deadlines = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_merged_into(self, complaint: Complaint):
        target = complaint.merged_into
        return {"id": target.pk, "name": target.reference} if target is not None else None

    def get_close_reason(self, complaint: Complaint) -> str:
        return reason_text(complaint.close_reason)

    def get_held_seconds(self, complaint: Complaint) -> int:
        return int(complaint.held_total.total_seconds())

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, complaint: Complaint):
        return DeadlineSerializer(open_deadlines(complaint, timezone.now()), many=True).data

    @extend_schema_field(ActionSerializer(many=True))
    def get_actions(self, complaint: Complaint):
        request = self.context["request"]
        return [
            {
                "name": action.name,
                "label": str(action.label),
                "url": request.build_absolute_uri(
                    reverse("api:staff-complaint-transition", args=[complaint.pk, action.name])
                ),
            }
            for action in available_actions(complaint, request.user)
        ]

    @extend_schema_field(HistoryRowSerializer(many=True))
    def get_history(self, complaint: Complaint):
        return HistoryRowSerializer(history_rows(complaint), many=True).data
