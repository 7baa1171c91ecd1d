"""Let the roles see (and project managers tighten) the SLA records."""

from django.db import migrations

VIEW_SLA = [
    "view_slapolicy",
    "view_propertyslaoverride",
    "view_workdayoverride",
    "view_breach",
    "view_hold",
    "view_survey",
]
ROLE_PERMISSIONS = {
    "agent": VIEW_SLA,
    "handler": ["view_breach", "view_hold"],
    "team_leader": VIEW_SLA,
    "project_manager": [
        *VIEW_SLA,
        "add_propertyslaoverride",
        "change_propertyslaoverride",
        "delete_propertyslaoverride",
    ],
    "supervisor": VIEW_SLA,
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("complaints")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="complaints", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        Group.objects.get(name=role).permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="complaints", codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_sla_defaults_and_calendar"),
        ("staff", "0002_roles_and_system_user"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
