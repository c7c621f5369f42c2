"""Reads from the streaming replica when there is one; writes, and whole admin and staff
requests, on the primary (a curator sees what they just saved, not what the replica has yet)."""

from contextlib import contextmanager
from contextvars import ContextVar

REPLICA = "replica"
PRIMARY = "default"
_primary_only: ContextVar[bool] = ContextVar("primary_only", default=False)


@contextmanager
def primary_only():
    token = _primary_only.set(True)
    try:
        yield
    finally:
        _primary_only.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return PRIMARY if _primary_only.get() else REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data, one behind the other

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class PrimaryForWritesMiddleware:
    """Everything a request reads goes to the primary when the request may write: any method
    but GET and HEAD, the admin, and signed-in users."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        primary = (
            request.method not in {"GET", "HEAD"}
            or request.path.startswith(f"/{settings.ADMIN_URL}")
            or request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        )
        if not primary:
            return self.get_response(request)
        with primary_only():
            return self.get_response(request)
