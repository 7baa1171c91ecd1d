"""The residents' API (/api/v1/resident/): what the portal offers, for apps.

A resident is who the portal takes for one (a user with a resident record); anyone else
signed in is refused (403), staff included. A resident sees only their own complaints
(`complaint_list_for_resident`, the portal's list): any other id is a 404. Each action
is the portal's: the same form checks the input, the same service does it, and its
domain errors answer as everywhere in the API (complaints.api.errors).
"""

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from buildings.models import Resident
from complaints import permissions, services, views
from complaints.api.auth import API_AUTHENTICATION, CallerLanguageMixin
from complaints.api.resident_serializers import (
    COMPLAINT_ID,
    PHOTO_ID,
    ComplaintCreateSerializer,
    ConfirmSerializer,
    FilingOptionsSerializer,
    MarkedReadSerializer,
    NotificationReadSerializer,
    NotificationSerializer,
    ReopenSerializer,
    ResidentComplaintDetailSerializer,
    ResidentComplaintSerializer,
    SurveySubmitSerializer,
    WithdrawSerializer,
    error_responses,
)
from complaints.exceptions import ComplaintNotFound
from complaints.models import (
    AWAITING_RESPONSE_STATES,
    Channel,
    Complaint,
    Notification,
    Photo,
    Transition,
)
from complaints.photos import MAX_PHOTOS_PER_COMPLAINT
from complaints.portal import display
from complaints.portal.forms import ComplaintForm
from complaints.portal.views import PAGE_SIZE, _resident_of
from complaints.selectors import complaint_list_for_resident
from complaints.services.filing_limit import filing_limit_refusal

TAGS = ["resident"]
NO_SUCH_PAGE = "No such page: past the last one."


class IsResident(BasePermission):
    """The portal's test: the user has a resident record (`request.resident` after it)."""

    message = gettext_lazy("This part of the API is for residents.")

    def has_permission(self, request: Request, view) -> bool:
        request.resident = _resident_of(request.user)
        return request.resident is not None


class ResidentPagination(PageNumberPagination):
    page_size = PAGE_SIZE


