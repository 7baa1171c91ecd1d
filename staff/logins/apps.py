from axes.apps import AppConfig as AxesConfig
from django.utils.translation import gettext_lazy as _


class LoginLockoutConfig(AxesConfig):
    """django-axes under a name staff can read in the admin ("Axes" otherwise)."""

    verbose_name = _("Login lockout")
