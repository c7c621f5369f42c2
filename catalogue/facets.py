"""The occupation list's facets: for each, its options with how many rows each would show.

The counts are over the occupations' narrow search rows (SearchRow), which keep whether each
has a skill standard and a bit for each level its standards have: one GROUPING SETS query
counts every facet whose filter is not in use, the levels and the list's total in a single pass
over the filtered rows; each facet in use gets a pass of its own, without its own filter. A text
search also numbers its rows in the list's order in that pass and returns the keys of the page
asked for: its matches are found, read and ranked once, not once for the counts and again for
the page. The answer is a value (the facets, the total and those keys); nothing is kept on the
filterset.
"""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from . import codes
from .filters import FACET_CHOICES, LEVELS, announcement_rows
from .models import StandardLevel
from .search.plans import through_the_index

# Each facet's key, as SQL over the filtered rows ("b" in grouped_counts), and how a value of
# it reads as the facet's option. Trusted SQL.
GROUP_KEYS = {
    **{level: codes.prefix_sql(level, "b.code") for level in codes.GROUP_LEVELS},
    "digital": "b.is_digital",
    "green": "b.is_green",
    "announcement": "b.announcement_id",
    "standard": "b.has_standard",
}
YES_OR_NO = {"digital", "green", "standard"}


def _option(facet: str, value) -> str:
    if facet in YES_OR_NO:
        return "yes" if value else "no"
    return str(value)  # a group's code, a batch's id


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
    """Counts per key of each facet, and the total, in one pass over the filtered search rows
    (``queryset``, of SearchRow); with levels, also how many rows have each skill-standard level
    (under "level"); with a window (``queryset`` then being sorted), also the keys of the rows
    in it, in order."""
    base = queryset
    columns = ["pk", "code", "is_digital", "is_green", "announcement_id", "has_standard", "levels"]
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
    # The rows are counted by every combination of the facets' keys (and of the levels' bits):
    # a hundred or so combinations on 100,000 rows, which are summed here for each facet. One
    # grouping of the rows beats a GROUPING SETS pass, which groups them once a facet.
    keys = [GROUP_KEYS[f] for f in facets] + (["b.levels"] if levels else [])
    selected = "".join(f"{key}, " for key in keys)
    query = f"SELECT {selected}COUNT(*), NULL::bigint FROM b"
    if keys:
        query += f" GROUP BY {', '.join(keys)}"
    nulls = "NULL, " * len(keys)
    if by_relevance:
        numbered, rank_params = _ranked_positions(queryset, window)
        query += f" UNION ALL SELECT {nulls}k.position, k.pk FROM ({numbered}) AS k"
        params = (*params, *rank_params)
    elif window is not None:
        query += f" UNION ALL SELECT {nulls}b.position, b.pk FROM b"
    if window is not None:
        # The window's rows: their position in place of a count, and their key.
        query += f" WHERE position > {int(window.start)} AND position <= {int(window.stop)}"
    with connection.cursor() as cursor:
        # Read twice with a window: kept, not run again (PostgreSQL would anyway).
        materialized = "MATERIALIZED " if window is not None else ""
        cursor.execute(f"WITH b AS {materialized}({sql}) {query}", params)
        fetched = cursor.fetchall()
    total = 0
    positioned = []
    level_counts = dict.fromkeys(LEVEL_BITS, 0)
    for *values, n, pk in fetched:
        if pk is not None:
            positioned.append((n, pk))
            continue
        total += n
        for facet, value in zip(facets, values, strict=False):
            if value is not None:
                option = _option(facet, value)
                counts[facet][option] = counts[facet].get(option, 0) + n
        if levels:
            for bit in LEVEL_BITS:
                if values[-1] & (1 << bit):
                    level_counts[bit] += n
    if levels:  # in the facet's order, as the options are listed
        counts["level"] = {LEVEL_BITS[bit]: n for bit, n in level_counts.items() if n}
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


# Each level facet value by its bit in SearchRow.levels, in the facet's order.
LEVEL_BITS = {StandardLevel.level_bit(*StandardLevel.parse_key(key)): key for key in LEVELS}


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
    search_rows = filterset.search_rows
    rows = filterset.queryset_without(None, search_rows)
    if searched and window is not None:
        rows = filterset.ordered(rows)
    else:
        window = None
    with through_the_index(searched):
        everything = grouped_counts(rows, idle, level_idle, window)
        counts = dict(everything.counts)
        for facet in grouped:
            if active[facet]:
                without = filterset.queryset_without(facet, search_rows)
                counts[facet] = grouped_counts(without, [facet]).counts[facet]
        if "level" in shown and active["level"]:
            without = filterset.queryset_without("level", search_rows)
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
