"""The resident's complaints: list, file, read one, and act on it (withdraw, confirm,
"not fixed" or reopen, rate), with its photos and the filing form's choices."""

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from complaints import services, views
from complaints.api.errors import error_responses
from complaints.api.resident_serializers import (
    COMPLAINT_ID,
    PHOTO_ID,
    ComplaintCreateSerializer,
    ConfirmSerializer,
    FilingOptionsSerializer,
    ReopenSerializer,
    ResidentComplaintDetailSerializer,
    ResidentComplaintSerializer,
    SurveySubmitSerializer,
    WithdrawSerializer,
)
from complaints.api.residents.base import NO_SUCH_PAGE, TAGS, ResidentView
from complaints.api.residents.reads import complaint_summary, filing_options
from complaints.models import Channel, Complaint
from complaints.photos import MAX_PHOTOS_PER_COMPLAINT
from complaints.portal.forms import ComplaintForm
from complaints.services.filing_limit import filing_limit_refusal


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


@extend_schema(tags=TAGS)
class FilingOptionsView(ResidentView):
    serializer_class = FilingOptionsSerializer

    @extend_schema(
        operation_id="resident_filing_options",
        summary="What the complaint form offers me: places, kinds, the duty phones",
        responses={200: FilingOptionsSerializer, **error_responses(401, 403)},
    )
    def get(self, request: Request) -> Response:
        data = filing_options(ComplaintForm(resident=self.resident))
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
