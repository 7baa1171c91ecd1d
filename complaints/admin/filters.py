"""The complaint list's filters: queues, repeat problems, teams in scope."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy

from complaints.selectors import Queue, queue_condition
from staff.models import Team


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
