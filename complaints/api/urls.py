from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from complaints.api import auth, iot, reports, residents, staff

app_name = "api"

REDOC_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the CSP refuses inline scripts.
    # Swagger UI's stylesheet draws its icons as data: images.
    path(
        "docs/",
        csp_update({"img-src": ["data:"]})(
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema", template_name="api/swagger_ui.html"
            )
        ),
        name="docs",
    ),
    # Redoc starts from a file and gets the page's nonce for the <style> elements it
    # adds; two it adds as its bundle loads, before it can have the nonce, are allowed by
    # their hashes (an empty one it fills through the CSSOM, and perfect-scrollbar's, of
    # the sidecar's Redoc 2.x: tests/api/test_schema_docs_browser.py notices a change).
    # Its search runs in a worker from a blob: URL, its link icons are data: images.
    path(
        "docs/redoc/",
        csp_update(
            {
                "style-src": [NONCE, *REDOC_STYLE_HASHES],
                "img-src": ["data:"],
                "worker-src": [SELF, "blob:"],
            }
        )(SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")),
        name="redoc",
    ),
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
