"""The catalogue's version: raised by every change (catalogue.refresh says which), read by every
cacheable request."""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.core.signals import request_finished, request_started
from django.db import connection

T = TypeVar("T")

_BUMP = """
    INSERT INTO catalogue_catalogueversion (id, number, changed_at) VALUES (1, 1, now())
    ON CONFLICT (id) DO UPDATE
    SET number = catalogue_catalogueversion.number + 1, changed_at = now()
"""


@dataclass(frozen=True)
class Version:
    number: int
    changed_at: datetime | None


def current() -> Version:
    """Read where the page's data is read (the replica, if any): a page is never filed under a
    version newer than the data it shows."""
    from django.db import connections, router

    from .models import CatalogueVersion

    with connections[router.db_for_read(CatalogueVersion)].cursor() as cursor:
        cursor.execute("SELECT number, changed_at FROM catalogue_catalogueversion WHERE id = 1")
        row = cursor.fetchone()
    return Version(*row) if row else Version(0, None)


# The version a GET or HEAD request read, so that its page and the parts of it kept under the
# version agree and the table is read once a request; None outside such requests (commands,
# requests that may write), which read it afresh each time.
_of_request: ContextVar[dict | None] = ContextVar("catalogue_version_of_request", default=None)


def _request_started(environ=None, **kwargs) -> None:
    reading = (environ or {}).get("REQUEST_METHOD") in {"GET", "HEAD"}
    _of_request.set({} if reading else None)


def _request_finished(**kwargs) -> None:
    _of_request.set(None)


request_started.connect(_request_started, dispatch_uid="catalogue_version_of_request")
request_finished.connect(_request_finished, dispatch_uid="catalogue_version_of_request_end")


def of_request() -> Version:
    """current(), read once in a GET or HEAD request and kept for the rest of it."""
    memo = _of_request.get()
    if memo is None:
        return current()
    if "version" not in memo:
        memo["version"] = current()
    return memo["version"]


def bump() -> None:
    """Raise the version, inside the caller's transaction: the new number is seen together
    with the change that raised it, and not at all if that change rolls back."""
    with connection.cursor() as cursor:
        cursor.execute(_BUMP)


def memoised(name: str, compute: Callable[[], T]) -> T:
    """What compute() returns, kept in this process under the catalogue version: for reads
    that are the same for every visitor (counts over the published catalogue, the lists of
    groups and batches), computed once a version by each worker, like the page cache but for
    parts of pages, and kept when the page cache is off. In the process, not Django's cache:
    a list of 2,500 minor groups would be unpickled on every read. Only for what every
    anonymous visitor sees: staff, who see drafts, must compute their own. The caller must
    not change what it is given."""
    version = of_request().number
    kept = _parts.get(name)
    if kept is not None and kept[0] == version:
        return kept[1]
    value = compute()
    _parts[name] = (version, value)  # the value of an older version goes
    return value


# name -> (version, value); one entry a name, so it holds only what the last version needs.
_parts: dict[str, tuple[int, object]] = {}


def forget() -> None:
    """Drop what memoised() keeps (tests: a rolled-back test leaves the version where it was)."""
    _parts.clear()
