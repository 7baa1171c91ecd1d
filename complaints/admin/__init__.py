"""The complaints app in the Django admin: the staff workspace (`complaint`, with its
`actions`, `views`, `intake`, `bulk`, `filters`, `inlines`, `status` and `forms`), what HQ
sets up (`setup`), read-only records (`records`), the properties' webhooks (`webhooks`),
service quality (`quality`: reply scripts, inspections, corrective actions),
the personal-data pages (`complaints.privacy`) and the report pages
(`complaints.reports.admin`)."""

from django.contrib import admin

from complaints.admin import board, intake_rules, iot, quality, records, setup, webhooks
from complaints.admin.complaint import ComplaintAdmin
from complaints.models import Complaint, PersonalDataAccess
from complaints.privacy import resident_admin
from complaints.privacy.admin import PersonalDataAccessAdmin
from complaints.reports import admin as reports_admin

admin.site.register(Complaint, ComplaintAdmin)
admin.site.register(PersonalDataAccess, PersonalDataAccessAdmin)

__all__ = [
    "ComplaintAdmin",
    "board",
    "intake_rules",
    "iot",
    "quality",
    "records",
    "reports_admin",
    "resident_admin",
    "setup",
    "webhooks",
]
