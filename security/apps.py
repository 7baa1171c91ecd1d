from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    """Login lockout (django-axes) glue, its scoped unlock in the admin, staff idle sessions."""

    name = "security"
    verbose_name = _("Security")
