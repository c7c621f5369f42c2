"""Read logic: every query a view or the admin needs is a method here."""

from collections import defaultdict

from django.contrib.postgres.search import SearchRank
from django.db import models
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Substr, Upper
from django.utils.translation import gettext_lazy as _

from .languages import translation_label
from .search.query import ParsedQuery, parse

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


# The minor group and its parents, as an occupation reaches them.
GROUP_PATH = [
    "minor_group",
    "minor_group__middle_group",
    "minor_group__middle_group__major_group",
]


class OccupationQuerySet(models.QuerySet):
    def published(self):
        """Occupations the public may see."""
        return self.filter(status="published")

    def visible_to(self, user):
        """Published occupations, and drafts too for staff."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def for_list(self):
        """What a list row shows: names, code, flags and the group path in one query, and
        the skill standards' titles, dates and document numbers, newest first, in another."""
        return (
            self.select_related("minor_group__middle_group__major_group", "announcement")
            .prefetch_related(standards_for_list())
            .only(
                *ROW_FIELDS,
                "status",
                "definition_zh",
                "definition_en",
                "definition_en_origin",
                "definition_en_review",
                *(
                    f"{group}__{name}"
                    for group in GROUP_PATH
                    for name in ["code", "name_zh", "name_en", "name_en_origin", "name_en_review"]
                ),
                "announcement__key",
                "announcement__label",
                "announcement__date",
                "announcement__date_precision",
            )
        )

    def for_detail(self, user=None):
        """Everything the detail page shows, in a fixed number of queries."""
        from .models import AlternateTitle, Figure, JobType, OccupationTask, Quote, SkillStandard

        related = self.model.objects.all() if user is None else self.model.objects.visible_to(user)
        return self.select_related(
            "minor_group__middle_group__major_group", "announcement", "source", "definition_source"
        ).prefetch_related(
            Prefetch("tasks", queryset=OccupationTask.objects.select_related("source")),
            Prefetch("alternate_titles", queryset=AlternateTitle.objects.select_related("source")),
            Prefetch(
                "job_types", queryset=JobType.objects.select_related("source", "announcement")
            ),
            "search_synonyms",
            Prefetch("related", queryset=related.order_by("code", "name_zh")),
            Prefetch(
                "quotes",
                queryset=Quote.objects.select_related("source").order_by("source", "position"),
            ),
            Prefetch(
                "figures",
                queryset=Figure.objects.select_related("source").order_by("source", "position"),
            ),
            Prefetch(
                "skill_standards",
                queryset=SkillStandard.objects.select_related(
                    "source", "text_source", "weights_source"
                ),
            ),
        )

    def search(self, query):
        """Occupations matching the query, ready for by_relevance(): an exact code or own name
        first, then an exact job type or title, then an exact title used in job ads, then
        whole-name matches, then by weighted text rank. ``query`` is what was typed or a ParsedQuery; an empty query matches nothing.
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
        """The ranking of search() (aliases exact and rank) without its condition."""
        from .models import AlternateTitle, JobType, SearchSynonym

        parsed = query if isinstance(query, ParsedQuery) else parse(query)
        if parsed.code_prefix or parsed.search is None:
            return self.alias(
                exact=Case(When(code=parsed.code_prefix, then=Value(4)), default=Value(0)),
                # A cast, not a bare constant: PostgreSQL refuses ORDER BY a literal.
                rank=Cast(Value(0.0), FloatField()),
            )
        # Uncorrelated subqueries, which PostgreSQL runs once and hashes; a correlated EXISTS it
        # may run again for every match (on 100,000 occupations it did).
        texts = parsed.exact_texts
        upper = [text.upper() for text in texts]
        own_name = Q(name_zh__in=texts)
        for text in texts:
            own_name |= Q(name_en__iexact=text)
        titles = AlternateTitle.objects.alias(upper=Upper("title")).filter(upper__in=upper)
        job_types = JobType.objects.alias(upper=Upper("name_en")).filter(
            Q(name_zh__in=texts) | Q(upper__in=upper)
        )
        synonyms = SearchSynonym.objects.alias(upper=Upper("term")).filter(upper__in=upper)
        named = (
            Q(pk__in=titles.exclude(kind=AlternateTitle.Kind.JOB_AD).values("occupation_id"))
            | Q(pk__in=job_types.values("occupation_id"))
            # A curated search synonym names what people mean by the word, with its reason.
            | Q(pk__in=synonyms.values("occupation_id"))
        )
        # A title job ads use is one author's mapping: below the names the sources give.
        job_ad = Q(pk__in=titles.filter(kind=AlternateTitle.Kind.JOB_AD).values("occupation_id"))
        whole_name = Q(pk__in=[])
        for run in parsed.cjk:
            whole_name |= Q(name_zh__contains=run)
        if parsed.words:
            whole_name |= Q(name_en__icontains=" ".join(parsed.words))
        return self.alias(
            exact=Case(
                When(own_name, then=Value(4)),
                When(named, then=Value(3)),
                When(job_ad, then=Value(2)),
                When(whole_name, then=Value(1)),
                default=0,
            ),
            # Normalisation 1: divide by 1 + log(length), so long texts do not win by volume.
            rank=SearchRank(F("search_vector"), parsed.search, normalization=Value(1)),
        )

    def by_relevance(self):
        """Order a search() result: exact matches, then rank, then code (stable)."""
        return self.order_by(
            F("exact").desc(), F("rank").desc(), F("code").asc(nulls_last=True), "pk"
        )


def standards_for_list() -> Prefetch:
    """An occupation's standards as lists and downloads show them, newest first."""
    from .models import SkillStandard

    return Prefetch(
        "skill_standards",
        queryset=SkillStandard.objects.only(
            "key", "title", "issued_on", "document_number", "occupation_id"
        ),
    )


