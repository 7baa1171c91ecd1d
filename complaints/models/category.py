"""Complaint categories: two levels, each with the level and team it suggests."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from complaints.models.vocabulary import Level
from staff.models import Team


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
