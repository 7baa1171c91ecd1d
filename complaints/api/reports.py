"""The supervisor reports as JSON under /api/v1/reports/ (SPEC §5), for supervisors and
project managers, their properties only, as the admin's report pages give them:

    GET red-black/?property=1&month=2026-10     the red/black list of a property's month
    GET analysis/?property=1&month=2026-10      the monthly analysis
    GET snapshots/?property=1&kind=red_black    published months (without their figures)
    GET snapshots/{id}/                         one published month with its figures

Who reads which property is `complaints.reports.report_property_ids_for` (403 for
readers of none, 404 for a property outside the reader's); the figures are
`complaints.reports.report_for`: the published snapshot, or live figures with
`final: false`. Without `property` the first of the reader's properties by name is
shown and without `month` the current one, as on the pages."""

from django.urls import path
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from buildings.models import Property
from complaints import clock
from complaints.api.pagination import KeysetPagination
from complaints.api.staff import StaffView
from complaints.models import MonthlySnapshot
from complaints.reports import (
    month_of,
    month_parse,
    report_for,
    report_month_default,
    report_property_ids_for,
)
from complaints.reports.wording import status_text


class ReadsReports(BasePermission):
    """Holders of the report permission with properties in scope (the admin's rule)."""

    def has_permission(self, request, view) -> bool:
        return bool(report_property_ids_for(request.user))


class ReportView(StaffView):
    permission_classes = [IsAuthenticated, ReadsReports]


class PropertyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SnapshotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    month = serializers.DateField(format="%Y-%m")
    property = PropertyRefSerializer()
    published_at = serializers.DateTimeField()


class SnapshotDetailSerializer(SnapshotSerializer):
    data = serializers.JSONField()


class ReportSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_display = serializers.CharField()
    month = serializers.CharField()
    property = PropertyRefSerializer()
    final = serializers.BooleanField(help_text="A published month; live figures are not.")
    published_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField()
    data = serializers.JSONField()


SELECTION = [
    OpenApiParameter("property", int, description="Default: the first of yours by name."),
    OpenApiParameter("month", str, description="YYYY-MM; default: this month."),
]


def report_selection(request, kind: str) -> tuple[Property, object]:
    """The property and month asked for, within what the caller may read."""
    allowed = report_property_ids_for(request.user)
    properties = Property.objects.filter(pk__in=allowed).order_by("name")
    raw = request.query_params.get("property", "").strip()
    if raw:
        chosen = properties.filter(pk=int(raw)).first() if raw.isdigit() else None
        if chosen is None:
            raise NotFound(_("No such property in your scope."))
    else:
        chosen = properties.first()
    current = month_of(clock.now())
    raw = request.query_params.get("month", "").strip()
    if not raw:
        return chosen, report_month_default(kind=kind, property_id=chosen.pk)
    try:
        month = month_parse(raw)
    except ValueError:
        raise ValidationError({"month": [_("Give the month as YYYY-MM.")]}) from None
    if month > current:
        raise ValidationError({"month": [_("That month has not begun.")]})
    return chosen, month


class MonthReportView(ReportView, APIView):
    kind: str = ""

    @extend_schema(parameters=SELECTION, responses=ReportSerializer)
    def get(self, request):
        chosen, month = report_selection(request, self.kind)
        data, snapshot = report_for(kind=self.kind, property_id=chosen.pk, month=month)
        kind = MonthlySnapshot.Kind(self.kind)
        body = {
            "kind": kind.value,
            "kind_display": kind.label,
            "month": f"{month:%Y-%m}",
            "property": chosen,
            "final": snapshot is not None,
            "published_at": snapshot.published_at if snapshot is not None else None,
            "status": status_text(data, snapshot),
            "data": data,
        }
        return Response(ReportSerializer(body).data)


class RedBlackView(MonthReportView):
    """The red/black list (红黑榜) of one property and month."""

    kind = MonthlySnapshot.Kind.RED_BLACK


class AnalysisView(MonthReportView):
    """The monthly analysis of one property and month."""

    kind = MonthlySnapshot.Kind.ANALYSIS


class SnapshotFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=MonthlySnapshot.Kind.choices)
    property = filters.NumberFilter(field_name="property_id")

    class Meta:
        model = MonthlySnapshot
        fields = []


class SnapshotPagination(KeysetPagination):
    ordering = ("-month", "-id")


def readable_snapshots(user):
    return MonthlySnapshot.objects.filter(
        property_id__in=report_property_ids_for(user)
    ).select_related("property")


class SnapshotListView(ReportView, generics.ListAPIView):
    """The published months of the caller's properties, newest first."""

    serializer_class = SnapshotSerializer
    pagination_class = SnapshotPagination
    filterset_class = SnapshotFilter

    def get_queryset(self):
        return readable_snapshots(self.request.user).defer("data")


class SnapshotDetailView(ReportView, generics.RetrieveAPIView):
    """One published month, with its figures as they were published."""

    serializer_class = SnapshotDetailSerializer

    def get_queryset(self):
        return readable_snapshots(self.request.user)


urlpatterns = [
    path("red-black/", RedBlackView.as_view(), name="report-red-black"),
    path("analysis/", AnalysisView.as_view(), name="report-analysis"),
    path("snapshots/", SnapshotListView.as_view(), name="report-snapshot-list"),
    path("snapshots/<int:pk>/", SnapshotDetailView.as_view(), name="report-snapshot-detail"),
]
