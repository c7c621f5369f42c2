"""The occupation list's filters and facets: one FilterSet for the page (and the API)."""

import django_filters
from django.core.exceptions import EmptyResultSet
from django.core.validators import RegexValidator, validate_slug
from django.db import connection
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext_lazy as _

from .languages import chinese_page
from .models import (
    MAJOR_CODE_RE,
    MIDDLE_CODE_RE,
    MINOR_CODE_RE,
    Announcement,
    MajorGroup,
    MiddleGroup,
    MinorGroup,
    Occupation,
    SkillStandard,
    StandardLevel,
)
from .search.query import clean, parse
from .versioning import memoised

SORTS = [
    ("relevance", _("Relevance")),
    ("code", _("Code")),
    ("name", _("Name")),
    ("newest", _("Newest announcement")),
]
BOOLEAN_CHOICES = [("yes", _("yes")), ("no", _("no"))]


def level_choices():
    """Level 5 to level 1, then 初级 to 高级 (T1 to T3), named in the page's language."""
    chinese = chinese_page()
    five = [
        (str(n), zh if chinese else en)
        for n, (zh, en) in sorted(StandardLevel.LEVEL_NAMES.items(), reverse=True)
    ]
    three = [
        (f"T{n}", zh if chinese else f"{en} (of three levels)")
        for n, (zh, en) in sorted(StandardLevel.TIER_NAMES.items())
    ]
    return five + three


def _page_name(zh: str, en: str) -> str:
    """The name a label gives in the page's language: the English one on English pages when
    there is one, else the Chinese."""
    return en if en and not chinese_page() else zh


def _code_choices(model):
    """Each group as (code, label, names): the label in the page's language (the API's is
    English), the names for pages to show both, with the English name's provenance."""

    def build():
        return [
            (
                code,
                f"{code} {_page_name(zh, en)}",
                {"code": code, "name_zh": zh, "name_en": en, "origin": origin, "review": review},
            )
            for code, zh, en, origin, review in model.objects.order_by("code").values_list(
                "code", "name_zh", "name_en", "name_en_origin", "name_en_review"
            )
        ]

    def choices():
        # The same for every visitor in a language: built once a catalogue version.
        return memoised(f"choices:{model.__name__}:{_language()}", build)

    return choices


def _language() -> str:
    return "zh" if chinese_page() else "en"


def _announcement_rows() -> list:
    return list(
        Announcement.objects.order_by("date", "batch_number").only(
            "key", "label", "batch_number", "date", "date_precision", "status"
        )
    )


def _announcement_choices():
    """Each batch as (key, label, names): the ministry's Chinese label, and in English the
    batch's number and date (a description, not a translation)."""

    def build():
        choices = []
        for announcement in memoised("choices:Announcement", _announcement_rows):
            english = announcement.english_label
            choices.append(
                (
                    announcement.key,
                    _page_name(announcement.label, english),
                    {"name_zh": announcement.label, "name_en": english},
                )
            )
        return choices

    return memoised(f"choices:Announcement:{_language()}", build)


FACET_CHOICES = {
    "major": _code_choices(MajorGroup),
    "middle": _code_choices(MiddleGroup),
    "minor": _code_choices(MinorGroup),
    "announcement": _announcement_choices,
}
HAS_STANDARD = Exists(SkillStandard.objects.filter(occupation=OuterRef("pk")))
# The level facet's values: 5 to 1, then T1 to T3.
LEVELS = [str(n) for n in sorted(StandardLevel.LEVEL_NAMES, reverse=True)] + [
    f"T{n}" for n in sorted(StandardLevel.TIER_NAMES)
]


def has_level(key: str) -> Exists:
    """A standard of the occupation has this level (5 to 1, or T1 to T3)."""
    scheme, level = StandardLevel.parse_key(str(key))
    return Exists(
        StandardLevel.objects.filter(
            standard__occupation=OuterRef("pk"), scheme=scheme, level=level
        )
    )


# Built once, like HAS_STANDARD, rather than for every page that counts levels. (Lower-case
# names: the facet query refers to them unquoted.)
LEVEL_FLAGS = {f"level_{key.lower()}": has_level(key) for key in LEVELS}


class OccupationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    # A well-formed code that names no group matches nothing; a malformed one is an error.
    major = django_filters.CharFilter(
        label=_("Major group"),
        method="filter_code_prefix",
        validators=[RegexValidator(MAJOR_CODE_RE, _("Enter a major group code such as 4."))],
    )
    middle = django_filters.CharFilter(
        label=_("Middle group"),
        method="filter_code_prefix",
        validators=[RegexValidator(MIDDLE_CODE_RE, _("Enter a middle group code such as 4-04."))],
    )
    minor = django_filters.CharFilter(
        label=_("Minor group"),
        method="filter_code_prefix",
        validators=[RegexValidator(MINOR_CODE_RE, _("Enter a minor group code such as 4-04-05."))],
    )
    digital = django_filters.ChoiceFilter(
        label=_("Digital (S)"), choices=BOOLEAN_CHOICES, method="filter_flag"
    )
    green = django_filters.ChoiceFilter(
        label=_("Green (L)"), choices=BOOLEAN_CHOICES, method="filter_flag"
    )
    announcement = django_filters.CharFilter(
        label=_("Announcement"), field_name="announcement__key", validators=[validate_slug]
    )
    standard = django_filters.ChoiceFilter(
        label=_("Has a national skill standard"), choices=BOOLEAN_CHOICES, method="filter_standard"
    )
    level = django_filters.ChoiceFilter(
        label=_("Standard level available"), choices=level_choices, method="filter_level"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), choices=SORTS, method="filter_sort", empty_label=None
    )

    FLAG_FIELDS = {"digital": "is_digital", "green": "is_green"}
    # The facets shown beside the list, in order; each counts with every other filter applied.
    FACETS = ["major", "middle", "minor", "digital", "green", "announcement", "standard", "level"]

    class Meta:
        model = Occupation
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and "q" in data:
            # What was typed is searched as well as it can be, never refused: control
            # characters (NUL included) and excess length are dropped here.
            data = data.copy()
            data["q"] = clean(data.get("q", ""))
        super().__init__(data, *args, **kwargs)
        self.parsed = parse((data or {}).get("q", ""))

    # --- filters --------------------------------------------------------------------------

    def filter_q(self, queryset, name, value):
        if not self.parsed.text:
            return queryset
        return queryset.matching(self.parsed)

    def filter_code_prefix(self, queryset, name, value):
        return queryset.filter(code__startswith=f"{value}-")

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{self.FLAG_FIELDS[name]: value == "yes"})

    def filter_standard(self, queryset, name, value):
        return queryset.filter(HAS_STANDARD if value == "yes" else ~HAS_STANDARD)

    def filter_level(self, queryset, name, value):
        return queryset.filter(has_level(value))

    def filter_sort(self, queryset, name, value):
        return queryset  # ordering is applied last, in qs

    @property
    def qs(self):
        queryset = super().qs
        sort = self.sort_key
        if sort == "relevance" and self.parsed.text:
            return queryset.ranked(self.parsed).by_relevance()
        if sort == "name":
            return queryset.order_by("name_pinyin", "name_zh", "pk")
        if sort == "newest":
            return queryset.order_by(
                F("announcement__date").desc(nulls_last=True), F("code").asc(nulls_last=True), "pk"
            )
        return queryset.order_by(F("code").asc(nulls_last=True), "name_zh", "pk")

    @property
    def cleaned_data(self) -> dict:
        """The valid filter values; invalid ones are left out, and so ignored."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.form.cleaned_data

    @property
    def sort_key(self) -> str:
        return self.cleaned_data.get("sort") or ("relevance" if self.parsed.text else "code")

    # --- facets ---------------------------------------------------------------------------

    def _queryset_without(self, facet: str):
        """The list as filtered by every valid filter but this facet's own."""
        queryset = self.queryset.all()
        for name, value in self.cleaned_data.items():
            if name in {facet, "sort"} or value in (None, ""):
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by()

    def _choices(self, facet: str) -> list[tuple[str, str, dict]]:
        """Each option as (value, label, names); names are empty but for groups and batches."""
        if facet in FACET_CHOICES:
            return FACET_CHOICES[facet]()
        choices = self.filters[facet].extra["choices"]
        return [
            (value, label, {}) for value, label in (choices() if callable(choices) else choices)
        ]

    def facets(self) -> list[dict]:
        """For each facet shown, its options with counts for the query and the other filters.

        The facets whose filter is not in use all count over the filtered list, so they share
        one pass, a GROUPING SETS query that also gives the list's total (and the levels' counts,
        when no level is chosen); each facet in use needs a pass of its own, without its own
        filter. Middle groups show once a major group is chosen, minor groups once a middle one is.
        """
        active = {name: self.cleaned_data.get(name) or "" for name in self.FACETS}
        parents = {"middle": "major", "minor": "middle"}
        shown = [f for f in self.FACETS if not parents.get(f) or active[parents[f]]]
        grouped = [f for f in shown if f in GROUP_KEYS]
        idle = [f for f in grouped if not active[f]]
        level_idle = "level" in shown and not active["level"]
        counts, self.total = _grouped_counts(self._queryset_without(None), idle, level_idle)
        for facet in grouped:
            if active[facet]:
                counts[facet] = _grouped_counts(self._queryset_without(facet), [facet])[0][facet]
        if "level" in shown and active["level"]:
            counts["level"] = _grouped_counts(self._queryset_without("level"), [], True)[0]["level"]
        # Batches are counted by id, chosen by key (read once a version, with the choices).
        announcements = {
            str(a.pk): a.key for a in memoised("choices:Announcement", _announcement_rows)
        }
        counts["announcement"] = {
            announcements.get(pk, pk): n for pk, n in counts.get("announcement", {}).items()
        }
        facets = []
        for facet in shown:
            parent = parents.get(facet)
            options = [
                {
                    "value": value,
                    "label": label,
                    "count": counts[facet].get(value, 0),
                    "active": active[facet] == value,
                    **names,
                }
                for value, label, names in self._choices(facet)
                if (not parent or value.startswith(f"{active[parent]}-"))
                and (counts[facet].get(value) or active[facet] == value)
            ]
            facets.append(
                {
                    "name": facet,
                    "label": self.filters[facet].label,
                    "options": options,
                }
            )
        return facets


