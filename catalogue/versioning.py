"""The catalogue's version: raised by every change (catalogue.refresh says which), read by every
cacheable request."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

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


def bump() -> None:
    """Raise the version, inside the caller's transaction: the new number is seen together
    with the change that raised it, and not at all if that change rolls back."""
    with connection.cursor() as cursor:
        cursor.execute(_BUMP)


def memoised(name: str, compute: Callable[[], T]) -> T:
    """What compute() returns, kept in Django's cache under the catalogue version: for reads
    that are the same for every visitor (counts over the published catalogue, the lists of
    groups and batches), computed once per version and per release, like the page cache but
    for parts of pages, and kept when the page cache is off. Only for what every anonymous
    visitor sees: staff, who see drafts, must compute their own."""
    from django.conf import settings
    from django.core.cache import cache

    key = f"part:{current().number}:{settings.CATALOGUE_RELEASE}:{name}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value)
    return value


_MISSING = object()
