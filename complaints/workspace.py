"""The staff workspace: the complaint admin with queues, SLA badges, action buttons,
intake on behalf, bulk dispatch and CSV export. Every action calls a service."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from buildings.models import mask_phone
from complaints import exports, forms, permissions, services, sla
from complaints.exceptions import ChangedMeanwhile, ComplaintError, InvalidInput
from complaints.models import Breach, Complaint, Deadline, Hold, Photo
from complaints.privacy.services import DataAccessKind, data_access_record
from complaints.repeats import repeat_linked
from complaints.selectors import (
    Queue,
    complaint_list_visible_to,
    queue_condition,
)
from staff.admin_scope import ReadOnlyHistoryAdmin, ScopedAdmin
from staff.models import Team
from staff.selectors import property_ids_visible_to


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    form: type[forms.ActionForm]
    run: Callable[..., object]
    checks_expected_state: bool = False
    """`run` hands the page's state to the service, which refuses a stale page itself."""


def _reason(data) -> str:
    return data.get("reason") or ""


ACTIONS = {
    action.name: action
    for action in [
        Action(
            "accept",
            gettext_lazy("Accept (become owner)"),
            forms.ConfirmForm,
            lambda c, u, d: services.complaint_accept(
                complaint_id=c.pk, actor=u, expected_state=d["expected_state"]
            ),
            checks_expected_state=True,
        ),
        Action(
            "classify",
            gettext_lazy("Classify"),
            forms.ClassifyForm,
            lambda c, u, d: services.complaint_classify(
                complaint_id=c.pk,
                actor=u,
                category=d["category"],
                level=d["level"],
                reason=_reason(d),
            ),
        ),
        Action(
            "dispatch",
            gettext_lazy("Dispatch"),
            forms.DispatchForm,
            lambda c, u, d: services.complaint_dispatch(
                complaint_id=c.pk,
                actor=u,
                team=d["team"],
                assignee=d["assignee"],
                reason=_reason(d),
            ),
        ),
        Action(
            "handle",
            gettext_lazy("Mark handled"),
            forms.HandleForm,
            lambda c, u, d: services.complaint_handle(
                complaint_id=c.pk,
                actor=u,
                note=d["note"],
                before_photos=d["before_photos"],
                after_photos=d["after_photos"],
                reason=_reason(d),
            ),
        ),
        Action(
            "close",
            gettext_lazy("Close without confirmation"),
            forms.CloseForm,
            lambda c, u, d: services.complaint_close(complaint_id=c.pk, actor=u, reason=_reason(d)),
        ),
        Action(
            "revisit",
            gettext_lazy("Record revisit call"),
            forms.RevisitForm,
            lambda c, u, d: services.complaint_revisit(complaint_id=c.pk, actor=u, note=d["note"]),
        ),
        Action(
            "reopen",
            gettext_lazy("Reopen"),
            forms.ReopenForm,
            lambda c, u, d: services.complaint_reopen(
                complaint_id=c.pk, actor=u, reason=_reason(d)
            ),
        ),
        Action(
            "merge",
            gettext_lazy("Merge into another complaint"),
            forms.MergeForm,
            lambda c, u, d: services.complaint_merge(
                complaint_id=c.pk, actor=u, into_id=d["into"], reason=_reason(d)
            ),
        ),
        Action(
            "set_level",
            gettext_lazy("Change level"),
            forms.SetLevelForm,
            lambda c, u, d: services.complaint_set_level(
                complaint_id=c.pk, actor=u, level=d["level"], reason=_reason(d)
            ),
        ),
        Action(
            "hold",
            gettext_lazy("Put on hold"),
            forms.HoldForm,
            lambda c, u, d: services.complaint_hold(
                complaint_id=c.pk,
                actor=u,
                reason=d["reason"],
                resume_at=d["resume_at"],
                note=d["note"],
            ),
        ),
        Action(
            "resume",
            gettext_lazy("Resume"),
            forms.ConfirmForm,
            lambda c, u, d: services.complaint_resume(complaint_id=c.pk, actor=u),
        ),
        Action(
            "on_site",
            gettext_lazy("Arrived on site"),
            forms.ConfirmForm,
            lambda c, u, d: services.complaint_mark_on_site(complaint_id=c.pk, actor=u),
        ),
        Action(
            "transfer",
            gettext_lazy("Transfer ownership"),
            forms.TransferForm,
            lambda c, u, d: services.complaint_transfer_ownership(
                complaint_id=c.pk, actor=u, new_owner=d["new_owner"], reason=_reason(d)
            ),
        ),
    ]
}


