"""Admin history pages are read-only for every model and role (SPEC §7): simple-history's
per-version page, which saved whatever was posted to it, is not routed at all."""

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.urls import NoReverseMatch, reverse
from factories import PropertyFactory
from simple_history.admin import SimpleHistoryAdmin

from complaints.models import (
    Complaint,
    CorrectiveAction,
    Inspection,
    InspectionDraw,
    ModelCase,
    PropertySlaOverride,
    ReplyScript,
    SlaPolicy,
    State,
    Webhook,
)
from staff.models import StaffProfile

ROLES = ["agent", "handler", "team_leader", "project_manager", "supervisor", "other_agent"]


def history_admins():
    return [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ]


def test_every_model_with_history_has_a_history_admin():
    """Every model that keeps history shows it in the admin (so the checks below cover
    them all): properties, teams, staff profiles, duty shifts, complaints, both SLA tables, IoT
    devices, webhooks, reply scripts, inspections, corrective actions and model cases."""
    labels = {model_admin.opts.label_lower for model_admin in history_admins()}

    assert labels == {
        "buildings.property",
        "staff.team",
        "staff.staffprofile",
        "staff.duty",
        "complaints.complaint",
        "complaints.slapolicy",
        "complaints.propertyslaoverride",
        "complaints.device",
        "complaints.webhook",
        "complaints.replyscript",
        "complaints.inspection",
        "complaints.correctiveaction",
        "complaints.modelcase",
    }


@pytest.mark.parametrize("model_admin", history_admins(), ids=lambda m: m.opts.label_lower)
def test_no_per_version_page_is_routed(model_admin):
    """No model has simple-history's "history/<version>/" page."""
    opts = model_admin.opts
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[1, 1])


def state(objects) -> list:
    rows = []
    for obj in objects:
        obj = type(obj).objects.get(pk=obj.pk)
        row = model_to_dict(obj)
        if isinstance(obj, StaffProfile):
            row["properties"] = sorted(p.pk for p in obj.properties.all())
        rows.append(row)
    return rows


@pytest.fixture
def targets(request, now, walk, prop, other_prop, engineering):
    """One object of every model with history, each with an older version to go back to."""
    complaint = walk(State.DISPATCHED)
    override = PropertySlaOverride.objects.create(property=prop, level=2)
    override.resolve_working_days = 1
    override.save()
    engineering.name = "Engineering (renamed)"
    engineering.save()
    prop.name = "Lakeside Garden (renamed)"
    prop.save()
    webhook = Webhook.objects.create(name="ERP", url="https://erp.example.com/h", events=["filed"])
    webhook.properties.set([prop])
    webhook.name = "ERP (renamed)"
    webhook.save()
    script = ReplyScript.objects.create(
        title="Sorry", situation="delay", property=prop, text_zh_hans="抱歉", text_en="Sorry"
    )
    script.title = "Sorry (renamed)"
    script.save()
    draw = InspectionDraw.objects.create(
        team=engineering,
        month=now.date().replace(day=1),
        seed="s",
        rate_percent=5,
        minimum=3,
        population=[complaint.pk],
        sample=[complaint.pk],
    )
    inspection = Inspection.objects.create(
        draw=draw, complaint=complaint, team=engineering, month=draw.month
    )
    inspection.findings = "Late call-back"
    inspection.save()
    action = CorrectiveAction.objects.create(inspection=inspection, team=engineering, due_at=now)
    action.training = "Friday"
    action.save()
    case = ModelCase.objects.create(
        complaint=complaint,
        category=complaint.category,
        title="Seal",
        what_happened="Leak",
        what_fixed_it="New seal",
        what_to_avoid="Delay",
        written_by=complaint.owner,
    )
    case.title = "Seal (renamed)"
    case.save()
    profiles = [request.getfixturevalue(role).staff_profile for role in ROLES]
    return [
        case,
        script,
        inspection,
        action,
        complaint,
        override,
        engineering,
        prop,
        SlaPolicy.objects.get(level=2),
        webhook,
        *profiles,
    ]


@pytest.mark.parametrize("role", ROLES)
def test_posting_to_any_history_version_changes_nothing(request, client, targets, other_prop, role):
    """Every role POSTs, to every version of every object with history, an empty body and
    a body that would widen their scope (both properties, themselves as team leader):
    nothing changes and no history row is added."""
    user = request.getfixturevalue(role)
    extra = PropertyFactory(name="Hillside")
    client.force_login(user)
    before = state(targets)
    history_rows = sum(type(obj).history.count() for obj in targets)
    widen = {
        "properties": [other_prop.pk, extra.pk],
        "leader": user.pk,
        "role": "project_manager",
        "name": "Taken over",
        "property": other_prop.pk,
        "team": "",
        "assignee": "",
    }

    for obj in targets:
        opts = obj._meta
        for version in obj.history.all():
            url = f"/en/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/history/{version.pk}/"
            for body in ({}, widen):
                response = client.post(url, body)
                assert response.status_code in (302, 404), (url, response.status_code)

    assert state(targets) == before
    assert sum(type(obj).history.count() for obj in targets) == history_rows
    assert Complaint.objects.get(pk=targets[0].pk).state == State.DISPATCHED
