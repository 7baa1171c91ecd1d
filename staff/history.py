"""History as a reader understands it: local times, the display names of choices, people
and related rows, "—" for an empty value, and the fields' own translated names. Used by
every admin history page (staff.admin_scope.ReadOnlyHistoryAdmin)."""

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.models import DeletedObject, ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from propertydesk.durations import duration_text
from staff.selectors import user_display_name

EMPTY = "—"
# One unambiguous form in every language: 2026-12-01 16:53.
DATETIME_FORMAT = "Y-m-d H:i"
DATE_FORMAT = "Y-m-d"


def moment_text(moment: datetime | None) -> str:
    if moment is None:
        return EMPTY
    return date_format(timezone.localtime(moment), DATETIME_FORMAT)


def value_text(field: models.Field | None, value: Any) -> str:
    """How one stored value of `field` reads on a history page."""
    if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
        return EMPTY
    if isinstance(value, DeletedObject):
        return _("deleted (%(model)s %(pk)s)") % {
            "model": value.model._meta.verbose_name,
            "pk": value.pk,
        }
    if isinstance(value, get_user_model()):
        return user_display_name(value)
    if field is not None and field.choices:
        return capfirst(str(dict(field.flatchoices).get(value, value)))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return moment_text(value)
    if isinstance(value, date):
        return date_format(value, DATE_FORMAT)
    if isinstance(value, timedelta):
        return duration_text(value)
    return str(value)


def field_label(model: type[models.Model], name: str) -> str:
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except models.FieldDoesNotExist:
        return capfirst(name.replace("_", " "))


def column_text(record: models.Model, name: str) -> str:
    """A history list column of one record: a field of the history model, by its display."""
    try:
        field = record._meta.get_field(name)
    except models.FieldDoesNotExist:
        return value_text(None, getattr(record, name, None))
    if field.is_relation and field.many_to_one:
        return value_text(field, getattr(record, name))
    return value_text(field, getattr(record, field.attname))


class ReadableChanges(HistoricalRecordContextHelper):
    def __init__(self, model, historical_record, *, reason_fields=(), reason_text=str) -> None:
        super().__init__(model, historical_record)
        self.reason_fields = reason_fields
        self.reason_text = reason_text

    def format_delta_change(self, change: ModelChange) -> ModelChange:
        field = self.model._meta.get_field(change.field)
        old, new = (
            self.prepare_delta_change_value(change, change.old),
            self.prepare_delta_change_value(change, change.new),
        )
        if field.name in self.reason_fields:
            old, new = self.reason_text(old or ""), self.reason_text(new or "")
        if isinstance(old, list) or isinstance(new, list):
            old, new = self.stringify_delta_change_values(change, old, new)
        else:
            short_old, short_new = self.get_obj_diff_display().common_shorten_repr(
                value_text(field, old), value_text(field, new)
            )
            old, new = conditional_escape(short_old), conditional_escape(short_new)
        return ModelChange(str(capfirst(field.verbose_name)), old, new)
