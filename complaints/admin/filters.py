"""The complaint list's filters: queues, repeat problems, properties and teams in scope."""

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from buildings.models import Property
from complaints.models.urgency import QUEUE_STATES
from complaints.selectors import Queue, queue_condition
from staff.models import Team
from staff.selectors import property_ids_visible_to


class QueueFilter(admin.SimpleListFilter):
    title = gettext_lazy("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return Queue.choices

    def queryset(self, request, queryset):
        if self.value() not in Queue.values:
            return queryset
        condition = queue_condition(self.value(), user=request.user, now=timezone.now())
        if self.value() in (Queue.DUE_SOON, Queue.OVERDUE):
            # They name no state, yet hold queue rows only; said so, the database counts
            # them through those rows' index (complaint_queues), not the table: 150 → 3 ms
            # at 1M. Where a queue names its state, the two misled the planner.
            condition &= Q(state__in=QUEUE_STATES)
        return queryset.filter(condition)


class RepeatProblemFilter(admin.SimpleListFilter):
    title = gettext_lazy("repeat problem")
    parameter_name = "repeat"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(repeat__isnull=self.value() == "no")
        return queryset


class PropertyFilter(admin.RelatedFieldListFilter):
    """The user's properties, not those of the listed complaints: that would scan them."""

    def field_choices(self, field, request, model_admin):
        ids = property_ids_visible_to(request.user)
        if len(ids) < 2:
            # Django shows no filter of a single choice, so its name is never read: one
            # query fewer on every list of the staff of one property.
            return [(pk, "") for pk in ids]
        properties = Property.objects.filter(pk__in=ids)
        return [(prop.pk, prop.name) for prop in properties.order_by("name")]


class TeamFilter(admin.RelatedFieldListFilter):
    """The teams of the user's properties, with their property, in one query (Team's
    __str__ names the property); not those of the listed complaints, which would scan
    them."""

    def field_choices(self, field, request, model_admin):
        teams = (
            Team.objects.filter(property_id__in=property_ids_visible_to(request.user))
            .select_related("property")
            .order_by("property__name", "name")
        )
        return [(team.pk, str(team)) for team in teams]
