"""The search document of each occupation, refreshed whenever what it is built from changes."""

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction

from .text import cjk_tokens, pinyin_tokens

DOCUMENT_FIELDS = [f"search_{lang}_{weight}" for lang in ("en", "zh") for weight in "abcd"]


def _grouped(rows) -> dict[int, list[tuple]]:
    grouped = defaultdict(list)
    for occupation_id, *values in rows:
        grouped[occupation_id].append(values)
    return grouped


def build_documents(occupations) -> None:
    """Set the search_* text fields of these occupations from them and their related rows,
    in a fixed number of queries: A names and job types, B other titles, C definitions and
    titles used in job ads, D main tasks, skill requirements and quotes."""
    from catalogue.models import (
        AlternateTitle,
        JobType,
        OccupationTask,
        Quote,
        Requirement,
        SearchSynonym,
    )

    ids = [o.pk for o in occupations]
    titles = _grouped(
        AlternateTitle.objects.filter(occupation_id__in=ids)
        .exclude(kind=AlternateTitle.Kind.JOB_AD)
        .values_list("occupation_id", "title")
    )
    # One author's mapping of job-ad titles, not names: weighed with the definitions.
    job_ad_titles = _grouped(
        AlternateTitle.objects.filter(
            occupation_id__in=ids, kind=AlternateTitle.Kind.JOB_AD
        ).values_list("occupation_id", "title")
    )
    job_types = _grouped(
        JobType.objects.filter(occupation_id__in=ids).values_list(
            "occupation_id", "name_zh", "name_en"
        )
    )
    tasks = _grouped(
        OccupationTask.objects.filter(occupation_id__in=ids).values_list(
            "occupation_id", "text_zh", "text_en"
        )
    )
    requirements = _grouped(
        Requirement.objects.filter(
            work_content__function__level__standard__occupation_id__in=ids
        ).values_list(
            "work_content__function__level__standard__occupation_id", "text_zh", "text_en"
        )
    )
    synonyms = _grouped(
        SearchSynonym.objects.filter(occupation_id__in=ids).values_list("occupation_id", "term")
    )
    quotes = _grouped(
        Quote.occupations.through.objects.filter(occupation_id__in=ids).values_list(
            "occupation_id", "quote__text"
        )
    )

    for o in occupations:
        types = job_types[o.pk]
        zh_names = [o.name_zh, *(zh for zh, _ in types)]
        o.search_en_a = " ".join([o.name_en, *(en for _, en in types), o.code or ""])
        # The 'simple' columns also hold names and titles unstemmed, so a prefix typed so far
        # (informat) matches the word (information) and not only its stem (inform).
        o.search_zh_a = " ".join(
            [
                cjk_tokens(" ".join(zh_names), unigrams=True),
                *map(pinyin_tokens, zh_names),
                o.name_en,
                *(en for _, en in types),
            ]
        )
        # Other titles, and the words people search with that the names miss.
        o.search_en_b = " ".join(term for (term,) in [*titles[o.pk], *synonyms[o.pk]])
        o.search_zh_b = " ".join([cjk_tokens(o.search_en_b), o.search_en_b])
        ad_titles = " ".join(title for (title,) in job_ad_titles[o.pk])
        o.search_en_c = " ".join([o.definition_en, ad_titles])
        o.search_zh_c = " ".join([cjk_tokens(o.definition_zh), cjk_tokens(ad_titles), ad_titles])
        details = [*tasks[o.pk], *requirements[o.pk]]
        o.search_en_d = " ".join([*(en for _, en in details), *(q for (q,) in quotes[o.pk])])
        o.search_zh_d = cjk_tokens(" ".join(zh for zh, _ in details))


def refresh_search_documents(ids: Iterable[int] | None = None, *, batch_size: int = 500) -> int:
    """Rebuild the search documents of these occupations (all when ids is None), a batch a
    statement. A changed document is written twice, with its search row (SearchRow) and the
    rows' three text indexes: 1,700 changed rows took 4 s at once, close to a request's
    statement deadline, which an import run from a test or the admin has."""
    from catalogue.models import Occupation
    from catalogue.versioning import bump

    queryset = Occupation.objects.only(
        "code", "name_zh", "name_en", "definition_zh", "definition_en", *DOCUMENT_FIELDS
    ).order_by("pk")
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    done = 0
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last)[:batch_size])
        if not chunk:
            if done:
                # What a search finds has changed: pages cached under the old version go.
                bump()
            return done
        build_documents(chunk)
        _write(chunk)
        done += len(chunk)
        last = chunk[-1].pk


def _write(occupations) -> None:
    """One UPDATE for a batch (bulk_update's CASE expressions are far slower), leaving rows
    whose documents did not change untouched."""
    from catalogue.models import Occupation

    table = Occupation._meta.db_table
    columns = ", ".join(f"unnest(%s::text[]) AS {field}" for field in DOCUMENT_FIELDS)
    assignments = ", ".join(f"{field} = v.{field}" for field in DOCUMENT_FIELDS)
    old = ", ".join(f"o.{field}" for field in DOCUMENT_FIELDS)
    new = ", ".join(f"v.{field}" for field in DOCUMENT_FIELDS)
    sql = (
        f"UPDATE {table} AS o SET {assignments} "
        f"FROM (SELECT unnest(%s::bigint[]) AS id, {columns}) AS v "
        f"WHERE o.id = v.id AND ({old}) IS DISTINCT FROM ({new})"
    )
    params = [[o.pk for o in occupations]]
    params += [[getattr(o, field) for o in occupations] for field in DOCUMENT_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def schedule_refresh(occupation_ids: Iterable[int]) -> None:
    """Refresh these documents when the current transaction commits (at once outside one),
    each occupation once however many of its rows changed.

    Every change registers a callback; the first to run refreshes all pending occupations and
    the rest find nothing left. (Registering only once would stall after a rollback, which
    drops the callback but not the pending set.)
    """
    ids = {i for i in occupation_ids if i}
    if not ids:
        return
    _pending().update(ids)
    transaction.on_commit(_flush)


def _pending() -> set[int]:
    # `connection` is a proxy for this thread's connection: keep the set on it.
    pending = getattr(connection, "_catalogue_search_pending", None)
    if pending is None:
        pending = connection._catalogue_search_pending = set()
    return pending


def _flush() -> None:
    from .vocabulary import add_terms

    pending = _pending()
    ids = set(pending)
    pending.clear()
    if ids:
        refresh_search_documents(ids)
        add_terms(ids)
