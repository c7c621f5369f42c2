"""The catalogue's version: raised by every change, read by every cacheable request."""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save

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


def _changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("post_"):
        bump()


def connect_signals() -> None:
    """Any save or delete of a catalogue record, and any change of its many-to-many links,
    raises the version. Bulk operations (imports) call bump() themselves."""
    for model in apps.get_app_config("catalogue").get_models(include_auto_created=True):
        name = model._meta.model_name
        # History rows are written with the rows they record, which raise it already.
        if name == "catalogueversion" or name.startswith("historical"):
            continue
        if model._meta.auto_created:
            m2m_changed.connect(_changed, sender=model, dispatch_uid=f"version-{model._meta.label}")
        else:
            post_save.connect(
                _changed, sender=model, dispatch_uid=f"version-save-{model._meta.label}"
            )
            post_delete.connect(
                _changed, sender=model, dispatch_uid=f"version-delete-{model._meta.label}"
            )
