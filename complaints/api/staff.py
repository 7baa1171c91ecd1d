"""The staff API under /api/v1/: the complaint list and detail, the lifecycle actions
and intake on behalf, for staff tools (a phone app for handlers, the call centre's
software).

    GET  complaints/                      the list (filters, keyset pages)
    POST complaints/                      intake on behalf (phone, walk-in, paper, committee)
    POST complaints/intake-preview/       what intake would suggest, before sending it
    GET  complaints/{id}/                 the detail: deadlines, actions, history
    POST complaints/{id}/{action}/        one of the admin's buttons (accept, classify, …)

Everything here is the admin workspace's: its gates (`AdminSite.has_permission`,
ComplaintAdmin's view and add permissions), its visibility rule, its action table
(`complaints.admin.actions.ACTIONS`: the same forms validate the same fields, the same
services write), its search and queues. The API only translates: a refused action's
domain error becomes its status code (complaints.api.errors)."""

from collections.abc import Mapping

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import clock, permissions, services
from complaints.admin.actions import ACTIONS
from complaints.admin.forms import ActionForm, IntakeForm, RevisitForm
from complaints.admin.intake import IntakePreviewForm
from complaints.api.filters import ComplaintFilter, complaint_admin
from complaints.api.pagination import KeysetPagination
from complaints.api.staff_serializers import (
    DETAIL_JOINED,
    LIST_JOINED,
    LIST_PREFETCHED,
    ComplaintDetailSerializer,
    ComplaintListSerializer,
)
from complaints.exceptions import ChangedMeanwhile, ComplaintNotFound, NotAllowed
from complaints.live_preview import PreviewRateThrottle
from complaints.models import Complaint, State
from complaints.models.urgency import complaint_due_expression
from complaints.repeats import repeat_linked
from complaints.selectors import complaint_list_visible_to
from staff.selectors import property_ids_visible_to

REPEATS_SHOWN = 10


class IsStaffMember(BasePermission):
    """Who may use the staff workspace: active staff (the admin site's gate) who may view
    complaints (ComplaintAdmin's); residents and everyone else are refused."""

    def has_permission(self, request, view) -> bool:
        return admin.site.has_permission(request) and complaint_admin().has_view_permission(request)


class StaffView:
    """Apps send a knox token, the browser its session (REST_FRAMEWORK's classes)."""

    permission_classes = [IsAuthenticated, IsStaffMember]


def visible_complaints(user) -> QuerySet[Complaint]:
    """The complaints this user may see (the one rule), with what a row shows."""
    return (
        complaint_list_visible_to(user)
        .select_related(*LIST_JOINED)
        .prefetch_related(*LIST_PREFETCHED)
        .annotate(due_at=complaint_due_expression())
    )


def visible_complaint(user, pk: int) -> Complaint:
    try:
        return visible_complaints(user).select_related(*DETAIL_JOINED).get(pk=pk)
    except Complaint.DoesNotExist:
        raise ComplaintNotFound() from None


def form_errors(form) -> dict[str, list[str]]:
    return {
        "non_field_errors" if field == "__all__" else field: [str(message) for message in errors]
        for field, errors in form.errors.items()
    }


def request_data(request) -> Mapping:
    if not isinstance(request.data, Mapping):
        raise ParseError(_("Send the fields as a JSON object or as form data."))
    return request.data


