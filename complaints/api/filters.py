"""The staff list's filters (django-filter): the admin changelist's queues and search,
by the same conditions (`complaints.selectors.queue_condition`, the registered
ComplaintAdmin's `get_search_results`), plus plain field filters."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from complaints import clock
from complaints.models import Complaint, Level, State
from complaints.models.urgency import complaint_due_expression
from complaints.selectors import Queue, queue_condition


def complaint_admin():
    """The staff workspace's ComplaintAdmin, whose gates and search the API shares."""
    return admin.site.get_model_admin(Complaint)


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


class IdFilter(filters.NumberFilter):
    field_class = IdField


class OwnerField(forms.CharField):
    """A user id, or "me" for the caller."""

    ME = "me"

    def clean(self, value):
        value = super().clean(value)
        if value in (None, "") or value == self.ME:
            return value or None
        try:
            number = int(value)
        except ValueError:
            number = 0
        if number < 1:
            raise forms.ValidationError(_("Give a user id or “me”."), code="invalid")
        return number


class OwnerFilter(filters.Filter):
    field_class = OwnerField


class ComplaintFilter(filters.FilterSet):
    state = filters.MultipleChoiceFilter(choices=State.choices, distinct=False)
    level = filters.MultipleChoiceFilter(choices=Level.choices, distinct=False)
    category = IdFilter(
        method="filter_category", help_text=_("A category, or a main category with its own.")
    )
    property = IdFilter(field_name="property_id")
    building = IdFilter(field_name="building_id")
    team = IdFilter(field_name="team_id")
    owner = OwnerFilter(method="filter_owner", help_text=_("A user id, or “me”."))
    queue = filters.ChoiceFilter(choices=Queue.choices, method="filter_queue")
    overdue = filters.BooleanFilter(method="filter_overdue")
    due_before = filters.IsoDateTimeFilter(
        method="filter_due_before",
        help_text=_("The deadline the complaint counts to is before this moment."),
    )
    suspected_emergency = filters.BooleanFilter()
    search = filters.CharFilter(
        method="filter_search",
        help_text=_("As the complaint list's search: a reference (TS00000042) or words."),
    )

    class Meta:
        model = Complaint
        fields = []

    def filter_category(self, queryset, name, value):
        return queryset.filter(Q(category_id=value) | Q(category__parent_id=value))

    def filter_owner(self, queryset, name, value):
        return queryset.filter(owner_id=self.request.user.pk if value == OwnerField.ME else value)

    def filter_queue(self, queryset, name, value):
        return queryset.filter(queue_condition(value, user=self.request.user, now=clock.now()))

    def filter_overdue(self, queryset, name, value):
        overdue = queue_condition(Queue.OVERDUE, user=self.request.user, now=clock.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_due_before(self, queryset, name, value):
        return queryset.alias(api_due=complaint_due_expression()).filter(api_due__lt=value)

    def filter_search(self, queryset, name, value):
        results, may_have_duplicates = complaint_admin().get_search_results(
            self.request, queryset, value
        )
        return results.distinct() if may_have_duplicates else results
