"""The occupation list's facets: for each, its options with how many rows each would show.

The counts are over the occupations' narrow search rows (SearchRow), which keep whether each
has a skill standard and a bit for each level its standards have. One pass reads the rows that
every chosen facet's option but at most one holds for, and counts them by every combination of
the facets' keys; each facet's counts, which ignore its own choice but not the others', and the
list's total are sums over those combinations. A text search with no facet chosen also numbers
its rows in the list's order in that pass and returns the keys of the page asked for: its
matches are found, read and ranked once, not once for the counts and again for the page. The
answer is a value (the facets, the total and those keys); nothing is kept on the filterset.
"""

import operator
from dataclasses import dataclass
from functools import reduce

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from . import codes
from .filters import FACET_CHOICES, LEVELS, announcement_rows
from .models import StandardLevel
from .querysets import NAMED
from .search.plans import through_the_index

# Each facet's key, as SQL over the rows read ("b" in counted_pass), and how a value of it
# reads as the facet's option. Trusted SQL.
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
class Combination:
    """How many rows have these keys: one value of each facet's key, and the levels' bits."""

    keys: dict[str, object]  # facet → its key's value (a group's code, a flag, a batch's id)
    levels: int
    n: int


@dataclass(frozen=True)
class FacetCounts:
    facets: list[dict]  # each {"name", "label", "options": [{value, label, count, active, …}]}
    total: int  # the rows of the list, every valid filter applied
    # The keys of the rows in `window` (a slice of the sorted list), when facet_counts() was given
    # one and counted them in the same pass; None when the page must find its keys itself.
    keys: list[int] | None = None
    window: slice | None = None


@dataclass(frozen=True)
class Pass:
    combinations: list[Combination]
    keys: list[int] | None = None  # the window's keys in the list's order, when one was asked


def counted_pass(queryset, facets: list[str], levels: bool, window: slice | None = None) -> Pass:
    """One pass over the search rows (``queryset``, of SearchRow): how many rows have each
    combination of the facets' keys (and of the levels' bits, with ``levels``); with a window
    (``queryset`` then being sorted), also the keys of the rows in it, in order."""
    base = queryset
    columns = ["pk", "code", "is_digital", "is_green", "announcement_id", "has_standard", "levels"]
    by_relevance = window is not None and _in_relevance_order(queryset)
    if by_relevance:
        # How exactly each row matched, to rank only the rows the window can reach.
        base = base.annotate(tier=F("exact"), closeness=F("closeness"))
        columns += ["tier", "closeness", "search_vector"]
    elif window is not None:
        # Numbered in the list's own order (its last key is unique, so the order is total).
        base = base.annotate(position=Window(RowNumber(), order_by=list(queryset.query.order_by)))
        columns.append("position")
    base = base.order_by().values(*columns)
    try:
        sql, params = base.query.sql_with_params()
    except EmptyResultSet:  # a query that can match nothing (only punctuation, say)
        return Pass([], [] if window is not None else None)
    # The rows are counted by every combination of the facets' keys and the levels' bits: a
    # hundred or so combinations on 100,000 rows, which facet_counts sums for each facet. One
    # grouping of the rows beats a GROUPING SETS pass, which groups them once a facet.
    keys = [GROUP_KEYS[f] for f in facets] + (["b.levels"] if levels else [])
    names = [f"k{i}" for i in range(len(keys))]
    nulls = "NULL, " * len(keys)
    if by_relevance:
        # And by tier, summed over in Python: the tiers' counts give the tier the window
        # reaches without another pass over the rows.
        keys.append("b.tier")
        names.append("tier")
    grouped = "SELECT " + "".join(
        f"{key} AS {name}, " for key, name in zip(keys, names, strict=True)
    )
    grouped += "COUNT(*) AS n FROM b" + (f" GROUP BY {', '.join(keys)}" if keys else "")
    counts = "".join(f"g.{name}, " for name in names if name != "tier")
    query = f"SELECT {counts}g.n, NULL::bigint FROM g"
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
        cursor.execute(f"WITH b AS {materialized}({sql}), g AS ({grouped}) {query}", params)
        fetched = cursor.fetchall()
    combinations = []
    positioned = []
    for *values, n, pk in fetched:
        if pk is not None:
            positioned.append((n, pk))
        else:
            keyed = dict(zip(facets, values[: len(facets)], strict=True))
            combinations.append(Combination(keyed, values[-1] if levels else 0, n))
    keys = [pk for _, pk in sorted(positioned)] if window is not None else None
    return Pass(combinations, keys)


def _without_one(filterset, chosen: list[str], active: dict):
    """The search rows that every filter selects but the chosen facets', and that all the
    chosen facets' options but at most one hold for: every row a chosen facet counts, for
    which its own choice is ignored, but not the others'."""
    rows = filterset.queryset_without(chosen, filterset.search_rows)
    if len(chosen) == 1:
        return rows
    conditions = {f: filterset.row_condition(f, active[f]) for f in chosen}
    all_but = (reduce(operator.and_, (conditions[g] for g in chosen if g != f)) for f in chosen)
    return rows.filter(reduce(operator.or_, all_but))


def _in_relevance_order(queryset) -> bool:
    return list(queryset.query.order_by) == list(queryset.by_relevance().query.order_by)


