"""Service quality (SPEC §5, issue 16): reply scripts (话术) and the messages written with
them, and the monthly quality inspection (质检抽查) with its corrective actions.

Scripts are company-wide (HQ, property empty) or a property's own; a script that was
used is never deleted, only retired, so every message keeps the text it started from.
A draw stores its seed and its population (the team's complaints closed in the month,
by id), so anyone can draw it again and get the same sample.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buildings.models import Property
from complaints import clock
from complaints.models.category import Category
from complaints.models.complaint import Complaint
from staff.models import Team

SCRIPT_PLACEHOLDERS = ("resident", "team", "promised_time", "reference")
"""What a script may say in braces ({resident}); complaints.quality.scripts fills them."""


class ReplyScript(models.Model):
    class Situation(models.TextChoices):
        FIRST_CONTACT = "first_contact", _("First contact")
        DELAY = "delay", _("Apology for a delay")
        DISPATCHED = "dispatched", _("Dispatched")
        HANDLED = "handled", _("Handled")
        REFUSAL = "refusal", _("Refusal with reason")

    title = models.CharField(_("title"), max_length=100)
    situation = models.CharField(_("situation"), max_length=20, choices=Situation.choices)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reply_scripts",
        verbose_name=_("category"),
        help_text=_("Empty: offered for every category."),
    )
    property = models.ForeignKey(
        Property,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reply_scripts",
        verbose_name=_("property"),
        help_text=_("Empty: a company-wide script, kept by head office."),
    )
    text_zh_hans = models.TextField(
        _("text (Chinese)"),
        help_text=_(
            "Apologise first, empathise, then solve. Placeholders: {resident}, {team}, "
            "{promised_time}, {reference}."
        ),
    )
    text_en = models.TextField(_("text (English)"))
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("A retired script is no longer offered.")
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reply script")
        verbose_name_plural = _("reply scripts")
        ordering = ["situation", "title"]

    def __str__(self) -> str:
        return f"{self.get_situation_display()} · {self.title}"


class ComplaintMessage(models.Model):
    """What staff wrote to the resident (services.complaint_message_send): the resident
    reads it in the portal's timeline and notifications, staff in the history."""

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "中文"
        EN = "en", "English"

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="messages", verbose_name=_("complaint")
    )
    script = models.ForeignKey(
        ReplyScript,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("reply script"),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS
    )
    body = models.TextField(_("message"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent at"), default=clock.now)

    class Meta:
        verbose_name = _("message to the resident")
        verbose_name_plural = _("messages to residents")
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class InspectionDraw(models.Model):
    """One team's monthly sample: drawn by `random.Random(seed).sample(population, size)`
    over `population` (the ids of the team's complaints closed in the month, ascending)."""

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="inspection_draws", verbose_name=_("team")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month inspected."))
    seed = models.CharField(_("seed"), max_length=64)
    rate_percent = models.DecimalField(_("sample rate (%)"), max_digits=5, decimal_places=2)
    minimum = models.PositiveSmallIntegerField(_("minimum sample"))
    population = models.JSONField(_("complaints closed (ids, ascending)"), default=list)
    sample = models.JSONField(_("sample (ids, in draw order)"), default=list)
    drawn_at = models.DateTimeField(_("drawn at"), default=clock.now)

    class Meta:
        verbose_name = _("inspection draw")
        verbose_name_plural = _("inspection draws")
        ordering = ["-month", "team"]
        constraints = [
            models.UniqueConstraint(fields=["team", "month"], name="inspection_draw_once"),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.month:%Y-%m}"


SCORE_VALIDATORS = [MaxValueValidator(100)]


class Inspection(models.Model):
    """One sampled complaint, scored by a quality supervisor (0–100 on each count)."""

    draw = models.ForeignKey(
        InspectionDraw,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("draw"),
    )
    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("complaint")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("team")
    )
    month = models.DateField(_("month"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inspector"),
    )
    response_time_score = models.PositiveSmallIntegerField(
        _("response time kept"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    handling_score = models.PositiveSmallIntegerField(
        _("handling quality"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    communication_score = models.PositiveSmallIntegerField(
        _("resident communication"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    findings = models.TextField(_("findings"), blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quality inspection")
        verbose_name_plural = _("quality inspections")
        ordering = ["-month", "team", "complaint"]
        permissions = [("score_inspection", _("Can score quality inspections"))]
        constraints = [
            models.UniqueConstraint(fields=["draw", "complaint"], name="inspection_once"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.reference} · {self.month:%Y-%m}"

    @property
    def mean_score(self) -> float | None:
        scores = (self.response_time_score, self.handling_score, self.communication_score)
        if any(score is None for score in scores):
            return None
        return sum(scores) / len(scores)


class CorrectiveAction(models.Model):
    """A failed inspection's 问责 → 整改 → 培训 for the team leader: answered by the
    leader before `due_at`, closed by a supervisor."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for the team leader")
        ANSWERED = "answered", _("Answered, waiting for the supervisor")
        CLOSED = "closed", _("Closed")

    inspection = models.OneToOneField(
        Inspection,
        on_delete=models.PROTECT,
        related_name="corrective_action",
        verbose_name=_("inspection"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="corrective_actions", verbose_name=_("team")
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrective_actions",
        verbose_name=_("team leader"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(_("opened at"), default=clock.now)
    due_at = models.DateTimeField(_("answer due"), db_index=True)
    accountability = models.TextField(_("accountability (问责)"), blank=True)
    correction = models.TextField(_("correction (整改)"), blank=True)
    training = models.TextField(_("training (培训)"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closing_note = models.TextField(_("supervisor's note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"{self.team} · {self.inspection.complaint.reference}"


class ModelCase(models.Model):
    """A closed complaint written up as a model case (投诉处理知识库): what happened,
    what fixed it, what to avoid. Written without personal data (no names, phone
    numbers or unit numbers: services.model_case_write refuses them); read by the staff
    of its complaint's property."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.PROTECT, related_name="model_case", verbose_name=_("complaint")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="model_cases", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=100)
    what_happened = models.TextField(_("what happened"))
    what_fixed_it = models.TextField(_("what fixed it"))
    what_to_avoid = models.TextField(_("what to avoid"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(_("written at"), default=clock.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("model case")
        verbose_name_plural = _("model cases")
        ordering = ["-written_at"]

    def __str__(self) -> str:
        return self.title
