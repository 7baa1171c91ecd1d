from django.contrib.admin.apps import AdminConfig


class PropertyDeskAdminConfig(AdminConfig):
    """django.contrib.admin with PropertyDesk's admin site (staff.admin_site)."""

    default_site = "staff.admin_site.PropertyDeskAdminSite"
