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
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from buildings.models import Building, Property, Resident, Unit
from complaints.history import TransitionHistoryModel
from staff.models import Team
from staff.selectors import SYSTEM_USERNAME

RESIDENT_REOPEN_WINDOW = timedelta(days=7)


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


OWNERLESS_STATES = (State.NEW, State.WITHDRAWN, State.MERGED)


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


def _has_perm_on_own(user, instance: "Complaint", perm: str) -> bool:
    """The owner with `perm`, or someone allowed to override ownership."""
    if not user.has_perm(perm):
        return False
    return instance.owner_id == user.pk or user.has_perm("complaints.override_owner")


def _is_complaint_resident(user, instance: "Complaint") -> bool:
    return instance.resident_id is not None and instance.resident.user_id == user.pk


def _is_system(user) -> bool:
    return user.get_username() == SYSTEM_USERNAME


def can_accept(instance: "Complaint", user) -> bool:
    return user.has_perm("complaints.accept_complaint")


def can_classify(instance: "Complaint", user) -> bool:
    return _has_perm_on_own(user, instance, "complaints.classify_complaint")


def can_dispatch(instance: "Complaint", user) -> bool:
    return _has_perm_on_own(user, instance, "complaints.dispatch_complaint")


def can_handle(instance: "Complaint", user) -> bool:
    if not user.has_perm("complaints.handle_complaint"):
        return False
    if instance.assignee_id == user.pk or user.has_perm("complaints.override_owner"):
        return True
    if instance.team_id is None:
        return False
    profile = getattr(user, "staff_profile", None)
    return (profile is not None and profile.team_id == instance.team_id) or (
        instance.team.leader_id == user.pk
    )


def can_close(instance: "Complaint", user) -> bool:
    return (
        _is_system(user)
        or _is_complaint_resident(user, instance)
        or _has_perm_on_own(user, instance, "complaints.close_complaint")
    )


def can_revisit(instance: "Complaint", user) -> bool:
    return user.has_perm("complaints.revisit_complaint")


def can_reopen(instance: "Complaint", user) -> bool:
    if _is_complaint_resident(user, instance):
        return instance.state == State.HANDLED or instance.within_resident_reopen_window()
    return _is_system(user) or user.has_perm("complaints.reopen_complaint")


def can_withdraw(instance: "Complaint", user) -> bool:
    return _is_complaint_resident(user, instance)


def can_merge(instance: "Complaint", user) -> bool:
    if instance.state == State.NEW:
        return user.has_perm("complaints.merge_complaint")
    return _has_perm_on_own(user, instance, "complaints.merge_complaint")


def photo_upload_to(instance: "Photo", filename: str) -> str:
    return f"photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


def thumbnail_upload_to(instance: "Photo", filename: str) -> str:
    return f"thumbs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


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

    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
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
        excluded_fields=["updated_at"],
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
        ]
        indexes = [
            models.Index(fields=["property", "state"], name="complaint_property_state"),
            models.Index(fields=["owner", "state"], name="complaint_owner_state"),
            models.Index(fields=["team", "state"], name="complaint_team_state"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.description[:30]}"

    @builtins.property  # the name "property" is the ForeignKey above
    def reference(self) -> str:
        """The number residents and staff quote (e.g. TS00000042)."""
        return f"TS{self.pk:08d}" if self.pk else "TS--------"

    @builtins.property
    def location_display(self) -> str:
        place = str(self.unit or self.building or self.property)
        return f"{place} · {self.location_text}" if self.location_text else place

    def within_resident_reopen_window(self, now=None) -> bool:
        if self.state not in (State.CLOSED, State.REVISITED) or self.closed_at is None:
            return False
        return (now or timezone.now()) - self.closed_at <= RESIDENT_REOPEN_WINDOW

    @transition(field=state, source=State.NEW, target=State.ACCEPTED, permission=can_accept)
    def accept(self, *, by, at) -> None:
        self.owner = by
        self.accepted_at = at

    @transition(
        field=state, source=State.ACCEPTED, target=State.CLASSIFIED, permission=can_classify
    )
    def classify(self, *, category: Category, level: int, at) -> None:
        self.category = category
        self.level = level
        self.classified_at = at

    @transition(
        field=state,
        source=[State.CLASSIFIED, State.DISPATCHED, State.REOPENED],
        target=State.DISPATCHED,
        permission=can_dispatch,
    )
    def dispatch(self, *, team: Team, assignee, at) -> None:
        self.team = team
        self.assignee = assignee
        self.dispatched_at = at

    @transition(field=state, source=State.DISPATCHED, target=State.HANDLED, permission=can_handle)
    def handle(self, *, note: str, at) -> None:
        self.resolution_note = note
        self.handled_at = at

    @transition(field=state, source=State.HANDLED, target=State.CLOSED, permission=can_close)
    def close(self, *, reason: str, at) -> None:
        self.close_reason = reason
        self.closed_at = at

    @transition(field=state, source=State.CLOSED, target=State.REVISITED, permission=can_revisit)
    def revisit(self, *, note: str, at) -> None:
        self.revisit_note = note
        self.revisited_at = at

    @transition(
        field=state,
        source=[State.HANDLED, State.CLOSED, State.REVISITED],
        target=State.REOPENED,
        permission=can_reopen,
    )
    def reopen(self, *, at) -> None:
        self.reopen_count += 1
        self.reopened_at = at

    @transition(field=state, source=State.NEW, target=State.WITHDRAWN, permission=can_withdraw)
    def withdraw(self, *, at) -> None:
        self.withdrawn_at = at

    @transition(
        field=state,
        source=[State.NEW, State.ACCEPTED],
        target=State.MERGED,
        permission=can_merge,
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
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint.reference} {self.get_step_display()} #{self.pk}"
