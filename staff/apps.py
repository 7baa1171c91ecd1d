from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate, pre_save
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff")

    def ready(self) -> None:
        from staff.roles import roles_sync
        from staff.tokens import tokens_end_with_the_password

        post_migrate.connect(roles_sync, sender=self, dispatch_uid="staff.roles_sync")
        pre_save.connect(
            tokens_end_with_the_password,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="staff.tokens_end_with_the_password",
        )