class ComplaintListView(StaffView, generics.ListAPIView):
    """The complaints the caller may see, newest first, 50 a page (keyset cursor).

    Newest first by filing time and id, which the `created_at` index serves, so a page
    deep down costs what the first costs. The admin's urgency order (suspected
    emergencies, then the deadline each counts to) is an expression no index serves;
    the urgent ones are the queues (`queue=suspected`, `overdue`, `due_soon`) and
    `due_before`."""

    serializer_class = ComplaintListSerializer
    pagination_class = KeysetPagination
    filterset_class = ComplaintFilter

    def get_queryset(self):
        return visible_complaints(self.request.user)

    @extend_schema(
        request=inline_serializer(
            "IntakeRequest",
            {
                "channel": serializers.ChoiceField(
                    choices=["phone", "walk_in", "paper", "committee"]
                ),
                "unit": serializers.IntegerField(required=False),
                "building": serializers.IntegerField(required=False),
                "resident": serializers.IntegerField(required=False),
                "location_text": serializers.CharField(required=False),
                "category": serializers.IntegerField(required=False),
                "level": serializers.IntegerField(required=False),
                "team": serializers.IntegerField(required=False),
                "assignee": serializers.IntegerField(required=False),
                "description": serializers.CharField(),
                "contact_name": serializers.CharField(required=False),
                "contact_phone": serializers.CharField(required=False),
                "preferred_contact_time": serializers.CharField(required=False),
                "confirmed": serializers.BooleanField(required=False),
                "merge_into": serializers.IntegerField(required=False),
            },
        ),
        responses={201: ComplaintDetailSerializer},
        operation_id="complaints_take_in",
    )
    def post(self, request):
        """Take a complaint in on behalf of a resident (the admin's intake page): the
        caller owns it; with a category it is classified, with a team dispatched. When
        it repeats complaints of the same place (and category), nothing is saved and the
        answer is 409 `repeats` listing them: send again with `confirmed` true, or with
        `merge_into` one of them."""
        if not complaint_admin().has_add_permission(request):
            raise NotAllowed()
        form = IntakeForm(
            request_data(request),
            request.FILES,
            admin_site=admin.site,
            property_ids=property_ids_visible_to(request.user),
        )
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        data = form.cleaned_data
        if not data["confirmed"] and not data["merge_into"]:
            repeats = self._repeats(data)
            if repeats:
                return Response(
                    {
                        "code": "repeats",
                        "detail": _(
                            "This place has open complaints of the same kind: send it again "
                            "with confirmed, or merge it into one of them."
                        ),
                        "repeats": ComplaintListSerializer(
                            repeats, many=True, context=self.get_serializer_context()
                        ).data,
                    },
                    status=status.HTTP_409_CONFLICT,
                )
        complaint = form.take_in(request.user)
        return Response(
            ComplaintDetailSerializer(
                visible_complaint(request.user, complaint.pk),
                context=self.get_serializer_context(),
            ).data,
            status=status.HTTP_201_CREATED,
        )

    def _repeats(self, data) -> list[Complaint]:
        """The complaints this one would be linked with (the one definition, in
        complaints.repeats) among those the caller may see, as the intake page lists."""
        place = data["unit"].building if data["unit"] else data["building"]
        linked = repeat_linked(
            property_id=place.property_id,
            unit_id=data["unit"].pk if data["unit"] else None,
            building_id=place.pk,
            category_id=data["category"].pk if data["category"] else None,
            around=clock.now(),
        )
        return list((visible_complaints(self.request.user) & linked)[:REPEATS_SHOWN])


PREVIEW_SUGGESTION = inline_serializer(
    "IntakePreviewSuggestion",
    {
        "category": serializers.IntegerField(),
        "category_name": serializers.CharField(),
        "reason": serializers.CharField(),
        "level": serializers.IntegerField(),
        "level_name": serializers.CharField(),
        "team": serializers.IntegerField(allow_null=True),
        "team_name": serializers.CharField(allow_null=True),
    },
    allow_null=True,
)


class IntakePreviewView(StaffView, APIView):
    throttle_classes = [PreviewRateThrottle]

    @extend_schema(
        request=inline_serializer(
            "IntakePreviewRequest",
            {
                "unit": serializers.IntegerField(required=False),
                "building": serializers.IntegerField(required=False),
                "description": serializers.CharField(required=False),
                "location_text": serializers.CharField(required=False),
            },
        ),
        responses={
            200: inline_serializer(
                "IntakePreview",
                {
                    "emergency": inline_serializer(
                        "IntakePreviewEmergency",
                        {"phrase": serializers.CharField(), "message": serializers.CharField()},
                        allow_null=True,
                    ),
                    "suggestion": PREVIEW_SUGGESTION,
                },
            )
        },
        operation_id="complaints_intake_preview",
    )
    def post(self, request):
        """What taking this text about this place in would make of it, before sending it:
        the suspected emergency (the phrase) and the suggested category, level and team
        with the reason (keywords, the place's recent complaints), as the admin's intake
        page shows while the agent types. Saves nothing; a place outside the caller's
        properties is a 400 field error."""
        if not complaint_admin().has_add_permission(request):
            raise NotAllowed()
        form = IntakePreviewForm(
            request_data(request),
            admin_site=admin.site,
            property_ids=property_ids_visible_to(request.user),
        )
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        return Response(form.preview().as_dict(staff=True))


class ComplaintDetailView(StaffView, generics.RetrieveAPIView):
    """One complaint the caller may see (else 404)."""

    serializer_class = ComplaintDetailSerializer

    def get_object(self) -> Complaint:
        return visible_complaint(self.request.user, self.kwargs["pk"])


