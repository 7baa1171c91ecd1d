from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from health_check.views import HealthCheckView

from complaints.metrics import metrics

WEB_CHECKS = [
    "health_check.checks.Database",
    "health_check.checks.Cache",
    "health_check.checks.Storage",
    "complaints.health.JobBroker",
]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("complaints/", include("complaints.urls")),
    path("api/", include("complaints.api.urls")),
    # What a web host needs to serve pages: a load balancer's backend check. A stopped
    # job cluster leaves the site working, so it fails only the full check below.
    path("health/web/", HealthCheckView.as_view(checks=WEB_CHECKS), name="health-web"),
    path(
        "health/",
        HealthCheckView.as_view(checks=[*WEB_CHECKS, "complaints.health.JobCluster"]),
        name="health",
    ),
    path("metrics", metrics, name="metrics"),
    *i18n_patterns(
        # The office's screen in Chinese at /board/…, in English at /en/board/….
        path("board/", include("complaints.board.urls")),
        path("admin/", admin.site.urls),
        path("", include("complaints.portal.urls")),
        prefix_default_language=False,
    ),
]
