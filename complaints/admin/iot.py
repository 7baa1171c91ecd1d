"""Sensors in the admin: project managers register their properties' devices, revoke and
reissue tokens (a token is shown once, on the page after it was issued); a complaint a
sensor filed lists what its fault reported."""

from django.contrib import admin, messages
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from complaints.admin.history import HistoryAdmin
from complaints.admin.inlines import ReadOnlyInline
from complaints.exceptions import ComplaintError
from complaints.models import Category, Device, DeviceAlert
from complaints.services import (
    device_change,
    device_create,
    device_token_issue,
    device_token_revoke,
)
from staff.admin_scope import PropertyScopedAdmin


def _moment(value) -> str:
    return date_format(localtime(value), "SHORT_DATETIME_FORMAT")


@admin.register(Device)
class DeviceAdmin(HistoryAdmin, PropertyScopedAdmin):
    list_display = [
        "name",
        "kind",
        "property",
        "building",
        "location_text",
        "category",
        "level",
        "is_active",
        "token_state",
    ]
    list_filter = ["kind", "level", "is_active", ("property", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ("property", "building", "category__parent")
    search_fields = ["name", "location_text", "token_prefix"]
    fields = [
        "name",
        "kind",
        ("property", "building"),
        "location_text",
        ("category", "level"),
        "is_active",
        "token_state",
        "created_at",
    ]
    readonly_fields = ["token_state", "created_at"]
    actions = ["revoke_tokens", "issue_tokens"]
    history_list_display = ["is_active", "token_prefix"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return [f for f in self.fields if f not in self.readonly_fields]
        return self.fields

    def has_delete_permission(self, request, obj=None):
        # Its alerts keep pointing at it: deactivate a device, or revoke its token.
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            kwargs["queryset"] = Category.objects.filter(is_active=True).select_related("parent")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            device_change(actor=request.user, device=obj)
        else:
            self._show_token(request, obj, device_create(actor=request.user, device=obj))

    @admin.display(description=gettext_lazy("token"))
    def token_state(self, device: Device):
        if device.has_token:
            return format_html(
                "{} <code>{}…</code>",
                _("issued %(when)s") % {"when": _moment(device.token_issued_at)},
                device.token_prefix,
            )
        if device.token_revoked_at is not None:
            return _("revoked %(when)s") % {"when": _moment(device.token_revoked_at)}
        return "—"

    @admin.action(description=gettext_lazy("Revoke the token"), permissions=["change"])
    def revoke_tokens(self, request, queryset):
        revoked = 0
        for device_id in queryset.values_list("pk", flat=True):
            try:
                device_token_revoke(actor=request.user, device_id=device_id)
            except ComplaintError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                revoked += 1
        if revoked:
            self.message_user(
                request,
                ngettext(
                    "Revoked the token of %(count)d device: its alerts are refused until it "
                    "gets a new token.",
                    "Revoked the tokens of %(count)d devices: their alerts are refused until "
                    "they get new tokens.",
                    revoked,
                )
                % {"count": revoked},
                messages.SUCCESS,
            )

    @admin.action(description=gettext_lazy("Issue a new token"), permissions=["change"])
    def issue_tokens(self, request, queryset):
        for device in queryset:
            try:
                token = device_token_issue(actor=request.user, device_id=device.pk)
            except ComplaintError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self._show_token(request, device, token)

    def _show_token(self, request, device: Device, token: str) -> None:
        self.message_user(
            request,
            format_html(
                _(
                    "The token of {device} is {token}. Enter it in the device now: it is "
                    "stored only as a hash and will not be shown again."
                ),
                device=device.name,
                token=format_html('<code class="pd-token">{}</code>', token),
            ),
            messages.WARNING,
        )


class DeviceAlertInline(ReadOnlyInline):
    """On the page of a complaint a sensor filed: the fault, how often it was reported,
    and whether the device reported it gone."""

    model = DeviceAlert
    fields = [
        "device",
        "fault_code",
        "message",
        "last_message",
        "alert_count",
        "first_alert_at",
        "last_alert_at",
        "cleared",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("device")

    @admin.display(description=gettext_lazy("cleared"))
    def cleared(self, alert: DeviceAlert):
        if alert.cleared_at is None:
            return _("No")
        return _("Reported cleared %(when)s; confirm on site") % {"when": _moment(alert.cleared_at)}