def action_form(action, complaint: Complaint, request) -> ActionForm:
    """The admin's form of the action, over the request's fields. `expected_state` (the
    state the client showed) is optional here, but must be a state when given."""
    form = action.form(request_data(request), request.FILES, complaint=complaint, user=request.user)
    form.fields["expected_state"] = forms.TypedChoiceField(
        choices=State.choices, required=False, empty_value=None
    )
    return form


def _run(action, complaint: Complaint, user, data: dict):
    """Call the action's service as the admin does, handing it the state the client
    showed where the service checks it under its row lock (accept, close, reopen);
    elsewhere a page that showed another state is refused first, as the admin does."""
    expected = data["expected_state"]
    if action.name == "close":
        return services.complaint_close(
            complaint_id=complaint.pk, actor=user, reason=data["reason"], expected_state=expected
        )
    if action.name == "reopen":
        return services.complaint_reopen(
            complaint_id=complaint.pk, actor=user, reason=data["reason"], expected_state=expected
        )
    if not action.checks_expected_state and expected not in (None, complaint.state):
        raise ChangedMeanwhile(complaint.get_state_display())
    return action.run(complaint, user, data)


class ComplaintActionView(StaffView, APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "action", str, OpenApiParameter.PATH, enum=list(ACTIONS), description="The action"
            )
        ],
        request=inline_serializer(
            "ActionRequest",
            {
                "expected_state": serializers.ChoiceField(choices=State.choices, required=False),
                "reason": serializers.CharField(required=False),
                "note": serializers.CharField(required=False),
                "category": serializers.IntegerField(required=False),
                "level": serializers.IntegerField(required=False),
                "team": serializers.IntegerField(required=False),
                "assignee": serializers.IntegerField(required=False),
                "solved": serializers.ChoiceField(
                    choices=[RevisitForm.SOLVED, RevisitForm.NOT_SOLVED], required=False
                ),
                "into": serializers.CharField(required=False),
                "new_owner": serializers.IntegerField(required=False),
                "resume_at": serializers.DateTimeField(required=False),
                "body": serializers.CharField(required=False),
                "script": serializers.IntegerField(required=False),
                "language": serializers.ChoiceField(choices=["zh-hans", "en"], required=False),
                "title": serializers.CharField(required=False),
                "what_happened": serializers.CharField(required=False),
                "what_fixed_it": serializers.CharField(required=False),
                "what_to_avoid": serializers.CharField(required=False),
            },
        ),
        responses={200: ComplaintDetailSerializer},
        operation_id="complaints_action",
    )
    def post(self, request, pk: int, action: str):
        """Do one of the actions the complaint's page offers, with that button's fields
        (`expected_state`: the state the client showed, optional). Refusals: 404 not
        visible, 403 not permitted, 409 wrong state / stale / already accepted, 400 with
        field errors."""
        complaint = visible_complaint(request.user, pk)
        spec = ACTIONS.get(action)
        if spec is None:
            raise NotFound(_("No such action."))
        form = action_form(spec, complaint, request)
        if not form.is_valid():
            # A refusal of the action itself says more than the fields it did not need.
            refusal = permissions.action_refusal(complaint, spec.name, request.user)
            if refusal is not None:
                raise refusal
            raise ValidationError(form_errors(form))
        data = dict(form.cleaned_data)
        if (
            isinstance(form, RevisitForm)
            and "solved" not in form.fields
            and request_data(request).get("solved") == RevisitForm.NOT_SOLVED
        ):
            # The page without the choice records a solved revisit; a client that asks
            # for "not solved" is told by the service that it may not reopen.
            data["solved"] = False
        _run(spec, complaint, request.user, data)
        return Response(
            ComplaintDetailSerializer(
                visible_complaint(request.user, pk), context={"request": request}
            ).data
        )


urlpatterns = [
    path("complaints/", ComplaintListView.as_view(), name="staff-complaint-list"),
    path(
        "complaints/intake-preview/",
        IntakePreviewView.as_view(),
        name="staff-complaint-intake-preview",
    ),
    path("complaints/<int:pk>/", ComplaintDetailView.as_view(), name="staff-complaint-detail"),
    path(
        "complaints/<int:pk>/<str:action>/",
        ComplaintActionView.as_view(),
        name="staff-complaint-transition",
    ),
]