def _ranked_positions(queryset, window: slice) -> tuple[str, list]:
    """The rows of "b" (with "tier", how exactly each matched, and "closeness") numbered in
    relevance order (OccupationQuerySet.by_relevance: tier, closeness or text rank, code, key),
    ranking only the rows of the tiers that the window reaches.

    Ranking reads a row's whole search document, from TOAST for most rows. Rows of a lower tier
    than the window's last row cannot be in it: the tier that fills the window, counted down
    from the best, is found first from the counts by tier (the pass's "g"), and only rows from
    it up are sorted. Those matched by a name sort by closeness, read from the row; only those of
    tier 0 are ranked by their text.
    """
    # The rank as the list's query has it, over b's copy of each row's search document.
    rank = queryset.query.annotations["rank"].relabeled_clone({queryset.query.base_table: "b"})
    rank, params = queryset.query.get_compiler(connection=connection).compile(rank)
    stop = int(window.stop)
    reached = (
        "SELECT COALESCE(MAX(t.tier), -1) FROM (SELECT g.tier, SUM(SUM(g.n)) OVER (ORDER BY "
        f"g.tier DESC) AS rows FROM g GROUP BY g.tier) AS t WHERE t.rows >= {stop}"
    )
    # The first rows up to the window's end, kept in a heap of that many as they are read
    # (LIMIT), then numbered: a sort of every reached row cost 6 ms for 智能's 7,971.
    order = "tier DESC, score DESC, code ASC NULLS LAST, pk ASC"
    sql = (
        f"SELECT top.pk, ROW_NUMBER() OVER (ORDER BY {order}) AS position FROM (SELECT b.pk, "
        f"b.tier, CASE WHEN b.tier >= {NAMED} THEN b.closeness ELSE {rank} END AS score, b.code "
        f"FROM b WHERE b.tier >= ({reached}) ORDER BY {order} LIMIT {stop}) AS top"
    )
    return sql, list(params)


# Each level facet value by its bit in SearchRow.levels, in the facet's order, and the other
# way round.
LEVEL_BITS = {StandardLevel.level_bit(*StandardLevel.parse_key(key)): key for key in LEVELS}
LEVEL_KEYS = {key: bit for bit, key in LEVEL_BITS.items()}


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

    One pass reads the rows that all the chosen facets' options but at most one hold for (and
    every other filter), and counts them by every combination of the facets' keys. A facet's
    count for an option is the sum over the combinations that have that option and the other
    chosen facets' options; the list's total, the sum over those that have every chosen option.
    A text search reads and ranks its matches to sort them, so the page's keys come from that
    pass too when no facet is chosen, and from a pass over the list's rows alone when one is; a
    list without one finds its page in an index, which beats numbering every row.
    """
    active = {name: filterset.cleaned_data.get(name) or "" for name in filterset.FACETS}
    shown = [f for f in filterset.FACETS if not PARENTS.get(f) or active[PARENTS[f]]]
    chosen = [f for f in shown if active[f]]
    idle = [f for f in shown if not active[f]]
    searched = filterset.parsed.search is not None
    if not (searched and window is not None):
        window = None
    listed = filterset.queryset_without((), filterset.search_rows)
    with through_the_index(searched):
        counted = counted_pass(
            filterset.ordered(listed) if window else listed,
            [f for f in idle if f in GROUP_KEYS],
            "level" in idle,
            window,
        )
        if chosen:
            without = counted_pass(
                _without_one(filterset, chosen, active),
                [f for f in chosen if f in GROUP_KEYS],
                "level" in chosen,
            )
    # Batches are counted by id, chosen by key (read once a version, with the choices).
    announcements = {a.pk: a.key for a in announcement_rows()}

    def options(combination: Combination) -> dict[str, str | None]:
        """The combination's option of each of its facets (None for no group or no batch)."""
        named = {}
        for facet, value in combination.keys.items():
            if value is None:
                named[facet] = None
            elif facet == "announcement":
                named[facet] = announcements.get(value, str(value))
            else:
                named[facet] = _option(facet, value)
        return named

    counts: dict[str, dict[str, int]] = {f: {} for f in shown}

    def add(facet: str, combination: Combination, named: dict) -> None:
        if facet == "level":
            options = [key for bit, key in LEVEL_BITS.items() if combination.levels & (1 << bit)]
        else:
            options = [named[facet]] if named[facet] is not None else []
        for option in options:
            counts[facet][option] = counts[facet].get(option, 0) + combination.n

    def holds(facet: str, combination: Combination, named: dict) -> bool:
        if facet == "level":
            return bool(combination.levels & (1 << LEVEL_KEYS[active[facet]]))
        return named[facet] == active[facet]

    total = 0
    for combination in counted.combinations:  # the list's rows
        total += combination.n
        named = options(combination)
        for facet in idle:
            add(facet, combination, named)
    for combination in without.combinations if chosen else []:
        named = options(combination)
        unmet = [f for f in chosen if not holds(f, combination, named)]
        if len(unmet) > 1:
            continue
        # A row that every chosen option holds for counts for each chosen facet; one that all
        # but one holds for, for that one's other options.
        for facet in unmet or chosen:
            add(facet, combination, named)
    if "level" in counts:  # in the facet's order, as the options are listed
        counts["level"] = {key: counts["level"][key] for key in LEVELS if key in counts["level"]}
    facets = []
    for facet in shown:
        parent = PARENTS.get(facet)
        options_shown = [
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
        facets.append(
            {"name": facet, "label": filterset.filters[facet].label, "options": options_shown}
        )
    return FacetCounts(facets, total, counted.keys, window)