class RowsByKey:
    """An ordered queryset whose slices are taken in two steps: the slice's keys, sorted on the
    ordering alone, then the rows for those keys, in the same order.

    Slicing a search's queryset directly makes PostgreSQL join and carry every column of every
    match through the sort, to keep 25; this sorts keys and joins 25 rows. A Paginator takes
    it as its object list (it slices, and the count comes from elsewhere).
    """

    def __init__(self, queryset):
        self.queryset = queryset

    def __getitem__(self, key: slice) -> list:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("RowsByKey takes slices without a step.")
        keys = self.queryset.values("pk")[key]
        return list(self.queryset.filter(pk__in=keys))

    def __iter__(self):
        return iter(self.queryset)


def record_parts(occupation) -> dict:
    """The parts of a record that the page and the API show apart, from what for_detail()
    prefetched (no query): other titles, titles used in job ads, and the sources of the tasks
    and of the job-ad titles, each once; the data flags about its definition."""
    from .models import AlternateTitle, DataIssue

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


def attach_standard_outlines(occupation) -> None:
    """Attach its standards' levels, weights and outlines to an occupation from for_detail(),
    in five queries however many there are, none when it has no standard; and what the page
    shows of each (catalogue.standards.prepare_standard)."""
    from .standards import attach_outlines, prepare_standard

    standards = occupation.skill_standards.all()
    attach_outlines(standards)
    for standard in standards:
        prepare_standard(standard)


def classification_tree(user) -> tuple[list, int]:
    """The major groups, each with .middles, each with .minors, all with .occupation_count of
    the occupations the user may see; and how many of its occupations have no code. Four
    queries in all."""
    from .models import MajorGroup, MiddleGroup, MinorGroup, Occupation

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


def home_summary(user) -> dict:
    """What the home page shows from the database, for what the user may see: the major
    groups with their counts, the total, the latest announcements with theirs, the featured
    figures, and whether anything has been imported yet (seed_only); six queries."""
    from .models import Announcement, Figure, MajorGroup, Occupation

    visible = Occupation.objects.visible_to(user)
    # One pass over the occupations (the status-and-code index) counts each major group, by
    # the first character of the code, and, with the uncoded ones, the whole catalogue.
    per_major = dict(
        visible.order_by()
        .annotate(major=Substr("code", 1, 1))
        .values("major")
        .annotate(n=Count("pk"))
        .values_list("major", "n")
    )
    # Occupations proposed in a public consultation are not counted as occupations; they
    # are among the few uncoded rows, so this reads only those.
    proposed = visible.filter(code=None, kind=Occupation.Kind.PROPOSED).count()
    major_groups = list(MajorGroup.objects.order_by("code"))
    for group in major_groups:
        group.occupation_count = per_major.get(group.code, 0)
    announcements = Announcement.objects.annotate(
        occupation_count=Count("occupations", filter=Q(occupations__in=visible))
    ).order_by("-date", "-batch_number")[:5]
    figures = (
        Figure.objects.filter(featured=True)
        .select_related("source")
        .order_by("source__key", "position")[:4]
    )
    return {
        "major_groups": major_groups,
        "occupation_count": sum(per_major.values()) - proposed,
        "announcements": list(announcements),
        "figures": list(figures),
        # The hint on importing the reference data, until something has been imported.
        "seed_only": not Occupation.objects.filter(imported_at__isnull=False).exists(),
    }


AUTOCOMPLETE_LIMIT = 8


def autocomplete(user, parsed: ParsedQuery) -> list[dict]:
    """Up to eight suggestions for what is being typed, best first, in two queries; an
    alternate title that matches leads its occupation's label."""
    from .models import AlternateTitle, Occupation

    if not parsed.text:
        return []
    occupations = list(
        Occupation.objects.visible_to(user)
        .search(parsed)
        .by_relevance()
        .only("code", "slug", "name_zh", "name_en", "name_en_origin", "name_en_review")[
            :AUTOCOMPLETE_LIMIT
        ]
    )
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


def visible_occupations(user, lookup: str = "occupations") -> Prefetch:
    """Prefetch the occupations behind `lookup` that the user may see, in code order, with
    what a list of announcements, sources, quotes or figures shows of them."""
    from .models import Occupation

    # announcement_id too: a prefetch through the announcement matches rows on it.
    visible = Occupation.objects.visible_to(user).only(
        "code",
        "slug",
        "name_zh",
        "name_en",
        "name_en_origin",
        "name_en_review",
        "name_pinyin",
        "status",
        "announcement_id",
    )
    return Prefetch(lookup, queryset=visible.order_by("code", "name_zh"))


def translation_counts() -> list[dict]:
    """For each kind of text with English: how many records have it, by where it comes from
    and whether it is reviewed; one query per kind (seven in all)."""
    from .models import (
        JobType,
        MajorGroup,
        MiddleGroup,
        MinorGroup,
        Occupation,
        OccupationTask,
        ReviewStatus,
        TextOrigin,
    )

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
