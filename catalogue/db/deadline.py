"""A deadline on each round trip to the database, however it fails to answer.

PostgreSQL's statement_timeout ends a slow query, and libpq's connect_timeout a connection that
is not accepted, but neither helps when the server is frozen (stopped, swapping, a hung host):
its kernel still acknowledges every packet, so the client waits for an answer that never
comes, and so does every request behind it. One thread per process watches the round trips in
progress and shuts down the socket of any that outlives its deadline: the wait ends at once
with an error, which a page turns into 503 (catalogue.views.server_error).
"""

import itertools
import os
import socket
import threading
import time
from contextlib import contextmanager, suppress

INTERVAL = 0.25  # seconds between the watchdog's looks


class Watchdog:
    def __init__(self):
        self._lock = threading.Lock()
        self._watched: dict[int, tuple[float, int]] = {}
        self._tokens = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, fd: int, seconds: float) -> int:
        token = next(self._tokens)
        with self._lock:
            self._watched[token] = (time.monotonic() + seconds, fd)
            # Started on first use, and again in a process forked after that (its threads
            # were not copied).
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="db-deadline", daemon=True)
                self._thread.start()
        return token

    def release(self, token: int) -> bool:
        """Stop watching; False when the deadline had already cut the connection."""
        with self._lock:
            return self._watched.pop(token, None) is not None

    def _run(self) -> None:
        while True:
            time.sleep(INTERVAL)
            now = time.monotonic()
            with self._lock:
                for token, (deadline, fd) in list(self._watched.items()):
                    if deadline <= now:
                        del self._watched[token]
                        _cut(fd)


def _cut(fd: int) -> None:
    """Shut the socket down (not close it: its descriptor stays its owner's to close)."""
    try:
        duplicate = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    with duplicate, suppress(OSError):
        duplicate.shutdown(socket.SHUT_RDWR)


watchdog = Watchdog()


@contextmanager
def deadline(psycopg_connection, seconds: float | None):
    """Within this block, a round trip on the connection that takes longer than `seconds`
    fails with the connection cut; `cut` on the yielded state says whether that happened."""
    state = {"cut": False}
    if seconds is None or psycopg_connection is None or psycopg_connection.closed:
        yield state
        return
    token = watchdog.watch(psycopg_connection.fileno(), seconds)
    try:
        yield state
    finally:
        state["cut"] = not watchdog.release(token)
