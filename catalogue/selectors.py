"""Read logic that spans several models and has no queryset of its own: what a page or the
API asks in one call (HackSoft's selectors). The querysets are in catalogue.querysets."""

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .facets import counted_pass, facet_counts
from .filters import OccupationFilter
from .languages import translation_label
from .models import (
    AlternateTitle,
    Announcement,
    DataIssue,
    Figure,
    JobType,
    MajorGroup,
    MiddleGroup,
    MinorGroup,
    Occupation,
    OccupationTask,
    ReviewStatus,
    SearchRow,
    TextOrigin,
)
from .querysets import RowsByKey
from .search.plans import through_the_index
from .search.query import ParsedQuery, parse
from .search.snippets import snippets
from .search.vocabulary import suggest


def record_parts(occupation) -> dict:
    """The parts of a record that the page and the API show apart, from what occupation_record()
    prefetched (no query): other titles, titles used in job ads, and the sources of the tasks
    and of the job-ad titles, each once; the data flags about its definition."""
    titles = list(occupation.alternate_titles.all())
    job_ad = [t for t in titles if t.kind == AlternateTitle.Kind.JOB_AD]
    definition_flags = {DataIssue.DEFINITION_CUT_SHORT, DataIssue.DEFINITION_LOST_DIGITS}
    return {
        "titles": [t for t in titles if t.kind != AlternateTitle.Kind.JOB_AD],
        "job_ad_titles": job_ad,
        "job_ad_sources": _distinct_sources(job_ad),
        "task_sources": _distinct_sources(occupation.tasks.all()),
        "definition_issues": [
            DataIssue(i).label for i in occupation.data_issues if i in definition_flags
        ],
    }


def _distinct_sources(rows) -> list:
    seen = {}
    for row in rows:
        if row.source_id and row.source_id not in seen:
            seen[row.source_id] = row.source
    return list(seen.values())


def catalogue_summary(user) -> tuple[list, int]:
    """The major groups in code order, each with .occupation_count of the occupations the user
    may see; and how many occupations the catalogue has, uncoded ones included but not those
    proposed in a public consultation (they are not in the classification). Three queries."""
    visible = Occupation.objects.visible_to(user)
    per_major = visible.count_per_major_group()
    groups = list(MajorGroup.objects.order_by("code"))
    for group in groups:
        group.occupation_count = per_major.get(group.code, 0)
    return groups, sum(per_major.values()) - visible.proposed().count()


def home_summary(user) -> dict:
    """What the home page shows from the database, for what the user may see: the major
    groups with their counts, the total, the latest batches with theirs, the featured figures,
    and whether anything has been imported yet (seed_only); six queries, as values a worker
    can keep (catalogue.versioning.memoised)."""
    visible = Occupation.objects.visible_to(user)
    major_groups, occupation_count = catalogue_summary(user)
    return {
        "major_groups": major_groups,
        "occupation_count": occupation_count,
        "announcements": list(
            Announcement.objects.with_occupation_counts(visible).newest_first()[:5]
        ),
        "figures": list(Figure.objects.featured()[:4]),
        # The hint on importing the reference data, until something has been imported.
        "seed_only": not Occupation.objects.imported().exists(),
    }


def classification_tree(user) -> tuple[list, int]:
    """The major groups, each with .middles, each with .minors, all with .occupation_count of
    the occupations the user may see; and how many of its occupations have no code. Four
    queries in all."""
    visible = Occupation.objects.visible_to(user).order_by()
    counts = dict(
        visible.exclude(minor_group=None)
        .values_list("minor_group_id")
        .annotate(n=Count("pk"))
        .values_list("minor_group_id", "n")
    )
    middles = defaultdict(list)
    for minor in MinorGroup.objects.order_by("code"):
        minor.occupation_count = counts.get(minor.code, 0)
        middles[minor.middle_group_id].append(minor)
    majors = defaultdict(list)
    for middle in MiddleGroup.objects.order_by("code"):
        middle.minors = middles[middle.code]
        middle.occupation_count = sum(m.occupation_count for m in middle.minors)
        majors[middle.major_group_id].append(middle)
    groups = list(MajorGroup.objects.order_by("code"))
    for major in groups:
        major.middles = majors[major.code]
        major.occupation_count = sum(m.occupation_count for m in major.middles)
    # Occupations proposed in a public consultation are not in the classification at all.
    return groups, visible.filter(code=None).exclude(kind="proposed").count()


AUTOCOMPLETE_LIMIT = 8


