"""The occupation list's facets: for each, its options with how many rows each would show.

One GROUPING SETS query counts every facet whose filter is not in use, the levels and the
list's total in a single pass over the filtered rows; each facet in use gets a pass of its own,
without its own filter. A text search also numbers its rows in the list's order in that pass and
returns the keys of the page asked for: its matches are found, read and ranked once, not once for
the counts and again for the page. The answer is a value (the facets, the total and those keys);
nothing is kept on the filterset.
"""

import functools
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from . import codes
from .filters import FACET_CHOICES, HAS_STANDARD, LEVELS, announcement_rows
from .models import StandardLevel
from .search.plans import through_the_index

# Each facet's key, as SQL over the filtered rows ("b" in grouped_counts), selected under the
# facet's name. Trusted SQL: the level flags' names, too, are ours.
GROUP_KEYS = {
    **{level: codes.prefix_sql(level, "b.code") for level in codes.GROUP_LEVELS},
    "digital": "CASE WHEN b.is_digital THEN 'yes' ELSE 'no' END",
    "green": "CASE WHEN b.is_green THEN 'yes' ELSE 'no' END",
    "announcement": "b.announcement_id::text",
    "standard": "CASE WHEN b.has_standard THEN 'yes' ELSE 'no' END",
}
# Middle groups show once a major group is chosen, minor groups once a middle one is.
PARENTS = {"middle": "major", "minor": "middle"}


@dataclass(frozen=True)
class GroupedCounts:
    counts: dict[str, dict[str, int]]  # facet → key → rows; "level" → level key → rows
    total: int
    keys: list[int] | None = None  # the window's keys in the list's order, when one was asked


@dataclass(frozen=True)
class FacetCounts:
    facets: list[dict]  # each {"name", "label", "options": [{value, label, count, active, …}]}
    total: int  # the rows of the list, every valid filter applied
    # The keys of the rows in `window` (a slice of the sorted list), when facet_counts() was given
    # one and counted them in the same pass; None when the page must find its keys itself.
    keys: list[int] | None = None
    window: slice | None = None


def grouped_counts(
    queryset, facets: list[str], levels: bool = False, window: slice | None = None
) -> GroupedCounts:
    """Counts per key of each facet, and the total, in one pass over the filtered rows; with
    levels, also how many rows have each skill-standard level (under "level"); with a window
    (``queryset`` then being sorted), also the keys of the rows in it, in order."""
    base = queryset.annotate(has_standard=HAS_STANDARD)
    columns = ["pk", "code", "is_digital", "is_green", "announcement_id", "has_standard"]
    by_relevance = window is not None and _in_relevance_order(queryset)
    if by_relevance:
        # How exactly each row matched, to rank only the rows the window can reach.
        base = base.annotate(tier=F("exact"))
        columns += ["tier", "search_vector"]
    elif window is not None:
        # Numbered in the list's own order (its last key is unique, so the order is total).
        base = base.annotate(position=Window(RowNumber(), order_by=list(queryset.query.order_by)))
        columns.append("position")
    base = base.order_by().values(*columns)
    counts: dict[str, dict[str, int]] = {f: {} for f in facets} | ({"level": {}} if levels else {})
    try:
        sql, params = base.query.sql_with_params()
    except EmptyResultSet:  # a query that can match nothing (only punctuation, say)
        return GroupedCounts(counts, 0, [] if window is not None else None)
    keys = [GROUP_KEYS[f] for f in facets]
    # Every column under an explicit name, which is how the rows are read back.
    columns = "".join(f'{key} AS "{facet}", ' for facet, key in zip(facets, keys, strict=True))
    sets = "".join(f"({key}), " for key in keys)
    grouping = f"GROUPING({', '.join(keys)})" if keys else "0"
    query = (
        f'SELECT {columns}{grouping} AS "grouping", COUNT(*) AS "rows", '
        f'NULL AS "scheme", NULL AS "level" FROM b GROUP BY GROUPING SETS ({sets}())'
    )
    nulls = "NULL, " * len(keys)
    if levels:
        # The levels from the filtered rows' standards, joined to those rows once: an EXISTS
        # per level hashed every level of the catalogue (on 100,000 rows, over half the pass).
        query += f" UNION ALL SELECT {nulls}-1, n, scheme, level FROM ({_level_sql()}) AS l"
    if by_relevance:
        numbered, rank_params = _ranked_positions(queryset, window)
        query += f" UNION ALL SELECT {nulls}-2, k.position, NULL, k.pk FROM ({numbered}) AS k"
        params = (*params, *rank_params)
    elif window is not None:
        query += f" UNION ALL SELECT {nulls}-2, b.position, NULL, b.pk FROM b"
    if window is not None:
        # The window's rows: position under "rows", key under "level" (both integers).
        query += f" WHERE position > {int(window.start)} AND position <= {int(window.stop)}"
    total = 0
    everything = (1 << len(keys)) - 1  # GROUPING sets a bit for each key not grouped by
    positioned = []
    with connection.cursor() as cursor:
        # Read more than once: kept, not run again (PostgreSQL would anyway).
        materialized = "MATERIALIZED " if levels or window is not None else ""
        cursor.execute(f"WITH b AS {materialized}({sql}) {query}", params)
        names = [column.name for column in cursor.description]
        fetched = cursor.fetchall()
    for values in fetched:
        row = dict(zip(names, values, strict=True))
        if row["grouping"] == -1:
            key = LEVEL_KEYS.get((row["scheme"], row["level"]))
            if key is not None and row["rows"]:
                counts["level"][key] = row["rows"]
            continue
        if row["grouping"] == -2:
            positioned.append((row["rows"], row["level"]))
            continue
        if row["grouping"] == everything:
            total = row["rows"]
            continue
        for i, facet in enumerate(facets):
            grouped_by = not row["grouping"] & (1 << (len(keys) - 1 - i))
            if grouped_by and row[facet] is not None:
                counts[facet][row[facet]] = row["rows"]
    if levels:  # in the facet's order, as the options are listed
        counts["level"] = {key: counts["level"][key] for key in LEVELS if key in counts["level"]}
    keys = [pk for _, pk in sorted(positioned)] if window is not None else None
    return GroupedCounts(counts, total, keys)


