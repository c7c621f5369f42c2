"""The catalogue's version: raised by every change (catalogue.refresh says which), read by every
cacheable request."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection

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
