"""Read logic: every query a view, the API or the insights need is a method here.

catalogue.models imports this module to attach the querysets, so nothing here imports the
models: a queryset reaches the models it relates to through its own (``self.model``). What
needs several models at once, and no queryset of its own, is in catalogue.selectors.
"""

import functools
from functools import cached_property

from django.contrib.postgres.search import SearchRank
from django.db import connection, models
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    FloatField,
    Func,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models.expressions import OuterRef, RawSQL
from django.db.models.functions import Cast, Concat, ExtractYear, Length
from django.db.models.query import ModelIterable

from . import codes
from .jsonrows import compiled, from_json, json_fields, json_rows
from .search.query import ParsedQuery, parse
from .search.text import pinyin_like, pinyin_pattern

# What every list of occupations shows of each: the page, the API and the downloads.
ROW_FIELDS = [
    "code",
    "slug",
    "name_zh",
    "name_en",
    "name_en_origin",
    "name_en_review",
    "name_pinyin",
    "kind",
    "is_digital",
    "is_green",
]


# What a list of announcements, sources, quotes or figures shows of each occupation it links.
# announcement_id too: a prefetch through the announcement matches rows on it.
LINK_FIELDS = [
    "code",
    "slug",
    "name_zh",
    "name_en",
    "name_en_origin",
    "name_en_review",
    "name_pinyin",
    "status",
    "announcement_id",
]


def related_model(model, path: str):
    """The model at the end of a path of relations from ``model``: (Source, "quote_set"),
    (Occupation, "alternate_titles"), (Quote, "occupations")."""
    for name in path.split("__"):
        # A reverse relation without a related_name is prefetched as quote_set, queried as quote.
        model = model._meta.get_field(name.removesuffix("_set")).related_model
    return model


def visible_occupations(model, user, lookup: str = "occupations") -> Prefetch:
    """Prefetch the occupations behind ``lookup`` (from ``model``) that the user may see, in
    code order, with what a list of announcements, sources, quotes or figures shows of them."""
    occupation = related_model(model, lookup)
    visible = occupation.objects.visible_to(user).only(*LINK_FIELDS)
    return Prefetch(lookup, queryset=visible.order_by("code", "name_zh"))


# How close a match by name is to the name itself: the fewer characters a name has beside the
# query, the closer (人工智能训练师 before 人工智能训练师（数据标注）). The Chinese name is the
# official one, and the length of its pinyin and, mostly, of its translation follows it. Read
# from the row itself, where a text rank reads its whole search document, from TOAST for most
# rows: ranking the 6,271 occupations named …训练师 among 100,000 took 30 ms of a page's 85 ms.
CLOSENESS = Cast(Length("name_zh"), FloatField()) * Value(-1.0)
# The lowest tier of exactness (search()'s alias ``exact``) that a name matched: a name that
# contains the query. The tiers from it up sort by closeness, those below it by text rank.
NAMED = 1


def _keys_of(model, where: str, params: list) -> RawSQL:
    """The keys of the occupations of ``model``'s rows (titles, job types, synonyms) for which
    ``where`` holds, as a subquery written out. Built from querysets, a search's four took
    Django 1 ms of every search page to resolve; written out, they are the same SQL, answered
    from the same expression indexes (UPPER(title), UPPER(name_en), UPPER(term))."""
    table = connection.ops.quote_name(model._meta.db_table)
    return RawSQL(f"SELECT occupation_id FROM {table} WHERE {where}", params)