def _in_relevance_order(queryset) -> bool:
    return list(queryset.query.order_by) == list(queryset.by_relevance().query.order_by)


def _ranked_positions(queryset, window: slice) -> tuple[str, list]:
    """The rows of "b" (with "tier", how exactly each matched) numbered in relevance order
    (OccupationQuerySet.by_relevance: tier, text rank, code, key), ranking only the rows of the
    tiers that the window reaches.

    Ranking reads a row's whole search document, from TOAST for most rows. Rows of a lower tier
    than the window's last row cannot be in it: the tier that fills the window, counted down
    from the best, is found first, and only rows from it up are ranked. 训练师 on 100,000
    occupations matches 25,855 rows, of which 6,271 have it in their name (tier 1).
    """
    # The rank as the list's query has it, over b's copy of each row's search document.
    rank = queryset.query.annotations["rank"].relabeled_clone({queryset.query.base_table: "b"})
    rank, params = queryset.query.get_compiler(connection=connection).compile(rank)
    reached = (
        "SELECT COALESCE(MAX(t.tier), -1) FROM (SELECT b.tier, SUM(COUNT(*)) OVER (ORDER BY "
        f"b.tier DESC) AS rows FROM b GROUP BY b.tier) AS t WHERE t.rows >= {int(window.stop)}"
    )
    sql = (
        "SELECT b.pk, ROW_NUMBER() OVER (ORDER BY b.tier DESC, "
        f"{rank} DESC, b.code ASC NULLS LAST, b.pk ASC) AS position FROM b "
        f"WHERE b.tier >= ({reached})"
    )
    return sql, list(params)


# Each level facet value by its (scheme, level), as the standards' levels store it.
LEVEL_KEYS = {StandardLevel.parse_key(key): key for key in LEVELS}


@functools.cache
def _level_sql() -> str:
    """How many of the filtered rows ("b", with "pk") have a standard with each level, as
    (scheme, level, n): what has_level() asks of one row, asked of all of them in one join.
    Compiled once: it has no parameters."""
    # Only rows with a standard can have a level: on a broad search, a third of the matches.
    rows = RawSQL("SELECT b.pk FROM b WHERE b.has_standard", ())
    query = (
        StandardLevel.objects.filter(standard__occupation__in=rows)
        .order_by()
        .values("scheme", "level")
        .annotate(n=Count("standard__occupation", distinct=True))
        .values_list("scheme", "level", "n")
        .query
    )
    sql, params = query.sql_with_params()
    assert not params, params  # spliced into the facets' query as it is
    return sql


def _choices(filterset, facet: str) -> list[tuple[str, str, dict]]:
    """Each option as (value, label, names); names are empty but for groups and batches."""
    if facet in FACET_CHOICES:
        return FACET_CHOICES[facet]()
    choices = filterset.filters[facet].extra["choices"]
    return [(value, label, {}) for value, label in (choices() if callable(choices) else choices)]


def facet_counts(filterset, window: slice | None = None) -> FacetCounts:
    """For each facet shown, its options with counts for the query and the other filters;
    and the list's total; for a text search, also the keys of the rows in ``window`` of the
    sorted list (a page), if given.

    The facets whose filter is not in use all count over the filtered list, so they share one
    pass, which also gives the total (and the levels' counts, when no level is chosen); each
    facet in use needs a pass of its own, without its own filter. A text search reads and
    ranks every match to sort them, so the page's keys come from that pass too; a list without
    one finds its page in an index, which beats numbering every row.
    """
    active = {name: filterset.cleaned_data.get(name) or "" for name in filterset.FACETS}
    shown = [f for f in filterset.FACETS if not PARENTS.get(f) or active[PARENTS[f]]]
    grouped = [f for f in shown if f in GROUP_KEYS]
    idle = [f for f in grouped if not active[f]]
    level_idle = "level" in shown and not active["level"]
    searched = filterset.parsed.search is not None
    if not searched or not filterset.qs.query.order_by:
        window = None
    rows = filterset.queryset_without(None) if window is None else filterset.qs
    with through_the_index(searched):
        everything = grouped_counts(rows, idle, level_idle, window)
        counts = dict(everything.counts)
        for facet in grouped:
            if active[facet]:
                without = filterset.queryset_without(facet)
                counts[facet] = grouped_counts(without, [facet]).counts[facet]
        if "level" in shown and active["level"]:
            without = filterset.queryset_without("level")
            counts["level"] = grouped_counts(without, [], True).counts["level"]
    # Batches are counted by id, chosen by key (read once a version, with the choices).
    announcements = {str(a.pk): a.key for a in announcement_rows()}
    counts["announcement"] = {
        announcements.get(pk, pk): n for pk, n in counts.get("announcement", {}).items()
    }
    facets = []
    for facet in shown:
        parent = PARENTS.get(facet)
        options = [
            {
                "value": value,
                "label": label,
                "count": counts[facet].get(value, 0),
                "active": active[facet] == value,
                **names,
            }
            for value, label, names in _choices(filterset, facet)
            if (not parent or codes.is_under(value, active[parent]))
            and (counts[facet].get(value) or active[facet] == value)
        ]
        facets.append({"name": facet, "label": filterset.filters[facet].label, "options": options})
    return FacetCounts(facets, everything.total, everything.keys, window)
