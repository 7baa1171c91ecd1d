"""Webhooks in the admin: project managers register their properties' receivers, see
each secret once (when made or rotated) and read the deliveries, retrying by hand."""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_value
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from complaints.admin.history import HistoryAdmin
from complaints.models import Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent
from complaints.webhooks.selectors import delivery_list_visible_to, webhook_list_visible_to
from complaints.webhooks.services import deliveries_retry, webhook_secrets_rotate
from staff.admin_scope import ReadOnlyAdmin, ScopedAdmin, ScopedChoicesMixin

NEW_SECRETS_KEY = "webhook_new_secrets"


class WebhookForm(forms.ModelForm):
    url = forms.URLField(
        label=_("target URL"), max_length=500, assume_scheme="https", help_text=_("HTTPS.")
    )
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Webhook
        fields = ["name", "properties", "url", "format", "events", "is_active"]
        widgets = {"properties": forms.CheckboxSelectMultiple}


@admin.register(Webhook)
class WebhookAdmin(HistoryAdmin, ScopedChoicesMixin, ScopedAdmin):
    """Only webhooks all of whose properties are the user's (`webhook_list_visible_to`);
    the property choices are the user's too, so a hook is never pointed at another
    property's complaints."""

    form = WebhookForm
    list_display = [
        "name",
        "url",
        "format",
        "property_names",
        "event_names",
        "is_active",
        "secret_set_at",
        "deliveries_link",
    ]
    list_filter = ["is_active", "format"]
    search_fields = ["name", "url"]
    readonly_fields = ["secret_note", "created_at"]
    actions = ["rotate_secret"]
    change_form_template = "admin/complaints/webhook/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=webhook_list_visible_to(request.user))
            .prefetch_related("properties")
        )

    def get_fields(self, request, obj=None):
        fields = ["name", "properties", "url", "format", "events", "is_active"]
        return fields if obj is None else [*fields, "secret_note", "created_at"]

    @admin.display(description=_("properties"))
    def property_names(self, webhook: Webhook) -> str:
        return ", ".join(p.name for p in webhook.properties.all())

    @admin.display(description=_("events"))
    def event_names(self, webhook: Webhook) -> str:
        labels = dict(WebhookEvent.choices)
        return ", ".join(str(labels.get(event, event)) for event in webhook.events)

    @admin.display(description=_("deliveries"))
    def deliveries_link(self, webhook: Webhook):
        url = reverse("admin:complaints_webhookdelivery_changelist")
        return format_html(
            '<a href="{}?webhook__id__exact={}">{}</a>', url, webhook.pk, gettext("Deliveries")
        )

    @admin.display(description=_("secret"))
    def secret_note(self, webhook: Webhook) -> str:
        return gettext(
            "Set at %(moment)s. It is shown only once; to get a new one, choose “Rotate "
            "the secret” for this webhook in the list."
        ) % {"moment": display_for_value(webhook.secret_set_at, "")}

    def get_deleted_objects(self, objs, request):
        """A webhook goes with its deliveries and their attempts: those are read-only in
        the admin (no delete permission), which must not forbid deleting the webhook."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        log = {str(WebhookDelivery._meta.verbose_name), str(WebhookAttempt._meta.verbose_name)}
        return deleted, counts, perms_needed - log, protected

    def response_add(self, request, obj, post_url_continue=None):
        # Kept in the (server-side) session until the change page shows it, once; not in a
        # message, whose storage may be a cookie.
        request.session.setdefault(NEW_SECRETS_KEY, {})[str(obj.pk)] = obj.secret
        request.session.modified = True
        self.message_user(
            request, gettext("The webhook “%(name)s” was added.") % {"name": obj}, messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:complaints_webhook_change", args=[obj.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        new_secrets = request.session.get(NEW_SECRETS_KEY, {})
        secret = new_secrets.get(str(object_id))
        if secret is not None and self.get_queryset(request).filter(pk=object_id).exists():
            del new_secrets[str(object_id)]
            request.session.modified = True
            extra_context = {**(extra_context or {}), "new_secret": secret}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Rotate the secret"), permissions=["change"])
    def rotate_secret(self, request, queryset):
        if "apply" in request.POST:
            rotated = webhook_secrets_rotate(webhooks=queryset, actor=request.user)
            for webhook, _secret in rotated:
                self.log_change(request, webhook, gettext("Secret rotated"))
            return self._secrets_response(request, rotated)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Rotate the secret"),
            "webhooks": queryset,
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/complaints/webhook/rotate.html", context)

    def _secrets_response(self, request, rotated):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Webhook secret"),
            "rotated": rotated,
        }
        return TemplateResponse(request, "admin/complaints/webhook/secret.html", context)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """Every delivery of the user's webhooks with each attempt, read-only; “Retry now”
    for those who manage webhooks."""

    list_display = [
        "created_at",
        "webhook",
        "event",
        "reference",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
    ]
    list_filter = ["status", "event", ("webhook", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ("webhook",)
    # The id a receiver logged (X-PropertyDesk-Delivery).
    search_fields = ["id"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = [
        "id",
        "webhook",
        "event",
        "reference",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "delivered_at",
        "last_status_code",
        "last_error",
        "payload_display",
        "attempt_table",
    ]
    readonly_fields = fields
    actions = ["retry_now"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=delivery_list_visible_to(request.user).values("pk"))
        )

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("complaints.change_webhook")

    @admin.display(description=_("complaint"))
    def reference(self, delivery: WebhookDelivery) -> str:
        return delivery.payload.get("complaint", {}).get("reference", "")

    @admin.display(description=_("payload"))
    def payload_display(self, delivery: WebhookDelivery):
        text = json.dumps(delivery.payload, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html("<pre>{}</pre>", text)

    @admin.display(description=_("attempts"))
    def attempt_table(self, delivery: WebhookDelivery):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    attempt.number,
                    display_for_value(attempt.at, ""),
                    attempt.status_code or "—",
                    attempt.error or "—",
                    attempt.duration_ms,
                )
                for attempt in delivery.attempt_log.all()
            ),
        )
        if not rows:
            return gettext("Not attempted yet.")
        return format_html(
            "<table><thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            gettext("at"),
            gettext("HTTP status"),
            gettext("error"),
            gettext("duration (ms)"),
            rows,
        )

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry_now(self, request, queryset):
        queued = deliveries_retry(deliveries=queryset, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery is being sent again.",
                "%(count)d deliveries are being sent again.",
                queued,
            )
            % {"count": queued},
            messages.SUCCESS if queued else messages.WARNING,
        )
