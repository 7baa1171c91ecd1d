"""The staff workspace: the complaint admin with queues, SLA badges, action buttons,
intake on behalf, bulk dispatch and CSV export. Every action calls a service; the views
are in `views`, `intake` and `bulk`."""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buildings.models import Unit, mask_phone
from complaints import permissions, sla
from complaints.admin.actions import available_actions
from complaints.admin.bulk import BulkActionsMixin
from complaints.admin.filters import PropertyFilter, QueueFilter, RepeatProblemFilter, TeamFilter
from complaints.admin.history import HistoryAdmin
from complaints.admin.inlines import (
    BreachInline,
    HoldInline,
    PhotoInline,
    has_rows,
    with_section_flags,
)
from complaints.admin.intake import IntakeViewMixin
from complaints.admin.iot import DeviceAlertInline
from complaints.admin.pagination import CappedPaginator
from complaints.admin.rows import complaint_change_url, label_of
from complaints.admin.status import (
    DurationsInWords,
    deadline_status,
    provisional_first_response,
    sla_status,
    window_column,
)
from complaints.admin.views import ActionViewsMixin
from complaints.models import Channel, Complaint, Deadline, Level, State
from complaints.models.urgency import (
    NullsLast,
    complaint_due_expression,
    complaint_urgency_ordering,
)
from complaints.reasons import reason_text
from complaints.repeats import repeat_linked
from complaints.selectors import (
    LIST_PREFETCH,
    Queue,
    complaint_list_visible_to,
    complaint_phone_match,
    is_suspected_emergency_pending,
    queue_ordering,
)
from propertydesk.durations import duration_text
from staff.admin_scope import ScopedAdmin
from staff.selectors import user_display_name

# Eight joins; the three users come in one more query (CHANGE_USERS). With the users and
# the properties of building and team joined too, PostgreSQL took 4–9 ms to plan the
# query, which ran in under 1 ms.
CHANGE_SELECT_RELATED = (
    "property",
    "building",
    "unit",
    "resident",
    "category__parent",
    "team",
    "repeat",
)
CHANGE_USERS = ("owner", "assignee", "created_by")


def _relations_share(complaint: Complaint) -> None:
    """Set on the complaint's relations what it has read already (the unit's building,
    the building's and the team's property: their names show them), and read its three
    users in one query."""
    for related in (complaint.building, complaint.team):
        if related is not None and related.property_id == complaint.property_id:
            related.property = complaint.property
    unit = complaint.unit
    if unit is not None and unit.building_id == complaint.building_id:
        unit.building = complaint.building
    ids = {getattr(complaint, f"{name}_id") for name in CHANGE_USERS} - {None}
    users = get_user_model().objects.in_bulk(ids)
    for name in CHANGE_USERS:
        user = users.get(getattr(complaint, f"{name}_id"))
        if user is not None:
            setattr(complaint, name, user)


class ComplaintChangeList(ChangeList):
    def apply_select_related(self, qs):  # the admin's hook, used where nothing is selected
        return self.model_admin.list_rows(qs)

    def get_results(self, request):
        """A page's rows found first, then joined: with the joins in the same query,
        the database joined every row of a large queue (13,600 overdue complaints of a
        property at a million) before sorting them and keeping 50, 90 ms instead of 20.
        The page's ids come from a subquery, so the page costs no extra query."""
        super().get_results(request)
        rows = self.result_list
        if rows.query.is_sliced:
            page = rows.values("pk")
            self.result_list = self.model_admin.list_rows(
                Complaint.objects.filter(pk__in=page).order_by(*rows.query.order_by)
            )


