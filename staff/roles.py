"""Each role's exact permission set. This is the one place roles are defined: after every
`migrate` the role groups are made to hold exactly these permissions (idempotent)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from staff.models import Role

VIEW_PLACES = [
    "buildings.view_property",
    "buildings.view_building",
    "buildings.view_unit",
    "buildings.view_resident",
    "buildings.view_residency",
]
VIEW_STAFF = ["staff.view_team", "staff.view_staffprofile"]
# The duty roster: project managers keep it, and so do leaders of a customer-service team
# (for their team's property only: staff.admin.DutyAdmin).
KEEP_ROSTER = ["staff.view_duty", "staff.add_duty", "staff.change_duty", "staff.delete_duty"]
VIEW_COMPLAINTS = [
    "complaints.view_modelcase",
    "complaints.view_category",
    "complaints.view_complaint",
    "complaints.view_photo",
    "complaints.view_breach",
    "complaints.view_hold",
    "complaints.view_devicealert",
]
# Without it a member sees only their team's complaints and those assigned to them.
VIEW_PROPERTY = "complaints.view_property_complaints"
VIEW_SLA = [
    "complaints.view_slapolicy",
    "complaints.view_propertyslaoverride",
    "complaints.view_workdayoverride",
    "complaints.view_survey",
]
MANAGE_RESIDENTS = [
    "buildings.add_resident",
    "buildings.change_resident",
    "buildings.add_residency",
    "buildings.change_residency",
    "buildings.delete_residency",
]
OWNER_ACTIONS = [
    "complaints.accept_complaint",
    "complaints.classify_complaint",
    "complaints.dispatch_complaint",
    "complaints.close_complaint",
]
HANDLER = [
    "buildings.view_property",
    "buildings.view_building",
    "buildings.view_unit",
    *VIEW_COMPLAINTS,
    "complaints.add_photo",
    "complaints.handle_complaint",
]

# Inspections are seen by supervisors and by the inspected team only
# (complaints.quality.selectors); leaders answer their team's corrective actions.
VIEW_OWN_INSPECTIONS = ["complaints.view_inspection", "complaints.view_correctiveaction"]

# The case library: read by all staff (no personal data in it), written by agents and
# project managers.
WRITE_CASES = ["complaints.add_modelcase", "complaints.change_modelcase"]

SYSTEM_ROLE = "system"
"""The group of the scheduled jobs' actor (staff.selectors.system_user), not a staff role:
it files sensor alerts, closes complaints the resident left unconfirmed and ends holds at
their expected time, on complaints it does not own."""

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.AGENT: [
        *VIEW_PLACES,
        *VIEW_STAFF,
        *VIEW_COMPLAINTS,
        VIEW_PROPERTY,
        *VIEW_SLA,
        *MANAGE_RESIDENTS,
        *OWNER_ACTIONS,
        "complaints.add_complaint",
        "complaints.add_photo",
        "complaints.revisit_complaint",
        "complaints.reopen_complaint",
        "complaints.merge_complaint",
        "complaints.view_contact_phone",
        "complaints.view_replyscript",
        "complaints.add_complaintmessage",
        *WRITE_CASES,
    ],
    Role.HANDLER: [*HANDLER, *VIEW_OWN_INSPECTIONS],
    Role.TEAM_LEADER: [
        *HANDLER,
        VIEW_PROPERTY,
        *VIEW_STAFF,
        *VIEW_SLA,
        *OWNER_ACTIONS,
        *VIEW_OWN_INSPECTIONS,
        *KEEP_ROSTER,
        "complaints.change_correctiveaction",
    ],
    Role.PROJECT_MANAGER: [
        *VIEW_PLACES,
        *VIEW_STAFF,
        *VIEW_COMPLAINTS,
        VIEW_PROPERTY,
        *VIEW_SLA,
        *MANAGE_RESIDENTS,
        *OWNER_ACTIONS,
        "buildings.change_property",
        "buildings.add_building",
        "buildings.change_building",
        "buildings.add_unit",
        "buildings.change_unit",
        "buildings.anonymise_resident",
        "complaints.view_personaldataaccess",
        "staff.add_team",
        "staff.change_team",
        "staff.change_staffprofile",
        "staff.grant_access",
        *KEEP_ROSTER,
        "complaints.add_propertyslaoverride",
        "complaints.change_propertyslaoverride",
        "complaints.delete_propertyslaoverride",
        "complaints.view_device",
        "complaints.add_device",
        "complaints.change_device",
        "complaints.add_complaint",
        "complaints.add_photo",
        "complaints.handle_complaint",
        "complaints.revisit_complaint",
        "complaints.reopen_complaint",
        "complaints.merge_complaint",
        "complaints.transfer_complaint",
        "complaints.override_owner",
        "complaints.view_contact_phone",
        "complaints.view_monthlysnapshot",
        "complaints.view_webhook",
        "complaints.add_webhook",
        "complaints.change_webhook",
        "complaints.delete_webhook",
        "complaints.view_webhookdelivery",
        "complaints.view_emergencyphrase",
        "complaints.add_emergencyphrase",
        "complaints.change_emergencyphrase",
        "complaints.delete_emergencyphrase",
        "complaints.view_boardtoken",
        "complaints.add_boardtoken",
        "complaints.change_boardtoken",
        "complaints.view_categorykeyword",
        "complaints.view_replyscript",
        "complaints.add_replyscript",
        "complaints.change_replyscript",
        "complaints.delete_replyscript",
        "complaints.add_complaintmessage",
        *WRITE_CASES,
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
    ],
    Role.SUPERVISOR: [
        *VIEW_PLACES,
        *VIEW_STAFF,
        *VIEW_COMPLAINTS,
        VIEW_PROPERTY,
        *VIEW_SLA,
        "complaints.view_monthlysnapshot",
        *VIEW_OWN_INSPECTIONS,
        "complaints.change_inspection",
        "complaints.score_inspection",
        "complaints.change_correctiveaction",
    ],
    SYSTEM_ROLE: [
        VIEW_PROPERTY,
        "complaints.add_complaint",
        "complaints.close_complaint",
        "complaints.override_owner",
    ],
}


def roles_sync(**kwargs) -> None:
    """Give each role group exactly its declared permissions; a name that does not exist
    is an error, not a silent gap. Connected to post_migrate, so it runs after every
    migrate (and test-database flush) with the current models."""
    from django.contrib.auth.models import Group, Permission

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    by_name = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    missing = sorted(
        {name for names in ROLE_PERMISSIONS.values() for name in names} - by_name.keys()
    )
    if missing:
        raise LookupError(f"Role permissions that do not exist: {', '.join(missing)}")
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set([by_name[name] for name in names])
