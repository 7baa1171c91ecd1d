from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff")

    def ready(self) -> None:
        from staff.roles import roles_sync

        post_migrate.connect(roles_sync, sender=self, dispatch_uid="staff.roles_sync")
