"""The transition name on each complaint history row, next to simple-history's user and reason."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints import clock
from complaints.models.vocabulary import Transition


class TransitionHistoryModel(models.Model):
    transition = models.CharField(
        _("transition"), max_length=30, blank=True, choices=Transition.choices
    )

    class Meta:
        abstract = True


def copy_transition_name(sender, instance, history_instance, **kwargs) -> None:
    if isinstance(history_instance, TransitionHistoryModel):
        history_instance.transition = getattr(instance, "_history_transition", "")


def date_by_clock(sender, instance, history_instance, **kwargs) -> None:
    """A history row written while the clock is set is dated by it, like the row it records."""
    if clock.is_set() and not hasattr(instance, "_history_date"):
        history_instance.history_date = clock.now()
