from config import env

from .base import *  # noqa: F403

SECRET_KEY = "test-only-insecure-key"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Rate-limit counts in the cache (the tests run in one process), so that the queries a test
# counts are the page's; tests/test_hardening.py and tests/test_outage.py test the database store.
RATE_LIMIT_STORE = env.get("RATE_LIMIT_STORE", "cache")
# Tests render templates and serve static files without a collectstatic run.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# DATABASE_URL, or the embedded PostgreSQL under .data/ when it is not set.
DATABASES = env.with_replica(env.databases(env.database_url()))
DATABASE_ROUTERS = env.routers(DATABASES)
