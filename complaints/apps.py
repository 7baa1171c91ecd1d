from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from pillow_heif import register_heif_opener
        from simple_history.signals import pre_create_historical_record

        from complaints.history import copy_transition_name, date_by_clock
        from complaints.models import PropertySlaOverride, SlaPolicy
        from complaints.sla.deadlines import windows_changed

        pre_create_historical_record.connect(
            copy_transition_name, dispatch_uid="complaints.copy_transition_name"
        )
        pre_create_historical_record.connect(date_by_clock, dispatch_uid="complaints.date_by_clock")
        # The cached SLA windows start anew when a policy or an override changes, however
        # it is changed (the admin, a script, a test).
        for model in (SlaPolicy, PropertySlaOverride):
            for signal in (post_save, post_delete):
                signal.connect(windows_changed, sender=model, dispatch_uid=f"windows:{model}")
        # iPhones take HEIC photos; Pillow opens them once the plugin is registered.
        register_heif_opener()
