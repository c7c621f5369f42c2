from config import env

from .base import *  # noqa: F403

SECRET_KEY = "test-only-insecure-key"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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
