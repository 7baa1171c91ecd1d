from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from pillow_heif import register_heif_opener
        from simple_history.signals import pre_create_historical_record

        from complaints.history import copy_transition_name, date_by_clock

        pre_create_historical_record.connect(
            copy_transition_name, dispatch_uid="complaints.copy_transition_name"
        )
        pre_create_historical_record.connect(date_by_clock, dispatch_uid="complaints.date_by_clock")
        # iPhones take HEIC photos; Pillow opens them once the plugin is registered.
        register_heif_opener()
