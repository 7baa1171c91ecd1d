"""The rules intake applies to a new complaint's text, kept as rows the admin edits:
emergency phrases (per language, per property or for all), the keywords that suggest a
category, and the suggestion each complaint got (to measure how often the agent kept it);
and the links of the site boards, which show a property's figures without a login.

Negation words stay in `complaints.emergency`: they are grammar, not a property's choice.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buildings.models import Property
from complaints import clock
from complaints.models.category import Category
from complaints.models.complaint import Complaint
from complaints.models.vocabulary import Level
from complaints.tokens import PREFIX_LENGTH
from staff.models import Team

PHRASE_LENGTH = 100


class PhraseLanguage(models.TextChoices):
    """How a phrase is found: Chinese anywhere in the text, English as whole words."""

    ZH_HANS = "zh-hans", _("Chinese")
    EN = "en", _("English")


def _phrase_clean(value: str, language: str) -> str:
    value = " ".join(value.split())
    if language == PhraseLanguage.EN:
        value = value.lower()
    return value


class EmergencyPhrase(models.Model):
    """A phrase whose (not negated) mention makes a new complaint a suspected level I."""

    phrase = models.CharField(_("phrase"), max_length=PHRASE_LENGTH)
    language = models.CharField(_("language"), max_length=8, choices=PhraseLanguage.choices)
    property = models.ForeignKey(
        Property,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emergency_phrases",
        verbose_name=_("property"),
        help_text=_("Empty: the phrase applies to every property."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("emergency phrase")
        verbose_name_plural = _("emergency phrases")
        ordering = ["language", "phrase"]
        constraints = [
            models.UniqueConstraint(
                fields=["phrase", "language", "property"],
                condition=Q(property__isnull=False),
                name="emergency_phrase_unique",
            ),
            models.UniqueConstraint(
                fields=["phrase", "language"],
                condition=Q(property__isnull=True),
                name="emergency_phrase_unique_everywhere",
            ),
        ]

    def __str__(self) -> str:
        return self.phrase

    def clean(self) -> None:
        self.phrase = _phrase_clean(self.phrase, self.language)
        if not self.phrase:
            raise ValidationError({"phrase": _("Enter the phrase.")})


class CategoryKeyword(models.Model):
    """A word whose mention suggests its category at intake ("漏水" → 渗漏与管道)."""

    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        related_name="keywords",
        verbose_name=_("category"),
    )
    keyword = models.CharField(_("keyword"), max_length=PHRASE_LENGTH)
    language = models.CharField(_("language"), max_length=8, choices=PhraseLanguage.choices)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        help_text=_("When several categories match, the highest total weight wins."),
    )

    class Meta:
        verbose_name = _("category keyword")
        verbose_name_plural = _("category keywords")
        ordering = ["category__code", "keyword"]
        constraints = [
            models.UniqueConstraint(
                fields=["keyword", "language", "category"], name="category_keyword_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.keyword

    def clean(self) -> None:
        self.keyword = _phrase_clean(self.keyword, self.language)
        if not self.keyword:
            raise ValidationError({"keyword": _("Enter the keyword.")})


class IntakeSuggestion(models.Model):
    """What intake proposed for one complaint, and why; the agent's classification is
    final and compared with it for the accuracy figures."""

    complaint = models.OneToOneField(
        Complaint,
        on_delete=models.CASCADE,
        related_name="intake_suggestion",
        verbose_name=_("complaint"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("suggested category"),
    )
    level = models.PositiveSmallIntegerField(_("suggested level"), choices=Level.choices)
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggested team"),
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("intake suggestion")
        verbose_name_plural = _("intake suggestions")
        indexes = [models.Index(fields=["created_at"], name="suggestion_created_idx")]

    def __str__(self) -> str:
        return self.reason


class BoardToken(models.Model):
    """A link to one property's site board (the office TV): shown once when made, stored
    as a SHA-256 hash beside a prefix to find it by; revoked, the board answers 404."""

    property = models.ForeignKey(
        Property, on_delete=models.CASCADE, related_name="board_tokens", verbose_name=_("property")
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_('Where the screen is, e.g. "Service desk TV".')
    )
    token_prefix = models.CharField(
        _("token prefix"), max_length=PREFIX_LENGTH, unique=True, editable=False
    )
    token_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("site board link")
        verbose_name_plural = _("site board links")
        ordering = ["property__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["property", "name"],
                condition=Q(revoked_at__isnull=True),
                name="board_token_unique_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name
