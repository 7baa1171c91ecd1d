"""Site board links in the admin: a project manager makes a link for a property's office
TV (its address is shown once, on the page after it was made) and revokes it when the
screen is gone or the address leaked."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from complaints.exceptions import ComplaintError
from complaints.models import BoardToken
from complaints.services.intake_rules import (
    board_token_create,
    board_token_rename,
    board_token_revoke,
)
from staff.admin_scope import PropertyScopedAdmin


@admin.register(BoardToken)
class BoardTokenAdmin(PropertyScopedAdmin):
    list_display = ["name", "property", "state", "created_at", "last_used_at"]
    list_filter = [("property", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ("property",)
    search_fields = ["name", "token_prefix"]
    fields = ["property", "name", "state", "created_at", "last_used_at"]
    readonly_fields = ["state", "created_at", "last_used_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["property", "name"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # A link belongs to its property for good: make a new one for another.
        return ["property", *self.readonly_fields]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            board_token_rename(actor=request.user, board=obj)
            return
        token = board_token_create(actor=request.user, board=obj)
        address = request.build_absolute_uri(reverse("board:page", args=[token]))
        self.message_user(
            request,
            format_html(
                _(
                    "The site board of {board} is at {address}. Open it on the screen now: "
                    "the address is stored only as a hash and will not be shown again."
                ),
                board=obj.name,
                address=format_html('<code class="pd-token">{}</code>', address),
            ),
            messages.WARNING,
        )

    @admin.display(description=gettext_lazy("state"))
    def state(self, board: BoardToken):
        if board.revoked_at is not None:
            return _("revoked %(when)s") % {
                "when": date_format(localtime(board.revoked_at), "SHORT_DATETIME_FORMAT")
            }
        return format_html("{} <code>{}…</code>", _("active"), board.token_prefix)

    @admin.action(description=gettext_lazy("Revoke the link"), permissions=["change"])
    def revoke(self, request, queryset):
        revoked = 0
        for board_id in queryset.values_list("pk", flat=True):
            try:
                board_token_revoke(actor=request.user, board_id=board_id)
            except ComplaintError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                revoked += 1
        if revoked:
            self.message_user(
                request,
                ngettext(
                    "Revoked %(count)d site board link: its screen shows nothing more.",
                    "Revoked %(count)d site board links: their screens show nothing more.",
                    revoked,
                )
                % {"count": revoked},
                messages.SUCCESS,
            )