class ResidentView(CallerLanguageMixin, generics.GenericAPIView):
    authentication_classes = API_AUTHENTICATION
    permission_classes = (IsAuthenticated, IsResident)
    pagination_class = ResidentPagination

    @property
    def resident(self) -> Resident:
        return self.request.resident

    def own_complaints(self) -> QuerySet[Complaint]:
        return complaint_list_for_resident(self.request.user).select_related(
            "property",
            "building__property",
            "unit__building__property",
            "category",
            "merged_into",
            "resident",
        )

    def own_complaint(self, pk: int) -> Complaint:
        """The resident's complaint `pk`; anyone else's, as a missing one, is not found."""
        complaint = self.own_complaints().filter(pk=pk).first()
        if complaint is None:
            raise ComplaintNotFound()
        return complaint

    def detail_response(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        data = complaint_detail(self.own_complaint(pk), self.request)
        return Response(ResidentComplaintDetailSerializer(data).data, status=status_code)


# --- What a resident reads -----------------------------------------------------------------


def _place(complaint: Complaint) -> dict:
    for kind in ("unit", "building", "property"):
        place = getattr(complaint, kind)
        if place is not None:
            return {"kind": kind, "id": place.pk, "name": str(place)}
    raise AssertionError("a complaint always has a property")


def complaint_summary(complaint: Complaint) -> dict:
    """The portal list's row: the state and the next step in plain words."""
    category = complaint.category
    return {
        "id": complaint.pk,
        "reference": complaint.reference,
        "state": complaint.state,
        "state_label": display.state_words(complaint),
        "next_step": display.next_step(complaint),
        "channel": complaint.channel,
        "place": _place(complaint),
        "location_text": complaint.location_text,
        "location": complaint.location_display,
        "description": complaint.description,
        "category": {"id": category.pk, "name": category.name} if category else None,
        "level": complaint.level,
        "preferred_contact_time": complaint.preferred_contact_time,
        "created_at": complaint.created_at,
        "updated_at": complaint.updated_at,
        "closed_at": complaint.closed_at,
    }


def _photo(photo: Photo, request: Request) -> dict:
    return {
        "id": photo.pk,
        "step": photo.step,
        "url": request.build_absolute_uri(reverse("api:resident_photo", args=[photo.pk])),
        "thumbnail_url": request.build_absolute_uri(
            reverse("api:resident_photo_thumbnail", args=[photo.pk])
        ),
    }


def complaint_detail(complaint: Complaint, request: Request) -> dict:
    """The portal's detail page: timeline, promise while waiting, the latest rating, and
    the actions the services would allow now."""
    user = request.user
    survey = complaint.surveys.filter(submitted_at__isnull=False).order_by("-cycle").first()
    return {
        **complaint_summary(complaint),
        "merged_into": complaint.merged_into.reference if complaint.merged_into_id else None,
        "promise": display.promise_sentences(complaint)
        if complaint.state in AWAITING_RESPONSE_STATES
        else [],
        "timeline": [
            {
                "at": entry.at,
                "title": entry.title,
                "detail": entry.detail,
                "photos": [_photo(photo, request) for photo in entry.photos],
            }
            for entry in display.timeline(complaint)
        ],
        "survey": {
            "solved": survey.solved,
            "speed": survey.speed,
            "attitude": survey.attitude,
            "comment": survey.comment,
            "submitted_at": survey.submitted_at,
        }
        if survey
        else None,
        "actions": {
            "withdraw": permissions.may(complaint, Transition.WITHDRAW, user),
            "confirm": permissions.may(complaint, Transition.CLOSE, user),
            "reopen": permissions.may(complaint, Transition.REOPEN, user),
            "rate": display.survey_pending(complaint),
        },
    }


# --- Complaints ----------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="resident_complaints_list",
        tags=TAGS,
        summary="My complaints, newest first",
        responses={
            200: ResidentComplaintSerializer(many=True),
            **error_responses(401, 403, 404, e404=NO_SUCH_PAGE),
        },
    ),
    post=extend_schema(
        operation_id="resident_complaints_create",
        tags=TAGS,
        summary="File a complaint",
        description="As the portal's form: one place, what is wrong, optionally the kind, "
        f"where exactly, when to call back, up to {MAX_PHOTOS_PER_COMPLAINT} photos. At most "
        "the hourly number of complaints per resident (429 beyond it).",
        request={"multipart/form-data": ComplaintCreateSerializer},
        responses={
            201: ResidentComplaintDetailSerializer,
            **error_responses(400, 401, 403, 429),
        },
    ),
)
class ComplaintListView(ResidentView, generics.ListCreateAPIView):
    parser_classes = (MultiPartParser,)

    def get_serializer_class(self):
        if self.request.method == "POST":
            return ComplaintCreateSerializer
        return ResidentComplaintSerializer

    def get_queryset(self) -> QuerySet[Complaint]:
        return self.own_complaints().prefetch_related("surveys").order_by("-created_at", "-pk")

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = [complaint_summary(item) for item in page]
        return self.get_paginated_response(ResidentComplaintSerializer(rows, many=True).data)

    def create(self, request: Request, *args, **kwargs) -> Response:
        # As the portal: an over-limit request is answered before its input is checked;
        # the service decides under its lock.
        refusal = filing_limit_refusal(request.user)
        if refusal is not None:
            raise refusal
        serializer = ComplaintCreateSerializer(
            data=request.data, context={"request": request, "resident": self.resident}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        complaint = services.complaint_create(
            actor=request.user,
            channel=Channel.APP,
            description=data["description"],
            **data["place"],
            category=data["category"],
            location_text=data["location_text"],
            preferred_contact_time=data["preferred_contact_time"],
            photos=data["photos"],
        )
        return self.detail_response(complaint.pk, status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, parameters=[COMPLAINT_ID])
class ComplaintDetailView(ResidentView):
    serializer_class = ResidentComplaintDetailSerializer

    @extend_schema(
        operation_id="resident_complaints_retrieve",
        summary="One of my complaints, with its timeline",
        responses={200: ResidentComplaintDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return self.detail_response(pk)


@extend_schema(tags=TAGS, parameters=[COMPLAINT_ID])
class ComplaintWithdrawView(ResidentView):
    serializer_class = WithdrawSerializer

    @extend_schema(
        operation_id="resident_complaints_withdraw",
        summary="Withdraw a complaint nobody has accepted yet",
        request=WithdrawSerializer,
        responses={
            200: ResidentComplaintDetailSerializer,
            **error_responses(400, 401, 403, 404, 409),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = self.own_complaint(pk)
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.complaint_withdraw(
            complaint_id=complaint.pk,
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return self.detail_response(pk)


@extend_schema(tags=TAGS, parameters=[COMPLAINT_ID])
class ComplaintConfirmView(ResidentView):
    serializer_class = ConfirmSerializer

    @extend_schema(
        operation_id="resident_complaints_confirm",
        summary="Confirm the fix: the complaint closes",
        request=ConfirmSerializer,
        responses={
            200: ResidentComplaintDetailSerializer,
            **error_responses(400, 401, 403, 404, 409),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = self.own_complaint(pk)
        serializer = ConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.complaint_close(
            complaint_id=complaint.pk,
            actor=request.user,
            expected_state=serializer.validated_data.get("expected_state"),
        )
        return self.detail_response(pk)


@extend_schema(tags=TAGS, parameters=[COMPLAINT_ID])
class ComplaintReopenView(ResidentView):
    serializer_class = ReopenSerializer

    @extend_schema(
        operation_id="resident_complaints_reopen",
        summary='Say "not fixed" after handling, or reopen within 7 days of closing',
        description="A manager reviews it. Past the 7 days: 403 `reopen_window_closed`.",
        request=ReopenSerializer,
        responses={
            200: ResidentComplaintDetailSerializer,
            **error_responses(400, 401, 403, 404, 409),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = self.own_complaint(pk)
        serializer = ReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.complaint_reopen(
            complaint_id=complaint.pk,
            actor=request.user,
            reason=serializer.validated_data["reason"],
            expected_state=serializer.validated_data.get("expected_state"),
        )
        return self.detail_response(pk)


@extend_schema(tags=TAGS, parameters=[COMPLAINT_ID])
class ComplaintSurveyView(ResidentView):
    serializer_class = SurveySubmitSerializer

    @extend_schema(
        operation_id="resident_complaints_survey",
        summary="Rate the latest closing, once",
        request=SurveySubmitSerializer,
        responses={
            200: ResidentComplaintDetailSerializer,
            **error_responses(400, 401, 403, 404, 409),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = self.own_complaint(pk)
        serializer = SurveySubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.survey_submit(
            complaint_id=complaint.pk,
            actor=request.user,
            solved=data["solved"],
            speed=data["speed"],
            attitude=data["attitude"],
            comment=data["comment"],
        )
        return self.detail_response(pk)


# --- Filing options, photos, notifications -------------------------------------------------


def _flat_choices(choices) -> list[tuple[str, str, str | None]]:
    """(value, label, group) of a form field's grouped choices, the empty one left out."""
    flat = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat.extend((str(item), str(name), str(value)) for item, name in label)
        elif value != "":
            flat.append((str(value), str(label), None))
    return flat


@extend_schema(tags=TAGS)
class FilingOptionsView(ResidentView):
    serializer_class = FilingOptionsSerializer

    @extend_schema(
        operation_id="resident_filing_options",
        summary="What the complaint form offers me: places, kinds, the duty phones",
        responses={200: FilingOptionsSerializer, **error_responses(401, 403)},
    )
    def get(self, request: Request) -> Response:
        form = ComplaintForm(resident=self.resident)
        places = []
        for value, name, _group in _flat_choices(form.fields["place"].choices):
            kind, pk = value.split(":")
            places.append({"kind": kind, "id": int(pk), "name": name})
        categories = [
            {"id": int(value), "name": name, "group": group}
            for value, name, group in _flat_choices(form.fields["category"].choices)
        ]
        data = {
            "places": places,
            "categories": categories,
            "max_photos": MAX_PHOTOS_PER_COMPLAINT,
            "duty_phones": [{"property": name, "phone": phone} for name, phone in form.duty_phones],
        }
        return Response(FilingOptionsSerializer(data).data)


@extend_schema(tags=TAGS, parameters=[PHOTO_ID])
class PhotoView(ResidentView):
    """A photo of one of the resident's complaints, served by the site's photo view
    (the one visibility rule), for token-authenticated apps too."""

    variant = "image"

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # An image is asked for, but a refusal is still the JSON error body.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="resident_photo",
        summary="A photo (JPEG, EXIF stripped)",
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        try:
            return views.photo(request._request, pk=pk, variant=self.variant)
        except Http404:
            raise NotFound() from None


class ThumbnailView(PhotoView):
    variant = "thumbnail"

    @extend_schema(
        operation_id="resident_photo_thumbnail",
        summary="A photo's thumbnail (JPEG)",
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return super().get(request, pk)


@extend_schema(tags=TAGS)
class NotificationListView(ResidentView, generics.ListAPIView):
    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular asks for the model
            return Notification.objects.none()
        return Notification.objects.filter(recipient=self.request.user).order_by(
            "-created_at", "-pk"
        )

    @extend_schema(
        operation_id="resident_notifications_list",
        summary="My notifications, newest first (reading them does not mark them read)",
        responses={
            200: NotificationSerializer(many=True),
            **error_responses(401, 403, 404, e404=NO_SUCH_PAGE),
        },
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        own = set(
            complaint_list_for_resident(request.user)
            .filter(pk__in={item.complaint_id for item in page if item.complaint_id})
            .values_list("pk", flat=True)
        )
        rows = [
            {
                "id": item.pk,
                "kind": item.kind,
                "text": item.text,
                "complaint": item.complaint_id if item.complaint_id in own else None,
                "created_at": item.created_at,
                "read_at": item.read_at,
            }
            for item in page
        ]
        return self.get_paginated_response(NotificationSerializer(rows, many=True).data)


@extend_schema(tags=TAGS)
class NotificationReadView(ResidentView):
    serializer_class = NotificationReadSerializer

    @extend_schema(
        operation_id="resident_notifications_read",
        summary="Mark my notifications read",
        request=NotificationReadSerializer,
        responses={200: MarkedReadSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        serializer = NotificationReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = services.notification_mark_read(
            user=request.user, notification_ids=serializer.validated_data["ids"]
        )
        return Response({"marked": marked})


urlpatterns = [
    path("complaints/", ComplaintListView.as_view(), name="resident_complaints"),
    path("complaints/<int:pk>/", ComplaintDetailView.as_view(), name="resident_complaint_detail"),
    path(
        "complaints/<int:pk>/withdraw/",
        ComplaintWithdrawView.as_view(),
        name="resident_complaint_withdraw",
    ),
    path(
        "complaints/<int:pk>/confirm/",
        ComplaintConfirmView.as_view(),
        name="resident_complaint_confirm",
    ),
    path(
        "complaints/<int:pk>/reopen/",
        ComplaintReopenView.as_view(),
        name="resident_complaint_reopen",
    ),
    path(
        "complaints/<int:pk>/survey/",
        ComplaintSurveyView.as_view(),
        name="resident_complaint_survey",
    ),
    path("filing-options/", FilingOptionsView.as_view(), name="resident_filing_options"),
    path("photos/<int:pk>/", PhotoView.as_view(), name="resident_photo"),
    path("photos/<int:pk>/thumbnail/", ThumbnailView.as_view(), name="resident_photo_thumbnail"),
    path("notifications/", NotificationListView.as_view(), name="resident_notifications"),
    path("notifications/read/", NotificationReadView.as_view(), name="resident_notifications_read"),
]
