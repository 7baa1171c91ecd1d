"""Resident portal URLs: "/" is the front door, everything else lives under /portal/."""

from django.urls import path

from complaints.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("portal/login/", views.LoginView.as_view(), name="login"),
    path("portal/logout/", views.LogoutView.as_view(), name="logout"),
    path("portal/complaints/", views.complaint_list, name="complaint_list"),
    path("portal/complaints/new/", views.complaint_new, name="complaint_new"),
    path("portal/complaints/new/preview/", views.complaint_preview, name="complaint_preview"),
    path("portal/complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path(
        "portal/complaints/<int:pk>/submitted/",
        views.complaint_submitted,
        name="complaint_submitted",
    ),
    path(
        "portal/complaints/<int:pk>/withdraw/", views.complaint_withdraw, name="complaint_withdraw"
    ),
    path("portal/complaints/<int:pk>/confirm/", views.complaint_confirm, name="complaint_confirm"),
    path("portal/complaints/<int:pk>/reopen/", views.complaint_reopen, name="complaint_reopen"),
    path("portal/complaints/<int:pk>/survey/", views.complaint_survey, name="complaint_survey"),
    path("portal/notifications/", views.notification_list, name="notifications"),
    path("portal/my-data/", views.my_data, name="my_data"),
]
