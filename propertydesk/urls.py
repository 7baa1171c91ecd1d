from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("complaints/", include("complaints.urls")),
    path("api/", include("complaints.api.urls")),
    path("board/", include("complaints.board.urls")),
    *i18n_patterns(
        path("admin/", admin.site.urls),
        path("", include("complaints.portal.urls")),
        prefix_default_language=False,
    ),
]