class Like(Func):
    """``text LIKE pattern``, the pattern's wildcards (_ and %) as written: Django's lookups
    (contains, startswith) escape them."""

    arg_joiner = " LIKE "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class SearchableQuerySet(models.QuerySet):
    """Who may see an occupation, and the text search with its ranking: for occupations, and
    for their narrow search rows (SearchRow), which have the same columns for both."""

    # The path from the model to its occupation's relations: "" for an occupation.
    occupation_path = ""

    def published(self):
        """Occupations the public may see."""
        return self.filter(status="published")

    def visible_to(self, user):
        """Published occupations, and drafts too for staff."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def search(self, query):
        """Occupations matching the query, ready for by_relevance(): an exact code or own name
        first, then an exact job type or title, then an exact title used in job ads, then
        whole-name matches, each of these by the length of the name; then by weighted text rank.
        ``query`` is what was typed or a ParsedQuery; an empty query matches nothing.
        """
        parsed = query if isinstance(query, ParsedQuery) else parse(query)
        return self.matching(parsed).ranked(parsed)

    def matching(self, query):
        """Only the condition of search(): what filters and facet counts need."""
        parsed = query if isinstance(query, ParsedQuery) else parse(query)
        if parsed.code_prefix:
            return self.filter(code__startswith=parsed.code_prefix)
        if parsed.search is None:  # nothing searchable: only punctuation or symbols
            return self.none()
        return self.filter(search_vector=parsed.search)

    def ranked(self, query):
        """The ranking of search() (aliases exact, closeness and rank) without its condition."""
        AlternateTitle = related_model(self.model, f"{self.occupation_path}alternate_titles")
        JobType = related_model(self.model, f"{self.occupation_path}job_types")
        SearchSynonym = related_model(self.model, f"{self.occupation_path}search_synonyms")
        parsed = query if isinstance(query, ParsedQuery) else parse(query)
        if parsed.code_prefix or parsed.search is None:
            return self.alias(
                exact=Case(When(code=parsed.code_prefix, then=Value(4)), default=Value(0)),
                closeness=CLOSENESS,
                # A cast, not a bare constant: PostgreSQL refuses ORDER BY a literal.
                rank=Cast(Value(0.0), FloatField()),
            )
        # Uncorrelated subqueries, which PostgreSQL runs once and hashes; a correlated EXISTS it
        # may run again for every match (on 100,000 occupations it did).
        texts = parsed.exact_texts
        upper = [text.upper() for text in texts]
        own_name = Q(name_zh__in=texts)
        for text in texts:
            # Without letters that have a case (训练师), iexact is exact: no UPPER() of every
            # match's English name.
            own_name |= Q(name_en__iexact=text) if text.lower() != text.upper() else Q(name_en=text)
        job_ad_kind = AlternateTitle.Kind.JOB_AD
        titles = "UPPER(title) = ANY(%s) AND kind <> %s"
        named = (
            Q(pk__in=_keys_of(AlternateTitle, titles, [upper, job_ad_kind]))
            | Q(
                pk__in=_keys_of(
                    JobType, "name_zh = ANY(%s) OR UPPER(name_en) = ANY(%s)", [list(texts), upper]
                )
            )
            # A curated search synonym names what people mean by the word, with its reason.
            | Q(pk__in=_keys_of(SearchSynonym, "UPPER(term) = ANY(%s)", [upper]))
        )
        # A title job ads use is one author's mapping: below the names the sources give.
        job_ad = Q(
            pk__in=_keys_of(
                AlternateTitle, "UPPER(title) = ANY(%s) AND kind = %s", [upper, job_ad_kind]
            )
        )
        whole_name = Q(pk__in=[])
        for run in parsed.cjk:
            whole_name |= Q(name_zh__contains=run)
        if parsed.words:
            whole_name |= Q(name_en__icontains=" ".join(parsed.words))
        if parsed.syllables:
            # Pinyin of the name's own, whatever the tones: gong ying lian in
            # gōng yìng liàn guǎn lǐ shī (供应链管理师), as 供应链 is in its name_zh.
            whole_name |= self.own_pinyin(parsed.syllables)
        return self.alias(
            exact=Case(
                When(own_name, then=Value(4)),
                When(named, then=Value(3)),
                When(job_ad, then=Value(2)),
                When(whole_name, then=Value(NAMED)),
                default=0,
            ),
            closeness=CLOSENESS,
            # Normalisation 1: divide by 1 + log(length), so long texts do not win by volume.
            rank=SearchRank(F("search_vector"), parsed.search, normalization=Value(1)),
        )

    def own_pinyin(self, syllables) -> Q:
        """Whether these toneless syllables are syllables of the name's pinyin, in a row."""
        return Q(
            Like(F("name_pinyin"), Value(pinyin_like(syllables))),
            name_pinyin__regex=pinyin_pattern(syllables),
        )

    def by_relevance(self):
        """Order a search() result: by tier of exactness; within a tier matched by a name (own
        name, job type, title, a name containing the query), shorter names first; below them
        by text rank; then by code (stable)."""
        return self.order_by(
            F("exact").desc(),
            Case(
                When(exact__gte=NAMED, then=F("closeness")),
                default=F("rank"),
                output_field=FloatField(),
            ).desc(),
            F("code").asc(nulls_last=True),
            "pk",
        )


