"""Settings shared by every environment; everything that differs comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("PROPERTYDESK_DATA_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "staff.admin_apps.PropertyDeskAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_fsm",
    "simple_history",
    "django_q",
    "rest_framework",
    "knox",
    "django_filters",
    "health_check",
    # Request figures for /metrics (complaints.metrics). Not its database and cache
    # backend wrappers: they time every query in Python and change ENGINE, which
    # database_config() compares; PostgreSQL's own statistics measure queries better.
    "django_prometheus",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "staff.logins.apps.LoginLockoutConfig",
    "csp",
    "buildings",
    "staff",
    "complaints",
]

MIDDLEWARE = [
    # First and (but for axes) last, as django-prometheus asks: it times everything between.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "complaints.api.language.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "staff.sessions.StaffIdleTimeoutMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "propertydesk.urls"
WSGI_APPLICATION = "propertydesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_config() -> dict:
    default_url = f"sqlite:///{DATA_DIR / 'propertydesk.sqlite3'}"
    config = dj_database_url.parse(os.environ.get("DATABASE_URL", default_url), conn_max_age=60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # Without IMMEDIATE transactions and WAL, the web server and the job cluster
        # writing at once hit "database is locked".
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
        }
    else:
        config["CONN_HEALTH_CHECKS"] = True
        # JIT compilation costs more than it saves on these short queries (reports included).
        config["OPTIONS"] = {"options": "-c jit=off"}
    return config


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
FORMAT_MODULE_PATH = ["propertydesk.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded photos are private: they are served only through permission-checked views.
MEDIA_URL = "/private-media-is-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGIN_URL = "admin:login"
# Where Django's login goes when `next` is missing or unsafe (another host): only the
# admin login uses it, the portal login sends residents and staff on by itself.
LOGIN_REDIRECT_URL = "admin:index"

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "staff.auth.ModelBackend",
]


def lockout_cool_off() -> timedelta | None:
    """LOGIN_LOCKOUT_MINUTES=0: no cool-off, a lockout lasts until someone unlocks it."""
    minutes = env_int("LOGIN_LOCKOUT_MINUTES", 15)
    return timedelta(minutes=minutes) if minutes > 0 else None


# Password guessing (django-axes): failures are counted per client address and, apart,
# per username; either count reaching the limit refuses every login from that address or
# to that account, the right password included, until the cool-off has passed since the
# last failure (a refused login counts as one). Both logins, admin and portal, and
# anything else that calls authenticate() with the request.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = lockout_cool_off()
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
# A successful login does not clear the counts: axes would clear every failure from that
# address, so one account of one's own would reset the guessing at everyone else's.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "staff.logins.lockout.lockout_response"
# staff/logins/admin.py registers the attempts, scoped to the properties of who looks.
AXES_ENABLE_ADMIN = False


def client_address_sources(proxies: int) -> tuple[tuple[str, ...], int | None]:
    """Where axes reads a login's address through django-ipware, for `proxies` trusted
    reverse proxies that each append the address they were reached from to
    X-Forwarded-For: (AXES_IPWARE_META_PRECEDENCE_ORDER, AXES_IPWARE_PROXY_COUNT).

    0: REMOTE_ADDR only; a header the client sent is never read. N: the header's entry N
    from the right (ipware counts the N - 1 proxies listed after the client; the last
    proxy is REMOTE_ADDR, not in the header); entries further left are the client's own
    and never used. A header of fewer than N entries is passed over for REMOTE_ADDR, which
    ipware holds to the same N - 1 listed proxies: behind one proxy its address counts,
    behind more no address does (such logins are counted together, and by username).
    Between the two, ipware prefers a public address to a private one to a loopback one,
    so a private client behind a proxy with a public REMOTE_ADDR counts as the proxy.
    """
    if proxies <= 0:
        return ("REMOTE_ADDR",), None
    return ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"), proxies - 1


AXES_IPWARE_META_PRECEDENCE_ORDER, AXES_IPWARE_PROXY_COUNT = client_address_sources(
    env_int("TRUSTED_PROXY_COUNT", 0)
)
# The header lists the client first and each proxy after it (ipware's default, stated).
AXES_IPWARE_PROXY_ORDER = "left-most"
# ipware's strict mode (its default) passes over a header with more entries than the
# proxies, or with one that is not an address, for REMOTE_ADDR: whatever a client put in
# X-Forwarded-For would count its guesses against the proxy and lock out everyone behind
# it. Not strict, entries that are not addresses are dropped and the client is read at
# its place from the right.
IPWARE_STRICT = False

# Staff sessions end after this long without a request (0: never); residents keep
# Django's default.
STAFF_SESSION_IDLE_MINUTES = env_int("STAFF_SESSION_IDLE_MINUTES", 30)

# Content-Security-Policy (django-csp): everything from this site only. No inline scripts
# or handlers (templates load their scripts from static/), no inline styles either: the
# admin, the portal and the SVG charts (presentation attributes, not style="") need none,
# and tests/security/test_csp_browser.py proves it in chromium. Photos are served by
# views of this site, so images need no data: or other origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PropertyDesk <noreply@localhost>")

# API throttles count in the cache: with more than one web process they need a shared
# one (CACHE_URL=redis://127.0.0.1:6379/1).
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Each process's own memory, for what is cached under a key of everything it shows
    # (the admin's sidebar): never stale, so nothing to share, and no round trip to Redis
    # for the 20 KB of every admin page.
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "propertydesk-local",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}
# Sessions are read from a cache every web process shares, written through to the
# database: one query fewer on every page. In each process's own memory a session ended
# in one process would live on in another's copy, so without CACHE_URL the database alone.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL
    else "django.contrib.sessions.backends.db"
)
# /metrics (complaints.metrics) answers only `Authorization: Bearer <METRICS_TOKEN>`, and
# does not exist while it is unset.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# Messages stay on the server: one of them shows a new device token once.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True


def q_cluster_config() -> dict:
    config = {
        # Every qcluster of one site shares the name: it names their Redis queue, so any
        # of them runs what any of their schedulers queued. Another site on the same Redis
        # needs another name (or another Redis database).
        "name": os.environ.get("Q_NAME", "propertydesk"),
        "workers": env_int("Q_WORKERS", 2),
        "timeout": 90,
        "retry": 120,
        "max_attempts": 3,
        "catch_up": False,
        "label": _("Scheduled jobs"),
    }
    redis_url = os.environ.get("Q_REDIS_URL")
    if redis_url:
        config["redis"] = redis_url
    else:
        config["orm"] = "default"
        if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
            config["workers"] = 1
    return config


Q_CLUSTER = q_cluster_config()

REST_FRAMEWORK = {
    # The browser uses its session; apps use django-rest-knox tokens (stored hashed,
    # expiring, revocable one by one), which DRF's own authtoken does not offer.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that a request without credentials is answered 401 with
        # "WWW-Authenticate: Token" (the session scheme has no such header: 403).
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "complaints.api.errors.exception_handler",
    # Alerts per sensor (complaints.api.iot.DeviceRateThrottle): a storm beyond it gets 429.
    "DEFAULT_THROTTLE_RATES": {"iot_device": os.environ.get("IOT_DEVICE_RATE", "60/minute")},
}
REST_KNOX = {"TOKEN_TTL": timedelta(days=30), "AUTO_REFRESH": True}
SPECTACULAR_SETTINGS = {
    "TITLE": "PropertyDesk API",
    "DESCRIPTION": "Complaints for residents' apps, staff tools, IoT devices and reports.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for a choice set, whichever fields use it.
    "ENUM_NAME_OVERRIDES": {
        "State": "complaints.models.vocabulary.State",
        "Channel": "complaints.models.vocabulary.Channel",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "complaints.api.errors.schema_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
