"""The occupation list's one question, asked by the page, the API and the downloads alike:
which occupations match these parameters for this user, and, for a page of them, the facets,
the total and a spelling suggestion. Each answer is a value; nothing is set on the way.

Two steps, so that a caller can refuse invalid filters before anything is counted (the API
does) and a download can stream every match without counting anything:
occupation_matches() reads the parameters, occupation_search() pages and counts.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from .facets import facet_counts
from .filters import OccupationFilter
from .models import Occupation
from .querysets import RowsByKey, autocomplete
from .search.query import ParsedQuery, parse
from .search.snippets import snippets
from .search.vocabulary import suggest

PAGE_SIZE = settings.CATALOGUE_PAGE_SIZE
# Fewer results than this and a spelling suggestion is worth a look.
SUGGEST_BELOW = 3


@dataclass(frozen=True)
class InvalidFilter:
    name: str
    label: str
    errors: list[str]


@dataclass(frozen=True)
class OccupationMatches:
    """What the parameters ask for: every matching occupation, filtered and sorted."""

    rows: QuerySet  # not evaluated: a download streams it, a page slices it
    parsed: ParsedQuery
    sort: str
    filters: dict[str, str]  # the valid filters in use, by name, sort and query apart
    invalid: list[InvalidFilter]  # ignored by the page, refused by the API
    filterset: OccupationFilter  # what the facets count with


@dataclass(frozen=True)
class SearchResults:
    matches: OccupationMatches
    page: Page  # of RowsByKey; its paginator's count is the total
    total: int
    facets: list[dict]
    suggestion: str | None
    snippets: dict  # occupation pk → highlighted snippet, for the page's rows


def occupation_autocomplete(*, query: str, user) -> dict:
    """What the search box's suggestions answer, for the page's endpoint and the API's alike:
    the query as read and up to eight suggestions ({"query", "results"})."""
    parsed = parse(query)
    return {"query": parsed.text, "results": autocomplete(user, parsed)}


def occupation_matches(*, params, user) -> OccupationMatches:
    """The occupations the user may see that the query parameters select, in their sort
    order; invalid filters are listed and left out. No query is run."""
    filterset = OccupationFilter(
        params or None, queryset=Occupation.objects.visible_to(user).for_list()
    )
    cleaned = filterset.cleaned_data
    return OccupationMatches(
        rows=filterset.qs,
        parsed=filterset.parsed,
        sort=filterset.sort_key,
        filters={k: v for k, v in cleaned.items() if v and k not in {"q", "sort"}},
        invalid=[
            InvalidFilter(name, filterset.filters[name].label, list(errors))
            for name, errors in filterset.form.errors.items()
        ],
        filterset=filterset,
    )


def occupation_search(
    *, matches: OccupationMatches, page: int | str | None = 1, page_size: int = PAGE_SIZE
) -> SearchResults:
    """A page of the matches with the facets, the total and, for few results, a spelling
    suggestion. A page number out of range or not a number gives the nearest page (as
    Paginator.get_page). The facets' query counts the total, so the paginator does not."""
    counted = facet_counts(matches.filterset)
    paginator = Paginator(RowsByKey(matches.rows), page_size)
    paginator.count = counted.total
    found = paginator.get_page(page)
    parsed = matches.parsed
    return SearchResults(
        matches=matches,
        page=found,
        total=counted.total,
        facets=counted.facets,
        suggestion=suggest(parsed.text) if parsed.words and counted.total < SUGGEST_BELOW else None,
        snippets=snippets(found.object_list, parsed) if parsed.text else {},
    )
