"""Role groups with their permissions, and the system actor that scheduled jobs record."""

from django.contrib.auth.hashers import make_password
from django.db import migrations

VIEW_PLACES = [
    "buildings.view_property",
    "buildings.view_building",
    "buildings.view_unit",
    "buildings.view_resident",
    "buildings.view_residency",
]
VIEW_STAFF = ["staff.view_team", "staff.view_staffprofile"]
VIEW_COMPLAINTS = [
    "complaints.view_category",
    "complaints.view_complaint",
    "complaints.view_photo",
]
MANAGE_RESIDENTS = [
    "buildings.add_resident",
    "buildings.change_resident",
    "buildings.add_residency",
    "buildings.change_residency",
    "buildings.delete_residency",
]
HANDLER = [
    "buildings.view_property",
    "buildings.view_building",
    "buildings.view_unit",
    *VIEW_COMPLAINTS,
    "complaints.add_photo",
    "complaints.handle_complaint",
]
OWNER_ACTIONS = [
    "complaints.accept_complaint",
    "complaints.classify_complaint",
    "complaints.dispatch_complaint",
    "complaints.close_complaint",
]

ROLE_PERMISSIONS = {
    "agent": [
        *VIEW_PLACES,
        *VIEW_STAFF,
        *VIEW_COMPLAINTS,
        *MANAGE_RESIDENTS,
        *OWNER_ACTIONS,
        "complaints.add_complaint",
        "complaints.add_photo",
        "complaints.revisit_complaint",
        "complaints.reopen_complaint",
        "complaints.merge_complaint",
        "complaints.view_contact_phone",
    ],
    "handler": HANDLER,
    "team_leader": [*HANDLER, *VIEW_STAFF, *OWNER_ACTIONS],
    "project_manager": [
        *VIEW_PLACES,
        *VIEW_STAFF,
        *VIEW_COMPLAINTS,
        *MANAGE_RESIDENTS,
        *OWNER_ACTIONS,
        "buildings.change_property",
        "buildings.add_building",
        "buildings.change_building",
        "buildings.add_unit",
        "buildings.change_unit",
        "staff.add_team",
        "staff.change_team",
        "staff.change_staffprofile",
        "complaints.change_category",
        "complaints.add_complaint",
        "complaints.add_photo",
        "complaints.handle_complaint",
        "complaints.revisit_complaint",
        "complaints.reopen_complaint",
        "complaints.merge_complaint",
        "complaints.transfer_complaint",
        "complaints.override_owner",
        "complaints.view_contact_phone",
    ],
    "supervisor": [*VIEW_PLACES, *VIEW_STAFF, *VIEW_COMPLAINTS],
}

SYSTEM_USERNAME = "propertydesk-system"


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)

    User = apps.get_model("auth", "User")
    User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={
            "first_name": "PropertyDesk",
            "last_name": "system",
            "is_superuser": True,
            "password": make_password(None),
        },
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()
    apps.get_model("auth", "User").objects.filter(username=SYSTEM_USERNAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("staff", "0001_initial"),
        ("buildings", "0001_initial"),
        ("complaints", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
