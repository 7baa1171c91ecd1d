"""The admin's share of the access rules, used by every admin page of the project: rows,
form choices and changelist lookups limited to what the user may see, and history that
can be read but never written back."""

from django.contrib import admin
from django.contrib.admin.filters import SimpleListFilter
from django.contrib.admin.utils import unquote
from simple_history.admin import SimpleHistoryAdmin

from staff.history import ReadableChanges, column_text, field_label, moment_text, value_text
from staff.selectors import property_path, scoped_to_properties

# What the admin's own list filters and date hierarchy append to a declared field.
FILTER_SUFFIXES = frozenset(
    {
        "exact",
        "isnull",
        "isempty",
        "in",
        "gte",
        "gt",
        "lte",
        "lt",
        "year",
        "month",
        "day",
        "id__exact",
        "pk__exact",
    }
)


class DeclaredLookupsMixin:
    """The changelist filters by its declared list filters and date hierarchy only.

    Django accepts a URL lookup on any plain field (`?contact_phone__startswith=138`),
    which rebuilds a masked value one digit at a time; an undeclared lookup is a 400.
    """

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        list_filter = self.get_list_filter(request) if request is not None else self.list_filter
        paths = {self.date_hierarchy} if self.date_hierarchy else set()
        for item in list_filter:
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                if lookup == item.parameter_name:
                    return True
            elif isinstance(item, list | tuple):
                paths.add(item[0])
            else:
                paths.add(item)
        declared = any(
            lookup == path
            or (lookup.startswith(f"{path}__") and lookup[len(path) + 2 :] in FILTER_SUFFIXES)
            for path in paths
        )
        return declared and super().lookup_allowed(lookup, value, request)


class ScopedChoicesMixin:
    """Every foreign-key and many-to-many choice is limited to the user's properties, so a
    posted id outside them is "not one of the available choices", never saved. Works for
    model admins and inlines alike."""

    def _scope_choices(self, db_field, request, kwargs: dict) -> None:
        model = db_field.related_model
        if "queryset" not in kwargs and property_path(model) is not None:
            kwargs["queryset"] = scoped_to_properties(model._default_manager.all(), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdmin(DeclaredLookupsMixin, admin.ModelAdmin):
    """An admin of rows that carry no property of their own (categories, the calendar,
    rows scoped through their complaint): declared lookups only."""


class ReadOnlyAdmin(ScopedAdmin):
    """Rows that are written by services only (logs, snapshots, breaches): shown, never
    added, changed or deleted in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PropertyScopedAdmin(DeclaredLookupsMixin, ScopedChoicesMixin, admin.ModelAdmin):
    """Lists, change pages, autocompletes and form choices limited to the user's
    properties (`staff.selectors.scoped_to_properties`)."""

    def get_queryset(self, request):
        return scoped_to_properties(super().get_queryset(request), request.user)


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """simple-history's history list, scoped like the change page, without its
    per-version page: that page saves whatever is posted to it with only view permission
    checked, so it is not routed at all."""

    object_history_template = "admin/history/object_history.html"
    object_history_list_template = "admin/history/object_history_list.html"
    # Fields whose stored values, like the change reason, read through reason_text().
    history_reason_fields: tuple[str, ...] = ()

    def reason_text(self, reason: str) -> str:
        """A stored change reason as the reader reads it; an app storing codes says how."""
        return reason

    def get_urls(self):
        return super(SimpleHistoryAdmin, self).get_urls()

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_view(self, request, object_id, extra_context=None):
        # simple-history looks the object up without get_queryset() and even falls back
        # to the history table: refuse what the change page would refuse.
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        history_model = self.model.history.model
        headers = [field_label(history_model, name) for name in self.history_list_display]
        return super().history_view(
            request, object_id, {**(extra_context or {}), "history_headers": headers}
        )

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(
            self.model,
            historical_record,
            reason_fields=self.history_reason_fields,
            reason_text=self.reason_text,
        )

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        super().set_history_delta_changes(request, historical_records, **kwargs)
        for record in historical_records:
            record.readable_columns = [
                column_text(record, name) for name in self.history_list_display
            ]
            record.readable_date = moment_text(record.history_date)
            record.readable_user = value_text(None, record.history_user)
            record.readable_reason = self.reason_text(record.history_change_reason or "")
