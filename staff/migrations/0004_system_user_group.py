"""The system actor of the scheduled jobs stops being a superuser: it gets its own group
(staff.roles.SYSTEM_ROLE), whose permissions `staff.roles.roles_sync` sets after migrate."""

from django.db import migrations

SYSTEM_USERNAME = "propertydesk-system"
SYSTEM_ROLE = "system"


def system_user_to_group(apps, schema_editor):
    User = apps.get_model("auth", "User")
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=SYSTEM_ROLE)
    for user in User.objects.filter(username=SYSTEM_USERNAME):
        user.is_superuser = False
        user.is_staff = False
        user.save(update_fields=["is_superuser", "is_staff"])
        user.groups.add(group)


def system_user_to_superuser(apps, schema_editor):
    User = apps.get_model("auth", "User")
    for user in User.objects.filter(username=SYSTEM_USERNAME):
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
        user.groups.remove(*user.groups.filter(name=SYSTEM_ROLE))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("staff", "0003_grant_access_permission"),
    ]

    operations = [migrations.RunPython(system_user_to_group, system_user_to_superuser)]
