"""The resident's notifications: list them, mark them read."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from complaints import services
from complaints.api.errors import error_responses
from complaints.api.resident_serializers import (
    MarkedReadSerializer,
    NotificationReadSerializer,
    NotificationSerializer,
)
from complaints.api.residents.base import NO_SUCH_PAGE, TAGS, ResidentView
from complaints.models import Notification
from complaints.selectors import complaint_list_for_resident


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
