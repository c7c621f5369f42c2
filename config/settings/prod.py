from config import env

from .base import *  # noqa: F403

# What production refuses to start without is said below; on a workstation, the settings to
# name instead are config.settings.dev or config.settings.local (README, "Configuration").

DEBUG = False
SECRET_KEY = env.secret_key("SECRET_KEY")
ALLOWED_HOSTS = env.csv_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise env.ImproperlyConfigured("The environment variable ALLOWED_HOSTS must be set.")
# Production never falls back to the embedded database.
DATABASES = env.with_replica(env.databases(env.require("DATABASE_URL")))
DATABASE_ROUTERS = env.routers(DATABASES)
CSRF_TRUSTED_ORIGINS = env.csv_list("CSRF_TRUSTED_ORIGINS")
# Rate limits count across every worker and machine, never per process.
if RATE_LIMIT_STORE == "cache" and not env.get("REDIS_URL"):  # noqa: F405
    raise env.ImproperlyConfigured(
        "RATE_LIMIT_STORE=cache needs REDIS_URL: memory local to each worker would give each "
        "its own allowance. Set REDIS_URL, or leave RATE_LIMIT_STORE unset (the database)."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = int(env.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
