"""Complaints and their lifecycle (SPEC §3).

    new --accept--> accepted --classify--> classified --dispatch--> dispatched
    dispatched --dispatch--> dispatched              (re-dispatch to another team)
    dispatched --handle--> handled --close--> closed --revisit--> revisited
    handled|closed|revisited --reopen--> reopened --dispatch--> dispatched
    new --withdraw--> withdrawn                      (resident, before acceptance)
    new|accepted --merge--> merged                   (duplicate of another complaint)

Transition methods only change fields in memory; `complaints.services` runs them,
checks permissions, saves and records the history.
"""

import builtins
import re
import uuid
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from buildings.models import Building, Property, Resident, Unit
from complaints import clock
from complaints.history import TransitionHistoryModel
from staff.models import Team

RESIDENT_REOPEN_WINDOW = timedelta(days=7)
REFERENCE_PREFIX = "TS"
REFERENCE_PATTERN = re.compile(
    rf"\s*(?P<prefix>{REFERENCE_PREFIX})?(?P<number>\d+)\s*", re.IGNORECASE
)


class State(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    CLASSIFIED = "classified", _("Classified")
    DISPATCHED = "dispatched", _("Dispatched")
    HANDLED = "handled", _("Handled")
    CLOSED = "closed", _("Closed")
    REVISITED = "revisited", _("Revisited")
    REOPENED = "reopened", _("Reopened")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged")


# Named groups of states: a rule that asks "is it closed / being worked on / ..." uses one.
# Accepted and being worked on: the resolution clock runs and the SLA sweep watches them.
IN_PROGRESS_STATES = (State.ACCEPTED, State.CLASSIFIED, State.DISPATCHED, State.REOPENED)
# Accepted and not closed yet: staff still hold it (handled ones wait for the resident).
ACCEPTED_OPEN_STATES = (*IN_PROGRESS_STATES, State.HANDLED)
# The resident still waits for a response or a fix: the portal's promise still matters.
AWAITING_RESPONSE_STATES = (State.NEW, *IN_PROGRESS_STATES)
# Closed, before or after the revisit call.
CLOSED_STATES = (State.CLOSED, State.REVISITED)
# Withdrawn or merged into another: no longer a complaint of its own (not counted in
# repeats or reports, and nothing can be merged into it).
DISCARDED_STATES = (State.WITHDRAWN, State.MERGED)
# Nobody owns it: not accepted yet, or discarded before acceptance.
OWNERLESS_STATES = (State.NEW, *DISCARDED_STATES)


class Transition(models.TextChoices):
    """A lifecycle transition or another recorded change: the name on each history row,
    and the action that permissions and services check."""

    CREATE = "create"
    ACCEPT = "accept"
    CLASSIFY = "classify"
    SET_LEVEL = "set_level"
    DISPATCH = "dispatch"
    HANDLE = "handle"
    CLOSE = "close"
    REVISIT = "revisit"
    REOPEN = "reopen"
    WITHDRAW = "withdraw"
    MERGE = "merge"
    TRANSFER = "transfer"
    HOLD = "hold"
    RESUME = "resume"
    ON_SITE = "on_site"
    SURVEY = "survey"


class Level(models.IntegerChoices):
    I = 1, _("Level I · emergency")  # noqa: E741
    II = 2, _("Level II · general")
    III = 3, _("Level III · suggestion")


class Channel(models.TextChoices):
    WEB = "web", _("Resident web form")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in desk")
    PAPER = "paper", _("Suggestion box / paper form")
    COMMITTEE = "committee", _("Residents' committee referral")
    APP = "app", _("Mobile app")
    IOT = "iot", _("IoT sensor alert")


class Category(models.Model):
    """Two-level complaint category; the defaults steer classification."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=80)
    default_team_kind = models.CharField(
        _("default team"), max_length=20, choices=Team.Kind.choices, blank=True
    )
    default_level = models.PositiveSmallIntegerField(
        _("default level"), choices=Level.choices, default=Level.II
    )
    needs_photos = models.BooleanField(
        _("needs photos when handled"),
        default=False,
        help_text=_("Handling requires before and after photos (完工确认)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        if self.parent_id:
            return f"{self.parent.name} / {self.name}"
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh_hans


def _permission(transition_name: str):
    """The `permission=` of a transition: the rule `can_<name>` of complaints.permissions.
    That module needs this one, so it is imported when the rule is asked, not here."""

    def permitted(instance: "Complaint", user) -> bool:
        from complaints import permissions

        return getattr(permissions, f"can_{transition_name}")(instance, user)

    permitted.__name__ = permitted.__qualname__ = f"can_{transition_name}"
    return permitted


PHOTO_FOLDERS = {"image": "photos", "thumbnail": "thumbs"}


def photo_folder(field: str, moment: datetime) -> str:
    """Where a photo's `field` ("image" or "thumbnail") stored at `moment` goes: one
    folder per UTC month."""
    return f"{PHOTO_FOLDERS[field]}/{moment.astimezone(UTC):%Y/%m}"


def photo_upload_to(instance: "Photo", filename: str) -> str:
    return f"{photo_folder('image', clock.now())}/{uuid.uuid4().hex}.jpg"


def thumbnail_upload_to(instance: "Photo", filename: str) -> str:
    return f"{photo_folder('thumbnail', clock.now())}/{uuid.uuid4().hex}.jpg"


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
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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
            # A repeat problem's group: one place and category, by filing time.
            models.Index(
                fields=["property", "category", "building", "unit", "created_at"],
                name="complaint_repeat_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.description[:30]}"

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
        place = str(self.unit or self.building or self.property)
        return f"{place} · {self.location_text}" if self.location_text else place

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


class Photo(models.Model):
    class Step(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence")
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="photos", verbose_name=_("complaint")
    )
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    image = models.ImageField(
        _("image"), upload_to=photo_upload_to, width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to=thumbnail_upload_to)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), default=clock.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint.reference} {self.get_step_display()} #{self.pk}"


class SlaPolicy(models.Model):
    """HQ's response windows for one level (SPEC §3); properties may only tighten them."""

    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, unique=True)
    first_response = models.DurationField(
        _("first response within"), help_text=_("From submission until dispatched.")
    )
    on_site = models.DurationField(_("on site within"), null=True, blank=True)
    resolve = models.DurationField(_("resolved within"), null=True, blank=True)
    resolve_working_days = models.PositiveSmallIntegerField(
        _("written reply within (working days)"), null=True, blank=True
    )
    max_hold = models.DurationField(
        _("longest total hold"),
        default=timedelta,
        help_text=_("0 means complaints of this level cannot be put on hold."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["level"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolve__isnull=True) ^ Q(resolve_working_days__isnull=True),
                name="slapolicy_one_resolve_window",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_level_display())


class PropertySlaOverride(models.Model):
    """A property's tighter windows for one level; empty fields keep HQ's."""

    property = models.ForeignKey(
        Property, on_delete=models.CASCADE, related_name="sla_overrides", verbose_name=_("property")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    first_response = models.DurationField(_("first response within"), null=True, blank=True)
    on_site = models.DurationField(_("on site within"), null=True, blank=True)
    resolve = models.DurationField(_("resolved within"), null=True, blank=True)
    resolve_working_days = models.PositiveSmallIntegerField(
        _("written reply within (working days)"), null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("property SLA override")
        verbose_name_plural = _("property SLA overrides")
        constraints = [
            models.UniqueConstraint(fields=["property", "level"], name="slaoverride_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.property} · {self.get_level_display()}"

    def clean(self) -> None:
        policy = SlaPolicy.objects.filter(level=self.level).first()
        if policy is None:
            return
        errors = {}
        for field in ("first_response", "on_site", "resolve", "resolve_working_days"):
            value, default = getattr(self, field), getattr(policy, field)
            if value is None:
                continue
            if default is None:
                errors[field] = _("HQ's policy for this level has no such window.")
            elif value > default:
                errors[field] = _(
                    "A property may only tighten HQ's window (at most %(default)s)."
                ) % {"default": default}
        if errors:
            raise ValidationError(errors)


class WorkdayOverride(models.Model):
    """A date that breaks the Monday–Friday rule: a statutory holiday on a weekday, or a
    make-up workday (调休) on a weekend. Seeded from chinese-calendar; edit for new years."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("is a working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("holiday or make-up workday")
        verbose_name_plural = _("PRC working-day calendar")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Hold(models.Model):
    """A period when the resolve clock stops, waiting for something outside our control."""

    class Reason(models.TextChoices):
        ACCESS = "access", _("Waiting for the resident to give access")
        PARTS = "parts", _("Waiting for parts")
        THIRD_PARTY = "third_party", _("Waiting for a third party (developer, utility …)")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="holds", verbose_name=_("complaint")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started at"))
    expected_resume_at = models.DateTimeField(_("expected resume at"), db_index=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(ended_at__isnull=True),
                name="hold_one_open_per_complaint",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.reference} {self.get_reason_display()}"

    @builtins.property
    def duration(self) -> timedelta | None:
        return self.ended_at - self.started_at if self.ended_at else None


class Deadline(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    ON_SITE = "on_site", _("On site")
    RESOLVE = "resolve", _("Resolved / replied")


class Breach(models.Model):
    """A deadline that passed unmet; recorded once per deadline and SLA cycle."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="breaches", verbose_name=_("complaint")
    )
    deadline = models.CharField(_("deadline"), max_length=20, choices=Deadline.choices)
    cycle = models.PositiveSmallIntegerField(
        _("cycle"), help_text=_("0 for the first handling, n after the n-th reopening.")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    due_at = models.DateTimeField(_("due at"))
    detected_at = models.DateTimeField(_("detected at"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("owner then"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("team then")
    )
    escalated_to_manager_at = models.DateTimeField(
        _("escalated to the project manager at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("SLA breach")
        verbose_name_plural = _("SLA breaches")
        ordering = ["-due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "deadline", "cycle"], name="breach_once_per_cycle"
            ),
        ]
        indexes = [models.Index(fields=["due_at"], name="breach_due_at")]

    def __str__(self) -> str:
        return f"{self.complaint.reference} {self.get_deadline_display()} {self.due_at:%Y-%m-%d}"


class Survey(models.Model):
    """The satisfaction survey of one closing (one per complaint and SLA cycle)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="surveys", verbose_name=_("complaint")
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"))
    sent_at = models.DateTimeField(_("sent at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    solved = models.PositiveSmallIntegerField(_("problem solved"), null=True, blank=True)
    speed = models.PositiveSmallIntegerField(_("response speed"), null=True, blank=True)
    attitude = models.PositiveSmallIntegerField(_("service attitude"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "cycle"], name="survey_once_per_cycle"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True)
                | (
                    Q(solved__range=(0, 100))
                    & Q(speed__range=(0, 100))
                    & Q(attitude__range=(0, 100))
                ),
                name="survey_scores_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.reference} #{self.cycle}"

    @builtins.property
    def mean(self) -> float | None:
        if self.submitted_at is None:
            return None
        return (self.solved + self.speed + self.attitude) / 3


class Notification(models.Model):
    """An in-app notice, also delivered by e-mail (and SMS for urgent kinds).

    `event_key` names the event; with the recipient it is unique, so an event is
    never notified twice, however many sweeps run.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=30)
    event_key = models.CharField(_("event"), max_length=120)
    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("complaint"),
    )
    params = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="notification_once_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(
                fields=["created_at"],
                condition=Q(delivered_at__isnull=True),
                name="notification_undelivered",
            ),
            models.Index(fields=["complaint", "kind"], name="notification_complaint_kind"),
        ]

    def __str__(self) -> str:
        return self.text

    @builtins.property
    def text(self) -> str:
        from complaints.notifications import notification_text

        return notification_text(self)


class RepeatMember(models.Model):
    """A complaint that belongs to a repeat problem (重复投诉), kept by `complaints.repeats`."""

    complaint = models.OneToOneField(
        Complaint,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="repeat",
        verbose_name=_("complaint"),
    )
    since = models.DateTimeField(
        _("repeat problem since"),
        help_text=_("When the complaint that completed its first repeat problem was filed."),
    )

    class Meta:
        verbose_name = _("repeat problem member")
        verbose_name_plural = _("repeat problem members")
        # The monthly reports count the members that joined in the month.
        indexes = [models.Index(fields=["since"], name="repeat_member_since")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.since:%Y-%m-%d %H:%M}"


class MonthlySnapshot(models.Model):
    """A published month of a report: stored figures that later edits do not change."""

    class Kind(models.TextChoices):
        RED_BLACK = "red_black", _("Red/black list")
        ANALYSIS = "analysis", _("Monthly analysis")

    kind = models.CharField(_("report"), max_length=20, choices=Kind.choices)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    property = models.ForeignKey(
        Property,
        on_delete=models.CASCADE,
        related_name="snapshots",
        verbose_name=_("property"),
    )
    published_at = models.DateTimeField(_("published at"))
    data = models.JSONField(_("figures"))

    class Meta:
        verbose_name = _("published monthly report")
        verbose_name_plural = _("published monthly reports")
        ordering = ["-month", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "month", "property"], name="snapshot_once_per_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="snapshot_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.month:%Y-%m} {self.property}"


class PersonalDataAccess(models.Model):
    """One access by staff to residents' personal data (SPEC §7, PIPL minimum necessary):
    a resident's record opened, a phone number revealed, an export, an anonymisation.

    Written only by `complaints.privacy.services.data_access_record`, never changed. The
    properties are those whose data was reached, stored at the time: the log stays
    readable by their project managers after residencies end.
    """

    class Kind(models.TextChoices):
        VIEW = "view", _("Viewed a resident's record")
        REVEAL = "reveal", _("Revealed a phone number")
        EXPORT = "export", _("Exported")
        ANONYMISE = "anonymise", _("Anonymised a resident")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
    )
    at = models.DateTimeField(_("when"), default=clock.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="data_accesses",
        verbose_name=_("resident"),
    )
    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="data_accesses",
        verbose_name=_("complaint"),
    )
    description = models.CharField(_("exported file"), max_length=200, blank=True)
    details = models.JSONField(
        _("details"),
        default=dict,
        blank=True,
        help_text=_("What was exported: the filters, the report and month, the complaints."),
    )
    row_count = models.PositiveIntegerField(_("number of rows"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    properties = models.ManyToManyField(
        Property, related_name="data_accesses", blank=True, verbose_name=_("properties")
    )

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {timezone.localtime(self.at):%Y-%m-%d %H:%M}"
