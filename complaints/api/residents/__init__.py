"""The residents' API (/api/v1/resident/): what the portal offers, for apps.

A resident is who the portal takes for one (a user with a resident record); anyone else
signed in is refused (403), staff included. A resident sees only their own complaints
(`complaint_list_for_resident`, the portal's list): any other id is a 404. Each action
is the portal's: the same form checks the input, the same service does it, and its
domain errors answer as everywhere in the API (complaints.api.errors).
"""

from django.urls import path

from complaints.api.residents.complaints import (
    ComplaintConfirmView,
    ComplaintDetailView,
    ComplaintListView,
    ComplaintReopenView,
    ComplaintSurveyView,
    ComplaintWithdrawView,
    FilingOptionsView,
    PhotoView,
    ThumbnailView,
)
from complaints.api.residents.notifications import NotificationListView, NotificationReadView

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
