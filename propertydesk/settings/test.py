"""Test settings: jobs run synchronously, passwords hash fast, mail stays in memory."""

from .base import *  # noqa: F403
from .base import DATA_DIR, Q_CLUSTER

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-1234567890"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = DATA_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
# Django's test client logs in without a request, which django-axes refuses; the lockout
# tests switch it on (axes reads AXES_ENABLED at each call).
AXES_ENABLED = False
# Many tests move the clock by hours with a staff member logged in, and count queries; the
# idle-session tests switch it on.
STAFF_SESSION_IDLE_MINUTES = 0
# /metrics exists in the tests (tests/access_matrix expects its refusal); its own tests
# set their token.
METRICS_TOKEN = "test-metrics-token"