# Each facet's key, as SQL over the filtered rows (see _grouped_counts).
GROUP_KEYS = {
    "major": "LEFT(b.code, 1)",
    "middle": "LEFT(b.code, 4)",
    "minor": "LEFT(b.code, 7)",
    "digital": "CASE WHEN b.is_digital THEN 'yes' ELSE 'no' END",
    "green": "CASE WHEN b.is_green THEN 'yes' ELSE 'no' END",
    "announcement": "b.announcement_id::text",
    "standard": "CASE WHEN b.has_standard THEN 'yes' ELSE 'no' END",
}


def _grouped_counts(
    queryset, facets: list[str], levels: bool = False
) -> tuple[dict[str, dict[str, int]], int]:
    """Counts per key of each facet, and the total, in one pass over the filtered rows; with
    levels, also how many rows have each skill-standard level (under "level")."""
    # PostgreSQL runs each level's EXISTS once, as a hashed subplan (seen on 100,000 rows).
    level_flags = LEVEL_FLAGS if levels else {}
    base = queryset.order_by().annotate(has_standard=HAS_STANDARD, **level_flags)
    base = base.values(
        "code", "is_digital", "is_green", "announcement_id", "has_standard", *level_flags
    )
    counts: dict[str, dict[str, int]] = {f: {} for f in facets} | ({"level": {}} if levels else {})
    try:
        sql, params = base.query.sql_with_params()
    except EmptyResultSet:  # a query that can match nothing (only punctuation, say)
        return counts, 0
    keys = [GROUP_KEYS[f] for f in facets]
    columns = "".join(f"{key}, " for key in keys)
    sets = "".join(f"({key}), " for key in keys)
    grouping = f"GROUPING({', '.join(keys)})" if keys else "0"
    flag_counts = "".join(f", COUNT(*) FILTER (WHERE b.{flag})" for flag in level_flags)
    query = (
        f"SELECT {columns}{grouping} AS g, COUNT(*){flag_counts} FROM ({sql}) AS b "
        f"GROUP BY GROUPING SETS ({sets}())"
    )
    total = 0
    everything = (1 << len(keys)) - 1  # GROUPING sets a bit for each key not grouped by
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for row in cursor.fetchall():
            values, (g, n, *per_level) = row[: len(keys)], row[len(keys) :]
            if g == everything:
                total = n
                if levels:
                    counts["level"] = {lv: c for lv, c in zip(LEVELS, per_level, strict=True) if c}
                continue
            for i, facet in enumerate(facets):
                if not g & (1 << (len(keys) - 1 - i)) and values[i] is not None:
                    counts[facet][values[i]] = n
    return counts, total
