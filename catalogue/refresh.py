"""What a change refreshes, for every model: one registry, used by the signals of saves,
deletes and link changes and by the bulk writes of imports alike.

Each model names what its rows feed: the search text of the occupations it leads to (a
lookup from its rows to those occupations; "pk" for an occupation itself), and the catalogue
version (catalogue.versioning), which every change raises so that no page is served from
before it. A delete is a change, and so is an unlink: a row moved to another occupation
refreshes both, and a link removed refreshes the occupation it left. A new model is one
entry here (or one in EXEMPT, saying why); a test fails on a model in neither.

Search text is rebuilt when the transaction commits (catalogue.search.documents), each
occupation once however many of its rows changed; bulk writes rebuild it at once, in the
caller's transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from . import versioning
from .search.documents import refresh_search_documents, schedule_refresh
from .search.vocabulary import rebuild_vocabulary


@dataclass(frozen=True)
class Feeds:
    search: str | None = None  # lookup from the model's rows to the occupations they feed
    version: bool = True


# The skill standard's outline feeds search through its requirements; the levels above them
# are listed with their path too, so that moving a branch to another standard is followed.
OUTLINE = "work_content__function__level__standard__occupation"

REGISTRY: dict[str, Feeds] = {
    "catalogue.Source": Feeds(),
    "catalogue.MajorGroup": Feeds(),
    "catalogue.MiddleGroup": Feeds(),
    "catalogue.MinorGroup": Feeds(),
    "catalogue.Announcement": Feeds(),
    "catalogue.Occupation": Feeds(search="pk"),
    "catalogue.Occupation_related": Feeds(),
    "catalogue.OccupationTask": Feeds(search="occupation"),
    "catalogue.AlternateTitle": Feeds(search="occupation"),
    "catalogue.JobType": Feeds(search="occupation"),
    "catalogue.SkillStandard": Feeds(search="occupation"),
    "catalogue.StandardLevel": Feeds(search="standard__occupation"),
    "catalogue.OccupationalFunction": Feeds(search="level__standard__occupation"),
    "catalogue.WorkContent": Feeds(search="function__level__standard__occupation"),
    "catalogue.Requirement": Feeds(search=OUTLINE),
    "catalogue.FunctionWeight": Feeds(),
    "catalogue.SearchSynonym": Feeds(search="occupation"),
    "catalogue.Quote": Feeds(search="occupations"),
    # Links changed through the many-to-many manager, from either side. (Link rows saved or
    # deleted as rows — the admin's inline on an occupation — send no signals at all; the
    # occupation saved in the same form refreshes itself.)
    "catalogue.Quote_occupations": Feeds(search="occupation"),
    "catalogue.Figure": Feeds(),
    "catalogue.Figure_occupations": Feeds(),
    # "Did you mean" suggestions come from it.
    "catalogue.SearchTerm": Feeds(),
}
# Bookkeeping, not catalogue data: changing them changes no page.
EXEMPT = {
    "catalogue.CatalogueVersion": "the version itself",
    "catalogue.ImportedFile": "checksums and row counts of imported data files",
    "catalogue.RateLimitCount": "rate-limit counts",
    "catalogue.SearchRow": "copies of occupations' columns, kept by the database (migration 0018)",
}


def feeds(model) -> Feeds | None:
    return REGISTRY.get(model._meta.label)


def occupation_ids(model, rows) -> set[int]:
    """The occupations whose search text these rows (instances or primary keys) feed now."""
    path = feeds(model).search if feeds(model) else None
    if not path:
        return set()
    instances = [row for row in rows if not isinstance(row, int)]
    if path == "pk":
        return {getattr(row, "pk", row) for row in rows} - {None}
    field = model._meta.get_field(path) if "__" not in path else None
    if field is not None and field.many_to_one and len(instances) == len(rows):
        return {getattr(row, field.attname) for row in rows} - {None}
    pks = [getattr(row, "pk", row) for row in rows]
    return set(model._base_manager.filter(pk__in=pks).values_list(path, flat=True)) - {None}


# --- Signals: one row at a time --------------------------------------------------------------


def _saving(sender, instance, raw=False, **kwargs):
    # Where the row led before this save: moved to another occupation, that one changes too.
    if instance.pk is not None and not instance._state.adding:
        instance._refresh_before = occupation_ids(sender, [instance.pk])


def _saved(sender, instance, **kwargs):
    if feeds(sender).version:
        versioning.bump()
    before = getattr(instance, "_refresh_before", set())
    schedule_refresh(before | occupation_ids(sender, [instance]))


def _deleting(sender, instance, **kwargs):
    # Before the delete: afterwards the row no longer leads anywhere (and its links are gone,
    # deleted without the many-to-many signals).
    schedule_refresh(occupation_ids(sender, [instance.pk]))


def _deleted(sender, instance, **kwargs):
    if feeds(sender).version:
        versioning.bump()


def _links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A many-to-many's links added, removed or cleared, from either side."""
    through = sender
    if action.startswith("post_") and feeds(through).version:
        versioning.bump()
    if not feeds(through).search or action not in {"post_add", "pre_remove", "pre_clear"}:
        return
    # The links concerned, as rows of the through table: after an add, before a removal.
    source, target = _ends(through, instance, reverse)
    links = through._base_manager.filter(**{source.attname: instance.pk})
    if pk_set is not None and action != "pre_clear":
        links = links.filter(**{f"{target.attname}__in": pk_set})
    schedule_refresh(occupation_ids(through, list(links.values_list("pk", flat=True))))


def _ends(through, instance, reverse):
    """The through table's foreign keys to the instance's side and to the other side."""
    keys = [f for f in through._meta.fields if f.many_to_one]
    source = next(f for f in keys if isinstance(instance, f.related_model))
    target = next(f for f in keys if f is not source)
    return source, target


def connect() -> None:
    """Connect every registered model's signals (from CatalogueConfig.ready)."""
    for label, feeding in REGISTRY.items():
        model = apps.get_model(label)
        uid = f"refresh-{label}"
        if model._meta.auto_created:
            # A many-to-many's link table: Django signals its changes as m2m_changed only.
            m2m_changed.connect(_links_changed, sender=model, dispatch_uid=f"{uid}-links")
            continue
        if feeding.search:
            pre_save.connect(_saving, sender=model, dispatch_uid=f"{uid}-saving")
            pre_delete.connect(_deleting, sender=model, dispatch_uid=f"{uid}-deleting")
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}-saved")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}-deleted")


# --- Bulk writes: the imports ------------------------------------------------------------------


def bulk_changed(model, rows: Iterable) -> None:
    """Rows of `model` created or updated in bulk, which sends no signals: raise the version
    and rebuild the search text they feed (and the vocabulary) now, in the caller's
    transaction."""
    rows = list(rows)
    feeding = feeds(model)
    if not rows or feeding is None:
        return
    if feeding.version:
        versioning.bump()
    ids = occupation_ids(model, rows)
    if ids:
        refresh_search_documents(ids)
        rebuild_vocabulary()
