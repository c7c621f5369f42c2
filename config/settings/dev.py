from config import env

from .base import *  # noqa: F403

DEBUG = env.flag("DEBUG", default=True)
# A development key only: prod.py refuses to start without a real SECRET_KEY.
SECRET_KEY = env.get("SECRET_KEY", "dev-only-insecure-key")
ALLOWED_HOSTS = env.csv_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

# DATABASE_URL, or the embedded PostgreSQL under .data/ when it is not set.
DATABASES = env.with_replica(env.databases(env.database_url()))
DATABASE_ROUTERS = env.routers(DATABASES)
