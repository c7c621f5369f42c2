"""Serving on this machine, as `make run` does: DEBUG off, as a visitor expects (the site's own
404 page, JSON errors under /api/), with no settings needed: a key made for this checkout and,
without DATABASE_URL, the embedded PostgreSQL."""

from config import env

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env.local_secret_key()
ALLOWED_HOSTS = env.csv_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

# DATABASE_URL, or the embedded PostgreSQL under .data/ when it is not set.
DATABASES = env.with_replica(env.databases(env.database_url()))
DATABASE_ROUTERS = env.routers(DATABASES)
