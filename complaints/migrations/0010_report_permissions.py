"""Supervisors and project managers read the monthly reports."""

from django.db import migrations

ROLES = ("supervisor", "project_manager")


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("complaints")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(
        content_type__app_label="complaints", codename="view_monthlysnapshot"
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(
        content_type__app_label="complaints", codename="view_monthlysnapshot"
    ).first()
    if permission is not None:
        for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
            group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0009_complaint_property_resolve_due"),
        ("staff", "0002_roles_and_system_user"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