def available_actions(complaint: Complaint, user) -> list[Action]:
    """The actions this user may perform on this complaint now, in workflow order: those
    the permissions module does not refuse (the services ask it the same)."""
    return [
        action
        for action in ACTIONS.values()
        if permissions.action_refusal(complaint, action.name, user) is None
    ]


def sla_status(complaint: Complaint, now: datetime) -> tuple[str, str]:
    """(css class, words) of the most urgent open deadline: ok, warning (80 %) or breached."""
    deadlines = sla.open_deadlines(complaint)
    if not deadlines:
        if complaint.held_since is not None:
            return "held", _("On hold")
        return "", ""
    return deadline_status(min(deadlines, key=lambda item: item.due_at), now)


def deadline_status(times: sla.DeadlineTimes, now: datetime) -> tuple[str, str]:
    left = times.due_at - now
    if left.total_seconds() <= 0:
        return "breached", _("%(time)s overdue") % {"time": _duration(-left)}
    status = "warning" if now >= times.warn_at else "ok"
    return status, _("%(time)s left") % {"time": _duration(left)}


def _duration(delta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)dd %(hours)dh") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)dh %(minutes)dm") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)dm") % {"minutes": minutes}


class QueueFilter(admin.SimpleListFilter):
    title = gettext_lazy("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return Queue.choices

    def queryset(self, request, queryset):
        if self.value() in Queue.values:
            return queryset.filter(
                queue_condition(self.value(), user=request.user, now=timezone.now())
            )
        return queryset


class RepeatProblemFilter(admin.SimpleListFilter):
    title = gettext_lazy("repeat problem")
    parameter_name = "repeat"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(repeat__isnull=self.value() == "no")
        return queryset


class TeamFilter(admin.RelatedOnlyFieldListFilter):
    """The teams of the listed complaints with their property, in one query (Team's
    __str__ names the property)."""

    def field_choices(self, field, request, model_admin):
        team_ids = model_admin.get_queryset(request).distinct().values_list("team", flat=True)
        teams = (
            Team.objects.filter(pk__in=team_ids)
            .select_related("property")
            .order_by("property__name", "name")
        )
        return [(team.pk, str(team)) for team in teams]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PhotoInline(ReadOnlyInline):
    model = Photo
    fields = ["preview", "step", "original_name", "uploaded_by", "created_at"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("photo"))
    def preview(self, photo: Photo):
        return format_html(
            '<a href="{}" target="_blank"><img src="{}" alt="" class="pd-thumb"></a>',
            reverse("complaints:photo", args=[photo.pk, "image"]),
            reverse("complaints:photo", args=[photo.pk, "thumbnail"]),
        )


class HoldInline(ReadOnlyInline):
    model = Hold
    fields = ["reason", "note", "started_at", "expected_resume_at", "ended_at", "started_by"]
    readonly_fields = fields


class BreachInline(ReadOnlyInline):
    model = Breach
    fields = [
        "deadline",
        "cycle",
        "due_at",
        "detected_at",
        "owner",
        "team",
        "escalated_to_manager_at",
    ]
    readonly_fields = fields


CSV_COLUMNS = [
    ("reference", gettext_lazy("Reference")),
    ("state", gettext_lazy("State")),
    ("level", gettext_lazy("Level")),
    ("category", gettext_lazy("Category")),
    ("property", gettext_lazy("Property")),
    ("location", gettext_lazy("Location")),
    ("description", gettext_lazy("Description")),
    ("contact", gettext_lazy("Contact phone")),
    ("owner", pgettext_lazy("first responder", "Owner")),
    ("team", gettext_lazy("Team")),
    ("created_at", gettext_lazy("Submitted at")),
    ("next_due_at", gettext_lazy("Next deadline")),
    ("closed_at", gettext_lazy("Closed at")),
]


class ComplaintAdmin(ReadOnlyHistoryAdmin, ScopedAdmin):
    list_display = [
        "reference_link",
        "sla_badge",
        "state",
        "level",
        "category",
        "location_display",
        "masked_contact",
        "owner",
        "team",
        "created_at",
    ]
    list_display_links = None
    list_filter = [
        QueueFilter,
        "state",
        "level",
        "channel",
        ("property", admin.RelatedOnlyFieldListFilter),
        ("team", TeamFilter),
        RepeatProblemFilter,
    ]
    list_select_related = (
        "property",
        "building__property",
        "unit__building__property",
        "category__parent",
        "owner",
        "team__property",
        "repeat",
    )
    list_per_page = 50
    search_fields = ["=id", "description", "contact_name", "location_text", "unit__number"]
    show_full_result_count = False
    date_hierarchy = "created_at"
    ordering = [F("next_due_at").asc(nulls_last=True), "-created_at"]
    inlines = [PhotoInline, HoldInline, BreachInline]
    actions = ["accept_selected", "dispatch_selected", "export_csv"]
    history_list_display = ["transition", "state", "owner", "team"]
    change_form_template = "admin/complaints/complaint/change_form.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("state", "sla_detail"),
                    "channel",
                    ("property", "building", "unit"),
                    "location_text",
                    "description",
                ]
            },
        ),
        (
            gettext_lazy("Resident"),
            {"fields": ["resident", "contact_name", "masked_contact", "preferred_contact_time"]},
        ),
        (
            gettext_lazy("Handling"),
            {
                "fields": [
                    ("category", "level", "suspected_emergency"),
                    ("owner", "team", "assignee"),
                    "resolution_note",
                    "close_reason",
                    "revisit_note",
                    "merged_into",
                    "reopen_count",
                ]
            },
        ),
        (
            gettext_lazy("Deadlines"),
            {
                "fields": [
                    "sla_started_at",
                    ("first_response_due", "on_site_due", "resolve_due"),
                    ("on_site_at", "held_since", "held_until", "held_total"),
                    "revisit_due_at",
                ]
            },
        ),
        (
            gettext_lazy("Timestamps"),
            {
                "classes": ["collapse"],
                "fields": [
                    "created_at",
                    "accepted_at",
                    "classified_at",
                    "dispatched_at",
                    "handled_at",
                    "closed_at",
                    "revisited_at",
                    "reopened_at",
                    "withdrawn_at",
                    "merged_at",
                ],
            },
        ),
    ]

    class Media:
        css = {"all": ["complaints/workspace.css"]}

    def get_queryset(self, request):
        return complaint_list_visible_to(request.user).select_related(*self.list_select_related)

    def get_search_results(self, request, queryset, search_term):
        # Residents and staff quote the reference (TS00000042), not the row id.
        complaint_id = Complaint.parse_reference(search_term)
        if complaint_id is not None:
            return queryset.filter(pk=complaint_id), False
        return super().get_search_results(request, queryset, search_term)

    def get_readonly_fields(self, request, obj=None):
        # Every change goes through complaints.services: the page shows, the buttons act.
        return [f.name for f in Complaint._meta.fields] + ["sla_detail", "masked_contact"]

    def has_add_permission(self, request):
        return request.user.has_perm("complaints.add_complaint")

    def has_delete_permission(self, request, obj=None):
        return False

    def has_accept_permission(self, request) -> bool:
        return request.user.has_perm("complaints.accept_complaint")

    def has_dispatch_permission(self, request) -> bool:
        return request.user.has_perm("complaints.dispatch_complaint")

    # Columns

    @admin.display(description=gettext_lazy("reference"), ordering="pk")
    def reference_link(self, complaint: Complaint):
        link = format_html(
            '<a href="{}">{}</a>',
            reverse("admin:complaints_complaint_change", args=[complaint.pk]),
            complaint.reference,
        )
        if not hasattr(complaint, "repeat"):
            return link
        return format_html(
            '{} <span class="pd-repeat" title="{}">{}</span>',
            link,
            _("Repeat problem: three or more about this place and category within 30 days"),
            _("repeat"),
        )

    @admin.display(description=gettext_lazy("deadline"), ordering="next_due_at")
    def sla_badge(self, complaint: Complaint):
        status, words = sla_status(complaint, timezone.now())
        if not status:
            return "—"
        return format_html('<span class="pd-sla pd-sla-{}">{}</span>', status, words)

    @admin.display(description=gettext_lazy("SLA"))
    def sla_detail(self, complaint: Complaint):
        now = timezone.now()
        rows = []
        for times in sla.open_deadlines(complaint):
            status, words = deadline_status(times, now)
            rows.append((status, f"{Deadline(times.deadline).label}: {words}"))
        if complaint.held_since is not None:
            rows.append(("held", _("On hold")))
        if not rows:
            return "—"
        return format_html_join(" ", '<span class="pd-sla pd-sla-{}">{}</span>', rows)

    @admin.display(description=gettext_lazy("contact phone"))
    def masked_contact(self, complaint: Complaint):
        return mask_phone(complaint.contact_phone) if complaint.contact_phone else "—"

    # Change page with action buttons

    def get_urls(self):
        return [
            path(
                "<int:object_id>/act/<str:action>/",
                self.admin_site.admin_view(self.action_view),
                name="complaints_complaint_act",
            ),
            path(
                "<int:object_id>/reveal-phone/",
                self.admin_site.admin_view(self.reveal_phone_view),
                name="complaints_complaint_reveal_phone",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        complaint = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if complaint is not None:
            extra_context["pd_actions"] = available_actions(complaint, request.user)
            extra_context["pd_can_reveal"] = (
                permissions.reveal_contact_refusal(complaint, request.user) is None
            )
            extra_context["pd_repeats"] = (
                repeat_linked(
                    property_id=complaint.property_id,
                    unit_id=complaint.unit_id,
                    building_id=complaint.building_id,
                    category_id=complaint.category_id,
                    around=complaint.created_at,
                    exclude_id=complaint.pk,
                )
                & self.get_queryset(request)
            )[:10]
            member = getattr(complaint, "repeat", None)
            extra_context["pd_repeat_since"] = member.since if member else None
        return super().change_view(request, object_id, form_url, extra_context)

    def _get_complaint_or_404(self, request, object_id) -> Complaint:
        complaint = self.get_object(request, str(object_id))
        if complaint is None:
            raise Http404
        return complaint

    def action_view(self, request: HttpRequest, object_id: int, action: str):
        complaint = self._get_complaint_or_404(request, object_id)
        spec = ACTIONS.get(action)
        if spec is None:
            raise Http404
        change_url = reverse("admin:complaints_complaint_change", args=[complaint.pk])
        form_kwargs = {"complaint": complaint, "user": request.user}
        if request.method == "POST":
            form = spec.form(request.POST, request.FILES, **form_kwargs)
            if form.is_valid():
                stale = form.cleaned_data["expected_state"] != complaint.state
                try:
                    if stale and not spec.checks_expected_state:
                        raise ChangedMeanwhile(complaint.get_state_display())
                    # SPEC §3: whoever lost the race to accept is told by the service who
                    # owns it.
                    spec.run(complaint, request.user, form.cleaned_data)
                except InvalidInput as error:
                    field = error.field if error.field in form.fields else None
                    form.add_error(field, error.message)
                except ComplaintError as error:
                    level = messages.WARNING if stale else messages.ERROR
                    self.message_user(request, error.message, level)
                    return HttpResponseRedirect(change_url)
                else:
                    self.message_user(
                        request,
                        _("%(reference)s: %(action)s done.")
                        % {"reference": complaint.reference, "action": spec.label},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(change_url)
        else:
            if spec not in available_actions(complaint, request.user):
                self.message_user(
                    request,
                    _("“%(action)s” is not available to you on this complaint now.")
                    % {"action": spec.label},
                    messages.WARNING,
                )
                return HttpResponseRedirect(change_url)
            form = spec.form(**form_kwargs)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{complaint.reference} · {spec.label}",
            "complaint": complaint,
            "action": spec,
            "form": form,
            "media": self.media + form.media,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/complaints/complaint/action.html", context)

    def reveal_phone_view(self, request: HttpRequest, object_id: int):
        if request.method != "POST":
            return redirect("admin:complaints_complaint_change", object_id)
        complaint = self._get_complaint_or_404(request, object_id)
        try:
            phone = services.complaint_reveal_contact(complaint_id=complaint.pk, actor=request.user)
        except ComplaintError as error:
            raise PermissionDenied(error.message) from None
        self.message_user(
            request,
            _("%(reference)s: contact phone %(phone)s (this view is logged).")
            % {"reference": complaint.reference, "phone": phone},
        )
        return redirect("admin:complaints_complaint_change", complaint.pk)

    # Intake on behalf

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        property_ids = property_ids_visible_to(request.user)
        form_kwargs = {"admin_site": self.admin_site, "property_ids": property_ids}
        repeats = None
        if request.method == "POST":
            form = forms.IntakeForm(request.POST, request.FILES, **form_kwargs)
            if form.is_valid():
                data = form.cleaned_data
                place_building = data["unit"].building if data["unit"] else data["building"]
                repeats = list(
                    (
                        repeat_linked(
                            property_id=place_building.property_id,
                            unit_id=data["unit"].pk if data["unit"] else None,
                            building_id=place_building.pk,
                            category_id=data["category"].pk if data["category"] else None,
                            around=timezone.now(),
                        )
                        & complaint_list_visible_to(request.user)
                    ).select_related("category")[:10]
                )
                merge_into = request.POST.get("merge_into", "")
                if repeats and not data["confirmed"] and not merge_into:
                    form.data = form.data.copy()
                    form.data["confirmed"] = "1"
                else:
                    try:
                        return self._intake_save(
                            request, data, int(merge_into) if merge_into.isdigit() else None
                        )
                    except ComplaintError as error:
                        # SPEC §7: keep what was typed and show the error at its field.
                        field = getattr(error, "field", None)
                        form.add_error(field if field in form.fields else None, error.message)
        else:
            form = forms.IntakeForm(**form_kwargs)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("New complaint on behalf of a resident"),
            "form": form,
            "repeats": repeats,
            "media": self.media + form.media,
            "add": True,
        }
        return TemplateResponse(request, "admin/complaints/complaint/intake.html", context)

    def _intake_save(self, request, data, merge_into: int | None):
        """Record the complaint and, when asked, merge it (the service does both or
        neither)."""
        complaint = services.complaint_create(
            actor=request.user,
            channel=data["channel"],
            description=data["description"],
            unit=data["unit"],
            building=data["building"],
            location_text=data["location_text"],
            resident=data["resident"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            preferred_contact_time=data["preferred_contact_time"],
            photos=data["photos"],
            merge_into_id=merge_into,
        )
        if merge_into is None:
            self.message_user(
                request, _("%(reference)s recorded.") % {"reference": complaint.reference}
            )
            return redirect("admin:complaints_complaint_change", complaint.pk)
        target = complaint.merged_into
        self.message_user(
            request,
            _("%(reference)s recorded and merged into %(into)s.")
            % {"reference": complaint.reference, "into": target.reference},
        )
        return redirect("admin:complaints_complaint_change", target.pk)

    # Bulk actions

    @admin.action(
        description=gettext_lazy("Accept selected complaints (become their owner)"),
        permissions=["accept"],
    )
    def accept_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda pk: services.complaint_accept(complaint_id=pk, actor=request.user),
        )

    @admin.action(description=gettext_lazy("Dispatch selected to a team"), permissions=["dispatch"])
    def dispatch_selected(self, request, queryset):
        form = forms.BulkDispatchForm(
            request.POST if "apply" in request.POST else None,
            property_ids=property_ids_visible_to(request.user),
        )
        if form.is_bound and form.is_valid():
            team = form.cleaned_data["team"]
            self._bulk(
                request,
                queryset,
                lambda pk: services.complaint_dispatch(
                    complaint_id=pk, actor=request.user, team=team
                ),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Dispatch selected complaints"),
            "form": form,
            "complaints": queryset[:200],
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, "admin/complaints/complaint/bulk_dispatch.html", context)

    def _bulk(self, request, queryset, run) -> None:
        done = 0
        for complaint_id in queryset.values_list("pk", flat=True):
            try:
                run(complaint_id)
            except ComplaintError as error:
                self.message_user(
                    request, f"TS{complaint_id:08d}: {error.message}", messages.WARNING
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d complaint updated.", "%(count)d complaints updated.", done)
                % {"count": done},
            )

    @admin.action(description=gettext_lazy("Export selected to CSV"))
    def export_csv(self, request, queryset) -> HttpResponse:
        """Stream the selected complaints, phones masked whoever exports; the export is
        logged (filters, complaints, row count) before the first row is sent."""
        selected = list(queryset.values_list("pk", "property_id"))
        data_access_record(
            actor=request.user,
            kind=DataAccessKind.EXPORT,
            property_ids={property_id for _pk, property_id in selected},
            description="complaints.csv",
            details={
                "filters": request.GET.urlencode(),
                "select_across": request.POST.get("select_across") == "1",
                "complaints": sorted(pk for pk, _property_id in selected),
            },
            row_count=len(selected),
        )

        def rows():
            yield [str(label) for _name, label in CSV_COLUMNS]
            for complaint in queryset.select_related(*self.list_select_related).iterator(
                chunk_size=500
            ):
                yield [
                    complaint.reference,
                    complaint.get_state_display(),
                    complaint.get_level_display() if complaint.level else "",
                    str(complaint.category or ""),
                    complaint.property.name,
                    complaint.location_display,
                    complaint.description,
                    mask_phone(complaint.contact_phone) if complaint.contact_phone else "",
                    str(complaint.owner or ""),
                    str(complaint.team or ""),
                    _local_iso(complaint.created_at),
                    _local_iso(complaint.next_due_at),
                    _local_iso(complaint.closed_at),
                ]

        return exports.csv_response(rows(), filename="complaints.csv")


def _local_iso(moment: datetime | None) -> str:
    return timezone.localtime(moment).isoformat() if moment is not None else ""
