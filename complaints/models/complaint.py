"""The complaint and its state machine; transitions change fields in memory only."""

import builtins
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Right
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from buildings.models import Building, Property, Resident, Unit
from complaints import clock
from complaints.history import TransitionHistoryModel
from complaints.models.category import Category
from complaints.models.urgency import queue_index, sort_indexes, urgency_indexes
from complaints.models.vocabulary import CLOSED_STATES, OWNERLESS_STATES, Channel, Level, State
from staff.models import Team

RESIDENT_REOPEN_WINDOW = timedelta(days=7)
REFERENCE_PREFIX = "TS"
REFERENCE_PATTERN = re.compile(
    rf"\s*(?P<prefix>{REFERENCE_PREFIX})?(?P<number>\d+)\s*", re.IGNORECASE
)


def _permission(transition_name: str):
    """The `permission=` of a transition: the rule `can_<name>` of complaints.permissions.
    That module needs this one, so it is imported when the rule is asked, not here."""

    def permitted(instance: "Complaint", user) -> bool:
        from complaints import permissions

        return getattr(permissions, f"can_{transition_name}")(instance, user)

    permitted.__name__ = permitted.__qualname__ = f"can_{transition_name}"
    return permitted


class Complaint(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("property")
    )
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("building"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("unit"),
        help_text=_("Empty for a common area."),
    )
    location_text = models.CharField(
        _("location"),
        max_length=200,
        blank=True,
        help_text=_('Where exactly, e.g. "B2 garage, elevator 3".'),
    )
    description = models.TextField(_("description"))
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("resident"),
    )
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    preferred_contact_time = models.CharField(
        _("preferred contact time"), max_length=100, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )

    state = FSMField(_("state"), default=State.NEW, choices=State.choices, protected=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("category"),
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=Level.choices, null=True, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_complaints",
        verbose_name=_("owner"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("team"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_complaints",
        verbose_name=_("assignee"),
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)
    close_reason = models.CharField(_("close reason"), max_length=200, blank=True)
    revisit_note = models.TextField(_("revisit note"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    suspected_emergency = models.BooleanField(
        _("suspected emergency"),
        default=False,
        help_text=_("The text matched an emergency phrase; confirm or downgrade when classifying."),
    )
    emergency_phrase = models.CharField(
        _("matched emergency phrase"),
        max_length=100,
        blank=True,
        help_text=_("The emergency phrase the text matched at filing, if any."),
    )

    sla_started_at = models.DateTimeField(_("SLA windows start"), null=True, blank=True)
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    on_site_due = models.DateTimeField(_("on site due"), null=True, blank=True)
    resolve_due = models.DateTimeField(_("resolve / reply due"), null=True, blank=True)
    on_site_at = models.DateTimeField(_("on site at"), null=True, blank=True)
    held_since = models.DateTimeField(_("on hold since"), null=True, blank=True)
    held_until = models.DateTimeField(_("on hold until"), null=True, blank=True)
    held_total = models.DurationField(
        _("time on hold"), default=timedelta, help_text=_("In the current SLA cycle.")
    )
    sla_next_at = models.DateTimeField(
        _("next SLA check"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When the SLA sweep must next look at this complaint."),
    )
    revisit_due_at = models.DateTimeField(_("revisit due"), null=True, blank=True, db_index=True)
    next_due_at = models.DateTimeField(
        _("next deadline"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("The earliest deadline of the cycle not met yet; queues sort by it."),
    )

    created_at = models.DateTimeField(_("submitted at"), default=clock.now, db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    classified_at = models.DateTimeField(_("classified at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    revisited_at = models.DateTimeField(_("revisited at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now, editable=False)

    history = HistoricalRecords(
        bases=[TransitionHistoryModel],
        excluded_fields=["updated_at", "sla_next_at", "next_due_at"],
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at"]
        permissions = [
            ("accept_complaint", _("Can accept a complaint and become its owner")),
            ("classify_complaint", _("Can classify a complaint")),
            ("dispatch_complaint", _("Can dispatch a complaint to a team")),
            ("handle_complaint", _("Can record a complaint as handled")),
            ("close_complaint", _("Can close a complaint")),
            ("revisit_complaint", _("Can record a revisit call")),
            ("reopen_complaint", _("Can reopen a complaint")),
            ("merge_complaint", _("Can merge a duplicate complaint")),
            ("transfer_complaint", _("Can transfer complaint ownership")),
            ("override_owner", _("Can act on complaints owned by others, with a reason")),
            ("view_contact_phone", _("Can see residents' full phone numbers")),
            (
                "view_property_complaints",
                _("Can see every complaint of their properties, not only their team's"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=OWNERLESS_STATES) | Q(owner__isnull=False),
                name="complaint_accepted_has_owner",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.MERGED) | Q(merged_into__isnull=False),
                name="complaint_merged_has_target",
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(building__isnull=False),
                name="complaint_unit_has_building",
            ),
            # Dispatching needs a classified complaint, which has its deadlines; the
            # 3-in-a-row rule orders a team's complaints by this one.
            models.CheckConstraint(
                condition=Q(team__isnull=True) | Q(resolve_due__isnull=False),
                name="complaint_dispatched_has_resolve_due",
            ),
        ]
        indexes = [
            models.Index(fields=["property", "state"], name="complaint_property_state"),
            models.Index(fields=["owner", "state"], name="complaint_owner_state"),
            models.Index(fields=["team", "state"], name="complaint_team_state"),
            # The monthly reports select a property's complaints by their resolve deadline.
            models.Index(fields=["property", "resolve_due"], name="complaint_property_resolve_due"),
            # ... and by their closing: with the id in the key, the counts of the analysis's
            # twelve-month trend read the index alone, not the table.
            models.Index(fields=["property", "closed_at", "id"], name="complaint_property_closed"),
            # A repeat problem's group: one place and category, by filing time.
            models.Index(
                fields=["property", "category", "building", "unit", "created_at"],
                name="complaint_repeat_group",
            ),
            *(models.Index(*expressions, name=name) for name, expressions in urgency_indexes()),
            queue_index(),
            *sort_indexes(),
            # Search by the last four digits of the phone, which a masked number shows.
            models.Index(Right("contact_phone", 4), name="complaint_phone_tail"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.description[:30]}"

    def save(self, *args, **kwargs) -> None:
        # By the domain clock, which auto_now would ignore.
        self.updated_at = clock.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)

    @builtins.property
    def state_fields(self) -> tuple:
        """The FSM fields ConcurrentTransitionMixin guards: it looks for them among all the
        complaint's 47 fields for every complaint it loads (30 µs each, a list page's 50
        rows 1.5 ms); the complaint has one."""
        return (self._meta.get_field("state"),)

    @builtins.property  # the name "property" is the ForeignKey above
    def reference(self) -> str:
        """The number residents and staff quote (e.g. TS00000042)."""
        return f"{REFERENCE_PREFIX}{self.pk:08d}" if self.pk else f"{REFERENCE_PREFIX}--------"

    @staticmethod
    def parse_reference(text: str, *, prefix_required: bool = True) -> int | None:
        """The complaint id in a quoted reference ("TS00000042" -> 42; case and surrounding
        spaces do not matter), or None. Without `prefix_required`, "42" is read too."""
        match = REFERENCE_PATTERN.fullmatch(text)
        if match is None or (prefix_required and not match["prefix"]):
            return None
        return int(match["number"])

    @builtins.property
    def location_display(self) -> str:
        # A unit's building is the complaint's own (complaint_unit_has_building).
        if self.unit_id is not None:
            place = self.unit.name_in(self.building)
        else:
            place = str(self.building or self.property)
        return f"{place} · {self.location_text}" if self.location_text else place

    location_display.fget.short_description = _("location")

    def within_resident_reopen_window(self, now: datetime | None = None) -> bool:
        if self.state not in CLOSED_STATES or self.closed_at is None:
            return False
        return (now or clock.now()) - self.closed_at <= RESIDENT_REOPEN_WINDOW

    @transition(
        field=state, source=State.NEW, target=State.ACCEPTED, permission=_permission("accept")
    )
    def accept(self, *, by, at) -> None:
        self.owner = by
        self.accepted_at = at

    @transition(
        field=state,
        source=State.ACCEPTED,
        target=State.CLASSIFIED,
        permission=_permission("classify"),
    )
    def classify(self, *, category: Category, level: int, at) -> None:
        self.category = category
        self.level = level
        self.classified_at = at

    @transition(
        field=state,
        source=[State.CLASSIFIED, State.DISPATCHED, State.REOPENED],
        target=State.DISPATCHED,
        permission=_permission("dispatch"),
    )
    def dispatch(self, *, team: Team, assignee, at) -> None:
        self.team = team
        self.assignee = assignee
        # The cycle's first dispatch met its first-response deadline; sending the
        # complaint on to another team later does not move that moment.
        first_of_cycle = self.dispatched_at is None or (
            self.reopened_at is not None and self.dispatched_at <= self.reopened_at
        )
        if first_of_cycle:
            self.dispatched_at = at

    @transition(
        field=state, source=State.DISPATCHED, target=State.HANDLED, permission=_permission("handle")
    )
    def handle(self, *, note: str, at) -> None:
        self.resolution_note = note
        self.handled_at = at

    @transition(
        field=state, source=State.HANDLED, target=State.CLOSED, permission=_permission("close")
    )
    def close(self, *, reason: str, at) -> None:
        self.close_reason = reason
        self.closed_at = at

    @transition(
        field=state, source=State.CLOSED, target=State.REVISITED, permission=_permission("revisit")
    )
    def revisit(self, *, note: str, at) -> None:
        self.revisit_note = note
        self.revisited_at = at

    @transition(
        field=state,
        source=[State.HANDLED, *CLOSED_STATES],
        target=State.REOPENED,
        permission=_permission("reopen"),
    )
    def reopen(self, *, at) -> None:
        self.reopen_count += 1
        self.reopened_at = at

    @transition(
        field=state, source=State.NEW, target=State.WITHDRAWN, permission=_permission("withdraw")
    )
    def withdraw(self, *, at) -> None:
        self.withdrawn_at = at

    @transition(
        field=state,
        source=[State.NEW, State.ACCEPTED],
        target=State.MERGED,
        permission=_permission("merge"),
    )
    def merge(self, *, into: "Complaint", at) -> None:
        self.merged_into = into
        self.merged_at = at