def autocomplete(user, parsed: ParsedQuery) -> list[dict]:
    """Up to eight suggestions for what is being typed, best first, in three queries (the best
    eight among the narrow search rows, in one pass over the matches, as a search's page finds
    its rows; those eight occupations; their titles); an alternate title that matches leads its
    occupation's label."""
    if not parsed.text:
        return []
    best = SearchRow.objects.visible_to(user).search(parsed).by_relevance()
    with through_the_index(parsed.search is not None):
        keys = counted_pass(best, [], levels=False, window=slice(0, AUTOCOMPLETE_LIMIT)).keys
    fields = ["code", "slug", "name_zh", "name_en", "name_en_origin", "name_en_review"]
    found = Occupation.objects.only(*fields).in_bulk(keys)
    occupations = [found[pk] for pk in keys if pk in found]
    titles: dict[int, str] = {}
    for title in AlternateTitle.objects.filter(
        occupation__in=occupations, title__icontains=parsed.text
    ).order_by("title"):
        titles.setdefault(title.occupation_id, title.title)
    return [
        {
            "label": f"{titles[o.pk]} → {o}" if o.pk in titles else str(o),
            "name_zh": o.name_zh,
            "name_en": o.name_en,
            "name_en_origin": o.name_en_origin or None if o.name_en else None,
            "name_en_review": o.name_en_review if o.name_en else None,
            # In words, in the page's language, where the English is a translation.
            "name_en_status": translation_label(o.name_en_origin, o.name_en_review)
            if o.name_en
            else "",
            "title": titles.get(o.pk, ""),
            "code": o.code,
            "url": o.get_absolute_url(),
        }
        for o in occupations
    ]


def translation_counts() -> list[dict]:
    """For each kind of text with English: how many records have it, by where it comes from
    and whether it is reviewed; one query per kind (seven in all)."""

    def counts(model, en_field, label, needed=None):
        origin, review = f"{en_field}_origin", f"{en_field}_review"
        translated = Q(**{f"{origin}__in": [TextOrigin.CATALOGUE_TRANSLATION, TextOrigin.CURATOR]})
        present = ~Q(**{en_field: ""})
        queryset = model.objects.filter(needed) if needed is not None else model.objects.all()
        return {
            "label": label,
            **queryset.aggregate(
                total=Count("pk"),
                translated=Count("pk", filter=present & translated),
                reviewed=Count(
                    "pk", filter=present & translated & Q(**{review: ReviewStatus.REVIEWED})
                ),
                sourced=Count("pk", filter=present & ~translated),
                missing=Count("pk", filter=~present),
            ),
        }

    with_definition = ~Q(definition_zh="")
    return [
        counts(Occupation, "name_en", _("occupation names")),
        counts(Occupation, "definition_en", _("occupation definitions"), with_definition),
        counts(MajorGroup, "name_en", _("major group names")),
        counts(MiddleGroup, "name_en", _("middle group names")),
        counts(MinorGroup, "name_en", _("minor group names")),
        counts(OccupationTask, "text_en", _("tasks")),
        counts(JobType, "name_en", _("job types")),
    ]


# --- The occupation list -------------------------------------------------------------------
# Its one question, asked by the page, the API and the downloads alike: which occupations match
# these parameters for this user, and, for a page of them, the facets, the total and a spelling
# suggestion. Two steps, so that a caller can refuse invalid filters before anything is counted
# (the API does) and a download can stream every match without counting anything:
# occupation_matches() reads the parameters, occupation_search() pages and counts.

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

    parsed: ParsedQuery
    sort: str
    filters: dict[str, str]  # the valid filters in use, by name, sort and query apart
    invalid: list[InvalidFilter]  # ignored by the page, refused by the API
    filterset: OccupationFilter  # what the facets count with

    @cached_property
    def rows(self) -> QuerySet:
        """Not evaluated: a download streams it, a page out of the facets' reach slices it.
        Made when first asked for: a search's queryset with its ranking takes a few
        milliseconds to build, and a page whose keys the facets found never needs it."""
        return self.filterset.qs


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
        params or None,
        queryset=Occupation.objects.visible_to(user).for_list(),
        search_rows=SearchRow.objects.visible_to(user),
    )
    cleaned = filterset.cleaned_data
    return OccupationMatches(
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
    # A search's facet pass finds the keys of the page asked for too. (A page out of range gets
    # the nearest one from the paginator below, which then finds its keys itself.)
    number = _page_number(page)
    window = slice((number - 1) * page_size, number * page_size) if number else None
    counted = facet_counts(matches.filterset, window)
    # The page's rows are loaded by key from the list's columns alone: the keys came from the
    # rows the user may see, so the rows need no condition of their own.
    found = (counted.window.start, counted.keys) if counted.keys is not None else None
    rows = RowsByKey(lambda: matches.rows, rows=Occupation.objects.for_list(), found=found)
    paginator = Paginator(rows, page_size)
    paginator.count = counted.total
    shown = paginator.get_page(page)
    parsed = matches.parsed
    return SearchResults(
        matches=matches,
        page=shown,
        total=counted.total,
        facets=counted.facets,
        suggestion=suggest(parsed.text) if parsed.words and counted.total < SUGGEST_BELOW else None,
        snippets=snippets(shown.object_list, parsed) if parsed.text else {},
    )


def _page_number(page) -> int | None:
    """The page asked for when it is a page number from 1 (Paginator.get_page reads the rest)."""
    text = str(page or 1)
    if text.isascii() and text.isdigit() and len(text) < 10 and int(text) >= 1:
        return int(text)
    return None
