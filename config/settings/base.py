from catalogue.freshness import static_etag
from config import env

BASE_DIR = env.BASE_DIR

SECRET_KEY = env.get("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env.csv_list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "catalogue",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers compressed (static files come compressed from WhiteNoise). Django's
    # gzip adds random padding against BREACH; public pages carry no secrets anyway.
    "django.middleware.gzip.GZipMiddleware",
    # With a replica: requests that may write read from the primary too (catalogue.routers).
    "catalogue.routers.PrimaryForWritesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "catalogue.middleware.ApiMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Anonymous search, autocomplete and API use beyond the limits below answer 429.
    "catalogue.middleware.RateLimitMiddleware",
    # ETag, Last-Modified, 304 Not Modified and a page cache for anonymous visitors, from the
    # catalogue version (catalogue.freshness writes the headers).
    "catalogue.middleware.CataloguePageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that it sees the result of authentication and locks out repeated failures.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out user or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed logins for a username from one address lock that pair out for an hour.
AXES_FAILURE_LIMIT = int(env.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The proxies in front of the app whose X-Forwarded-For is believed: how many there are, or
# their addresses (catalogue.clients). Unset: none, and the connecting address is the client's.
TRUSTED_PROXIES = env.trusted_proxies(env.get("TRUSTED_PROXIES"))
# Lockouts count per client address, found the same way as for rate limits.
AXES_CLIENT_IP_CALLABLE = "catalogue.clients.client_address"
# The admin lives at ADMIN_URL (default admin/): somewhere less guessable in production.
ADMIN_URL = env.get("ADMIN_URL", "admin/").strip("/") + "/"

# Every page's scripts, styles, images and frames come from this site; no inline script or
# style is allowed (JSON-LD is data, not script). Swagger UI's script is served as a file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Part of every ETag and cached page's key: a new release of the code (templates, translations,
# static files) must not be answered with a page rendered by the old one.
CATALOGUE_RELEASE = env.get("RELEASE") or env.release_fingerprint()

# Django's cache: Redis when REDIS_URL is set (shared by every worker and machine), otherwise
# memory local to each process.
CACHES = {"default": env.cache(env.get("REDIS_URL"))}

# How long browsers and proxies may reuse a public page, API answer or download without asking
# again (catalogue.freshness); after that, a conditional GET costs them one small query.
CATALOGUE_MAX_AGE = int(env.get("CATALOGUE_MAX_AGE", "60"))
# Rendered pages kept in the cache under the catalogue version (conditional GET works without).
CATALOGUE_PAGE_CACHE = env.flag("CATALOGUE_PAGE_CACHE", default=True)

# Requests per minute an anonymous client (by address) may make, per kind; 0 turns one off.
RATE_LIMITS = {
    "search": int(env.get("RATE_LIMIT_SEARCH", "120")),
    "autocomplete": int(env.get("RATE_LIMIT_AUTOCOMPLETE", "600")),
    "api": int(env.get("RATE_LIMIT_API", "300")),
    "page": int(env.get("RATE_LIMIT_PAGE", "600")),
}
# Where those counts are kept, shared by every worker: the cache when it is Redis, otherwise a
# table of the database (catalogue.ratelimits). "cache" without Redis counts per process.
RATE_LIMIT_STORE = env.get("RATE_LIMIT_STORE") or ("cache" if env.get("REDIS_URL") else "database")
if RATE_LIMIT_STORE not in {"cache", "database"}:
    raise env.ImproperlyConfigured("RATE_LIMIT_STORE must be cache or database.")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "catalogue.context_processors.site",
            ],
        },
    },
    # Every page's frame and the occupation's page (catalogue.jinja_env says why).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "catalogue.jinja_env.environment",
            # What the frame (templates/jinja2/base.html) needs of the request, and the
            # interface's words and links in the request's language.
            "context_processors": [
                "catalogue.context_processors.site",
                "catalogue.jinja_env.bound_to_request",
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Static files' ETags from their content, the same on every machine (WhiteNoise's own come
# from file times).
WHITENOISE_ADD_HEADERS_FUNCTION = static_etag

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Where the public reference data is read from: the project's data/ (shipped with it), or
# CATALOGUE_DATA_DIR for a newer copy; see data/README.md.
CATALOGUE_DATA_DIR = env.path("CATALOGUE_DATA_DIR", BASE_DIR / "data")

CATALOGUE_PAGE_SIZE = 25

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL", "WARNING")},
}

# The open, read-only JSON API under /api/v1/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "catalogue.api.errors.exception_handler",
    # ?format= chooses an export (csv, jsonl), not a renderer.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Occupations catalogue API",
    "DESCRIPTION": (
        "Read-only access to the catalogue: the national occupational classification, the "
        "new-occupation announcements, skill standards, and the quotes and figures of the "
        "sources, with the same search and filters as the site."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OccupationKindEnum": "catalogue.models.Occupation.Kind",
        "SourceKindEnum": "catalogue.models.Source.Kind",
        "TextOriginEnum": "catalogue.models.TextOrigin",
        "ReviewStatusEnum": "catalogue.models.ReviewStatus",
        "DatePrecisionEnum": "catalogue.models.DatePrecision",
    },
}