class ComplaintAdmin(
    ActionViewsMixin,
    IntakeViewMixin,
    BulkActionsMixin,
    DurationsInWords,
    HistoryAdmin,
    ScopedAdmin,
):
    list_display = [
        "reference_link",
        "sla_badge",
        "state_badge",
        "level_badge",
        "category",
        "location",
        "masked_contact",
        "owner_name",
        "team_name",
        "filed_at",
    ]
    list_display_links = None
    # The columns an index sorts (complaints.models.urgency): a sort by a name across a
    # join (owner, team, category) sorted the whole scope, 2 s at a million complaints;
    # the team filter and the queues "mine" and "my team" group them instead.
    sortable_by = ["reference_link", "sla_badge", "state_badge", "level_badge", "filed_at"]
    list_filter = [
        QueueFilter,
        "state",
        "level",
        "channel",
        ("property", PropertyFilter),
        ("team", TeamFilter),
        RepeatProblemFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    # Five joins at most: PostgreSQL's planner searched 60–80 ms for a join order of the
    # nine the list used to have, far longer than running the query (five: 3 ms); the
    # buildings and categories come in two more queries (LIST_PREFETCH) instead.
    list_select_related = ("property", "unit", "owner", "team", "repeat")
    list_per_page = 50
    paginator = CappedPaginator
    search_fields = ["=id", "description", "contact_name", "location_text", "unit__number"]
    show_full_result_count = False
    ordering = complaint_urgency_ordering()
    inlines = [DeviceAlertInline, PhotoInline, HoldInline, BreachInline]
    actions = ["accept_selected", "dispatch_selected", "export_csv"]
    history_list_display = ["transition", "state", "owner", "team"]
    held_total_words = staticmethod(window_column(Complaint, "held_total", duration_text))
    history_reason_fields = ("close_reason",)
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
                    ("category", "level", "suspected_emergency_note"),
                    ("owner_name", "team", "assignee_name"),
                    "resolution_note",
                    "close_reason_text",
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
        return complaint_list_visible_to(request.user)

    def get_ordering(self, request):
        queue = request.GET.get(QueueFilter.parameter_name)
        return queue_ordering(queue) if queue in Queue.values else super().get_ordering(request)

    def get_changelist(self, request, **kwargs):
        return ComplaintChangeList

    def list_rows(self, queryset):
        """The list's rows with what its columns show of their relations (an action gets
        the list's queryset, which has them already: they are set anew, not twice)."""
        return (
            queryset.select_related(*self.list_select_related)
            .prefetch_related(None)
            .prefetch_related(*LIST_PREFETCH)
        )

    def get_object(self, request, object_id, from_field=None):
        """The complaint of the change and action pages with what they show of it, read
        once per request: the change view and Django's form view both ask for it."""
        cache = request.__dict__.setdefault("_pd_complaints", {})
        if object_id not in cache:
            queryset = with_section_flags(
                self.get_queryset(request).select_related(*CHANGE_SELECT_RELATED), self.inlines
            )
            try:
                complaint = queryset.get(pk=Complaint._meta.pk.to_python(object_id))
            except (Complaint.DoesNotExist, ValidationError):
                complaint = None
            else:
                _relations_share(complaint)
            cache[object_id] = complaint
        return cache[object_id]

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        return inlines if obj is None else [i for i in inlines if has_rows(i, obj)]

    def get_search_results(self, request, queryset, search_term):
        # Residents and staff quote the reference (TS00000042), not the row id.
        complaint_id = Complaint.parse_reference(search_term)
        if complaint_id is not None:
            return queryset.filter(pk=complaint_id), False
        by_phone = complaint_phone_match(queryset, search_term, request.user)
        if by_phone is not None:
            # A number is a phone's tail, a unit or a row id, each found through its
            # index; "contains" over the texts read every row (5 s at a million).
            term = search_term.strip()
            # The unit ids as values: as a subquery inside the OR, the database read
            # every row instead of combining the indexes.
            units = list(Unit.objects.filter(number=term).values_list("pk", flat=True))
            number = Q(unit_id__in=units)
            if term.isdigit():
                number |= Q(pk=int(term))
            return by_phone | queryset.filter(number), False
        return super().get_search_results(request, queryset, search_term)

    def get_readonly_fields(self, request, obj=None):
        # Every change goes through complaints.services: the page shows, the buttons act.
        return [f.name for f in Complaint._meta.fields] + [
            "sla_detail",
            "close_reason_text",
            "masked_contact",
            "suspected_emergency_note",
            "owner_name",
            "assignee_name",
        ]

    def has_add_permission(self, request):
        return request.user.has_perm("complaints.add_complaint")

    def has_change_permission(self, request, obj=None):
        # The page shows and its buttons act: a saved form would write the row past the
        # services (the superuser, who has every permission, got Save buttons).
        return False

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
            complaint_change_url(complaint.pk),
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

    @admin.display(
        description=gettext_lazy("deadline"), ordering=NullsLast(complaint_due_expression())
    )
    def sla_badge(self, complaint: Complaint):
        status, words = sla_status(complaint, timezone.now())
        if not status:
            return "—"
        return format_html('<span class="pd-sla pd-sla-{}">{}</span>', status, words)

    @admin.display(description=gettext_lazy("state"), ordering="state")
    def state_badge(self, complaint: Complaint):
        return format_html(
            '<span class="pd-state pd-state-{}">{}</span>',
            complaint.state,
            label_of(State, complaint.state),
        )

    @admin.display(description=gettext_lazy("level"), ordering="level")
    def level_badge(self, complaint: Complaint):
        if is_suspected_emergency_pending(complaint):
            return format_html(
                '<span class="pd-level pd-level-suspected" title="{}">I?</span>',
                _("Suspected level I: confirm or downgrade it when classifying"),
            )
        if complaint.level is None:
            return "—"
        return format_html(
            '<span class="pd-level pd-level-{}" title="{}">{}</span>',
            complaint.level,
            label_of(Level, complaint.level),
            Level(complaint.level).name,
        )

    @admin.display(description=gettext_lazy("location"))
    def location(self, complaint: Complaint) -> str:
        return complaint.location_display

    @admin.display(description=gettext_lazy("owner"))
    def owner_name(self, complaint: Complaint):
        return user_display_name(complaint.owner) if complaint.owner_id else "—"

    @admin.display(description=gettext_lazy("assignee"))
    def assignee_name(self, complaint: Complaint):
        return user_display_name(complaint.assignee) if complaint.assignee_id else "—"

    @admin.display(description=gettext_lazy("team"))
    def team_name(self, complaint: Complaint):
        # The property is the list's filter; the team's own name is what fits the column.
        return complaint.team.name if complaint.team_id else "—"

    @admin.display(description=gettext_lazy("submitted at"), ordering="created_at")
    def filed_at(self, complaint: Complaint):
        zone = timezone.get_current_timezone()
        moment = complaint.created_at.astimezone(zone)
        # Digits only, the same in every language (no format lookup for every row).
        this_year = moment.year == timezone.now().astimezone(zone).year
        short = "%m-%d %H:%M" if this_year else "%Y-%m-%d %H:%M"
        return format_html(
            '<time datetime="{}" class="pd-time">{}</time>',
            moment.isoformat(),
            moment.strftime(short),
        )

    @admin.display(description=gettext_lazy("suspected emergency"))
    def suspected_emergency_note(self, complaint: Complaint):
        if not complaint.suspected_emergency:
            return _("No")
        if complaint.emergency_phrase:
            why = "{} {}".format(
                _("The text matched an emergency phrase."),
                _("(matched %(phrase)s)") % {"phrase": complaint.emergency_phrase},
            )
        elif self._filed_by_level_one_sensor(complaint):
            why = _("The sensor that reported it is set to level I.")
        else:
            why = _("The category chosen at filing is level I.")
        if complaint.level is None:
            todo = _("Confirm level I or downgrade it when classifying.")
        else:
            todo = _("Classified as %(level)s.") % {"level": complaint.get_level_display()}
        return format_html(
            '<span class="pd-level pd-level-suspected">{}</span> {} {}',
            _("Suspected level I"),
            why,
            todo,
        )

    def _filed_by_level_one_sensor(self, complaint: Complaint) -> bool:
        if complaint.channel != Channel.IOT:
            return False
        alert = getattr(complaint, "device_alert", None)
        return alert is not None and alert.device.level == Level.I

    @admin.display(description=gettext_lazy("SLA"))
    def sla_detail(self, complaint: Complaint):
        now = timezone.now()
        rows = []
        provisional = provisional_first_response(complaint)
        if provisional is not None:
            status, words = sla_status(complaint, now)
            rows.append((status, f"{Deadline(provisional.deadline).label}: {words}"))
        for times in sla.open_deadlines(complaint):
            status, words = deadline_status(times, now)
            rows.append((status, f"{Deadline(times.deadline).label}: {words}"))
        if complaint.held_since is not None:
            rows.append(("held", _("On hold")))
        if not rows:
            return "—"
        return format_html_join(" ", '<span class="pd-sla pd-sla-{}">{}</span>', rows)

    @admin.display(description=gettext_lazy("close reason"))
    def close_reason_text(self, complaint: Complaint) -> str:
        return reason_text(complaint.close_reason) or "—"

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