# What with_standard_titles() reads of each standard, and the column that carries them.
STANDARD_TITLE_FIELDS = ["id", "key", "occupation_id", "title", "issued_on", "document_number"]
STANDARD_TITLES = "standard_titles_json"


@functools.cache
def _standard_titles(model) -> tuple[str, list, models.Field]:
    """RawSQL's arguments for the standards of each occupation (``model``'s rows) as an array
    of JSON objects, compiled once a process: built and compiled for every page, the subquery
    cost more than the prefetch it replaces."""
    standard = related_model(model, "skill_standards")
    rows = json_rows(
        standard.objects.filter(occupation=OuterRef("pk")),
        [F("issued_on").desc(nulls_last=True), "title", "pk"],
        json_fields(standard, STANDARD_TITLE_FIELDS),
    )
    return compiled(rows, model), [], rows.output_field


class WithStandardTitles(ModelIterable):
    """Occupations, each with the standards of its STANDARD_TITLES column in the place a
    prefetch of skill_standards would have put them."""

    def __iter__(self):
        standard = related_model(self.queryset.model, "skill_standards")
        db = self.queryset.db
        for occupation in super().__iter__():
            rows = occupation.__dict__.pop(STANDARD_TITLES, None)
            if rows is not None:
                made = [from_json(standard, row, db) for row in rows]
                for instance in made:
                    instance._state.fields_cache["occupation"] = occupation
                attached = standard.objects.all()
                attached._result_cache = made
                attached._prefetch_done = True
                cache = occupation.__dict__.setdefault("_prefetched_objects_cache", {})
                cache["skill_standards"] = attached
            yield occupation


class OccupationQuerySet(SearchableQuerySet):
    def for_list(self):
        """What a list row shows (the page and the API): names, code, flags, definitions, the
        minor group's names and the skill standards' titles, dates and document numbers,
        newest first, in one query."""
        return (
            self.select_related("minor_group")
            .with_standard_titles()
            .only(
                *ROW_FIELDS,
                "status",
                "minor_group_id",
                "definition_zh",
                "definition_en",
                "definition_en_origin",
                "definition_en_review",
                *(
                    f"minor_group__{name}"
                    for name in ["code", "name_zh", "name_en", "name_en_origin", "name_en_review"]
                ),
            )
        )

    def with_standard_titles(self):
        """An occupation's standards as lists and downloads show them (key, title, date and
        document number), newest first, as if prefetched: ``skill_standards.all()`` answers
        without a query. They come as JSON in the occupations' own query, made into instances
        as each occupation is read (WithStandardTitles): a prefetch's second query and its
        machinery took 2 ms of a page of 25."""
        clone = self.annotate(**{STANDARD_TITLES: RawSQL(*_standard_titles(self.model))})
        clone._iterable_class = WithStandardTitles
        return clone

    def count_per_major_group(self) -> dict:
        """How many of these occupations each major group has, by its code, and (under None)
        how many have no code; one pass over the status-and-code index."""
        return dict(
            self.order_by()
            .annotate(major=codes.prefix_expression("major"))
            .values("major")
            .annotate(n=Count("pk"))
            .values_list("major", "n")
        )

    def proposed(self):
        """Occupations proposed in a public consultation: not in the classification (and
        among the few uncoded rows, so this reads only those)."""
        return self.filter(code=None, kind=self.model.Kind.PROPOSED)

    def imported(self):
        """Occupations an import wrote, as opposed to the seed catalogue's."""
        return self.filter(imported_at__isnull=False)


