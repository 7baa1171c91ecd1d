from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from complaints.api import auth, iot, reports, residents, staff

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("docs/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path(
        "v1/",
        include(
            [
                path("auth/", include(auth.urlpatterns)),
                path("resident/", include(residents.urlpatterns)),
                path("", include(staff.urlpatterns)),
                path("reports/", include(reports.urlpatterns)),
                path("iot/", include(iot.urlpatterns)),
            ]
        ),
    ),
]
