"""Django's PostgreSQL backend with a deadline on every round trip (catalogue.db.deadline).

DATABASES["default"]["CLIENT_TIMEOUT"] (seconds) bounds each query; a connection's health check
at the start of a request gets HEALTH_CHECK_TIMEOUT, and a connection that fails it for want of
an answer is not replaced within the same request (that would wait out connect_timeout too):
the request fails at once, and the next one connects afresh. Management commands that may
rightly run long lift the deadline with catalogue.management.unbounded_statements().
"""

import weakref

from django.db import OperationalError
from django.db.backends.postgresql import base

from .deadline import deadline


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.client_timeout: float | None = self.settings_dict.get("CLIENT_TIMEOUT")
        self.execute_wrappers.append(self._within_deadline)
        self._health_check_unanswered = False
        # The statements prepared on each connection this wrapper has held, by name.
        self._prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def execute_prepared(self, cursor, name: str, statement: str, params: list) -> None:
        """Run `statement` (placeholders $1, $2…) as a prepared statement of this connection:
        PostgreSQL parses and plans it once a connection rather than on every request. The
        first run on a connection asks whether it is prepared (a connection from a pool may
        have it already) and prepares it if not."""
        prepared = self._prepared.setdefault(self.connection, set())
        if name not in prepared:
            cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f"PREPARE {name} AS {statement}")
            prepared.add(name)
        cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params)

    def _within_deadline(self, execute, sql, params, many, context):
        with deadline(self.connection, self.client_timeout):
            return execute(sql, params, many, context)

    def is_usable(self):
        seconds = self.settings_dict.get("HEALTH_CHECK_TIMEOUT", self.client_timeout)
        with deadline(self.connection, seconds) as state:
            usable = super().is_usable()
        self._health_check_unanswered = state["cut"]
        return usable

    def close_if_health_check_failed(self):
        super().close_if_health_check_failed()
        if self._health_check_unanswered:
            self._health_check_unanswered = False
            raise OperationalError("The database did not answer its health check in time.")