class SearchRowQuerySet(SearchableQuerySet):
    """An occupation's narrow search rows (SearchRow): what the list's facets count."""

    occupation_path = "occupation__"

    def own_pinyin(self, syllables) -> Q:
        """As an occupation's, on the row's pinyin without its tones: a LIKE, where the
        occupation's tests a regular expression of every toned form of each letter."""
        words = Concat(Value(" "), F("pinyin_toneless"), Value(" "), output_field=CharField())
        return Q(Like(words, Value(f"% {' '.join(syllables)} %")))

    def matching(self, query):
        """As an occupation's, but a run of three Chinese characters is looked up as one word
        of the rows' trigrams, not checked as a phrase against each match's positions."""
        parsed = query if isinstance(query, ParsedQuery) else parse(query)
        if parsed.code_prefix or parsed.search is None:
            return super().matching(parsed)
        rows = self
        if parsed.trigram_search is not None:
            rows = rows.filter(trigrams=parsed.trigram_search)
        if parsed.other_search is not None:
            rows = rows.filter(search_vector=parsed.other_search)
        return rows


class RowsByKey:
    """An ordered queryset whose slices are taken in two steps: the slice's keys, sorted on the
    ordering alone, then the rows for those keys, put in the same order.

    Slicing a search's queryset directly makes PostgreSQL join and carry every column of every
    match through the sort, to keep 25; this sorts keys and joins 25 rows. The rows come from
    ``rows`` (the queryset itself unless given): a queryset with the same columns, joins and
    prefetches but none of the search's conditions and ranking, which then are neither
    compiled nor run a second time for 25 keys already chosen. A Paginator takes it as its
    object list (it slices, and the count comes from elsewhere).

    ``found`` is (start, keys): the keys of the slice that starts there, already found (by a
    search's facet pass, catalogue.facets), which that slice takes instead of asking again.
    ``queryset`` may then be a function that makes it, called only if another slice is asked.
    """

    def __init__(self, queryset, rows=None, found: tuple[int, list] | None = None):
        self._queryset = queryset
        self.rows = self.queryset if rows is None else rows
        self.found = found

    @cached_property
    def queryset(self):
        return self._queryset() if callable(self._queryset) else self._queryset

    def __getitem__(self, key: slice) -> list:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("RowsByKey takes slices without a step.")
        start = key.start or 0
        if key.stop is not None and key.stop <= start:
            # A page of an empty list (Paginator slices [0:0]): nothing to find, nor to rank.
            return []
        if self.found is not None and start == self.found[0] and key.stop is not None:
            keys = self.found[1][: key.stop - start]
        else:
            keys = list(self.queryset.values_list("pk", flat=True)[key])
        if not keys:
            return []
        found = {row.pk: row for row in self.rows.order_by().filter(pk__in=keys)}
        # A row deleted between the two queries is left out rather than failing the page.
        return [found[pk] for pk in keys if pk in found]

    def __iter__(self):
        return iter(self.queryset)


class SkillStandardQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Standards of occupations the user may see; staff see all, unmatched ones too."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.filter(occupation__status="published")

    def count_per_year(self, occupations) -> list[dict]:
        """Per year of issue (None last), how many of these standards there are ("n") and how
        many are matched to an occupation ("matched"), counting the unmatched ones and those
        of these occupations; one query."""
        return list(
            self.filter(Q(occupation__in=occupations) | Q(occupation__isnull=True))
            .annotate(year=ExtractYear("issued_on"))
            .values("year")
            .annotate(
                n=Count("pk"),
                matched=Count("pk", filter=Q(occupation__isnull=False)),
            )
            .order_by(F("year").asc(nulls_last=True))
        )


class AnnouncementQuerySet(models.QuerySet):
    def newest_first(self):
        """The batches, the latest first."""
        return self.order_by("-date", "-batch_number")

    def with_occupations(self, user):
        """Prefetch each batch's occupations that the user may see, in code order."""
        return self.prefetch_related(visible_occupations(self.model, user))

    def for_page(self, user):
        """What a batch's page and the API show: its data set and its occupations."""
        return self.select_related("source").with_occupations(user)

    def timeline(self, user):
        """The batches as the list page shows them: newest first, with their occupations."""
        return self.newest_first().with_occupations(user)

    def with_occupation_counts(self, occupations):
        """Each batch with .occupation_count: how many of these occupations it announced."""
        return self.annotate(
            occupation_count=Count("occupations", filter=Q(occupations__in=occupations))
        )

    def with_standard_coverage(self, occupations):
        """Each batch with how many of these occupations it announced (.total), and how many
        of them have a skill standard (.standardised), one with a weight table
        (.with_weights), one with level-by-level requirements (.with_levels)."""
        in_view = Q(occupations__in=occupations)

        def count(condition=None):
            where = in_view if condition is None else in_view & condition
            return Count("occupations", filter=where, distinct=True)

        standards = "occupations__skill_standards"
        return self.annotate(
            total=count(),
            standardised=count(Q(**{f"{standards}__isnull": False})),
            with_weights=count(Q(**{f"{standards}__levels__weights__isnull": False})),
            with_levels=count(Q(**{f"{standards}__levels__functions__isnull": False})),
        )


class MajorGroupQuerySet(models.QuerySet):
    def with_flag_counts(self, occupations):
        """Each group with how many of these occupations it has (.total), and how many of
        them are digital (.digital) and green (.green)."""
        path = "middle_groups__minor_groups__occupations"
        in_view = Q(**{f"{path}__in": occupations})
        return self.annotate(
            total=Count(path, filter=in_view),
            digital=Count(path, filter=in_view & Q(**{f"{path}__is_digital": True})),
            green=Count(path, filter=in_view & Q(**{f"{path}__is_green": True})),
        )


class SourceQuerySet(models.QuerySet):
    def with_quotes(self, user):
        """Prefetch each source's quotes in their order, with the occupations of each that
        the user may see."""
        quote = related_model(self.model, "quote_set")
        return self.prefetch_related(
            Prefetch(
                "quote_set", queryset=quote.objects.select_related("source").order_by("position")
            ),
            visible_occupations(self.model, user, "quote_set__occupations"),
        )

    def for_page(self, user):
        """What a source's page shows: its quotes and its figures, each with the occupations
        the user may see; five queries for the lot."""
        figure = related_model(self.model, "figure_set")
        return self.with_quotes(user).prefetch_related(
            Prefetch("figure_set", queryset=figure.objects.order_by("position")),
            visible_occupations(self.model, user, "figure_set__occupations"),
        )


class PassageQuerySet(models.QuerySet):
    """Quotes and figures: passages of a source."""

    def in_source_order(self):
        """By source, then as the source gives them (several figures can stand in one
        sentence, at one position: then as they were recorded), each with its source."""
        return self.select_related("source").order_by("source__key", "position", "pk")

    def for_list(self, user):
        """The API's list: in source order, with the occupations the user may see."""
        return self.in_source_order().prefetch_related(visible_occupations(self.model, user))


class FigureQuerySet(PassageQuerySet):
    def featured(self):
        """The figures the home page shows, in source order."""
        return self.filter(featured=True).in_source_order()
