"""What every resident endpoint shares: who counts as a resident, the credentials, the
page size, and the resident's own complaints."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from rest_framework import generics, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from buildings.models import Resident
from complaints.api.resident_serializers import ResidentComplaintDetailSerializer
from complaints.api.residents.reads import complaint_detail
from complaints.exceptions import ComplaintNotFound
from complaints.models import Complaint
from complaints.portal.views import PAGE_SIZE
from complaints.selectors import (
    RESIDENT_SHOWN_JOINED,
    RESIDENT_SHOWN_PREFETCH,
    complaint_list_for_resident,
    resident_of,
)

TAGS = ["resident"]
NO_SUCH_PAGE = "No such page: past the last one."


class IsResident(BasePermission):
    """The portal's test: the user has a resident record (`request.resident` after it)."""

    message = gettext_lazy("This part of the API is for residents.")

    def has_permission(self, request: Request, view) -> bool:
        request.resident = resident_of(request.user)
        return request.resident is not None


class ResidentPagination(PageNumberPagination):
    page_size = PAGE_SIZE


class ResidentView(generics.GenericAPIView):
    """A resident's endpoint: a token or the session, 401 without, 403 for anyone but a
    resident; their complaints only."""

    permission_classes = (IsAuthenticated, IsResident)
    pagination_class = ResidentPagination

    @property
    def resident(self) -> Resident:
        return self.request.resident

    def own_complaints(self) -> QuerySet[Complaint]:
        return (
            complaint_list_for_resident(self.request.user)
            .select_related(*RESIDENT_SHOWN_JOINED)
            .prefetch_related(*RESIDENT_SHOWN_PREFETCH)
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
