"""The occupation list's filters and facets: one FilterSet for the page (and the API)."""

from collections.abc import Collection

import django_filters
from django.core.validators import RegexValidator, validate_slug
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from . import codes
from .codes import MAJOR_CODE_RE, MIDDLE_CODE_RE, MINOR_CODE_RE
from .languages import first_name, page_language
from .models import (
    Announcement,
    MajorGroup,
    MiddleGroup,
    MinorGroup,
    Occupation,
    SearchRow,
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
    five = [
        (str(n), first_name(zh, en))
        for n, (zh, en) in sorted(StandardLevel.LEVEL_NAMES.items(), reverse=True)
    ]
    three = [
        (f"T{n}", first_name(zh, f"{en} (of three levels)"))
        for n, (zh, en) in sorted(StandardLevel.TIER_NAMES.items())
    ]
    return five + three


def _code_choices(model):
    """Each group as (code, label, names): the label in the page's language (the API's is
    English), the names for pages to show both, with the English name's provenance."""

    def build():
        return [
            (
                code,
                f"{code} {first_name(zh, en)}",
                {"code": code, "name_zh": zh, "name_en": en, "origin": origin, "review": review},
            )
            for code, zh, en, origin, review in model.objects.order_by("code").values_list(
                "code", "name_zh", "name_en", "name_en_origin", "name_en_review"
            )
        ]

    def choices():
        # The same for every visitor in a language: built once a catalogue version.
        return memoised(f"choices:{model.__name__}:{page_language()}", build)

    return choices


def announcement_rows() -> list:
    """The batches in date order, read once a catalogue version (for choices and facets)."""
    return memoised("choices:Announcement", _announcement_rows)


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
        for announcement in announcement_rows():
            english = announcement.english_label
            choices.append(
                (
                    announcement.key,
                    first_name(announcement.label, english),
                    {"name_zh": announcement.label, "name_en": english},
                )
            )
        return choices

    return memoised(f"choices:Announcement:{page_language()}", build)


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

    def __init__(self, data=None, *args, search_rows=None, **kwargs):
        if data is not None and "q" in data:
            # What was typed is searched as well as it can be, never refused: control
            # characters (NUL included) and excess length are dropped here.
            data = data.copy()
            data["q"] = clean(data.get("q", ""))
        super().__init__(data, *args, **kwargs)
        self.parsed = parse((data or {}).get("q", ""))
        # The narrow search rows (SearchRow) of the same occupations as the queryset, which the
        # facets count: the same visibility, so every one unless told (as the queryset).
        self.search_rows = SearchRow.objects.all() if search_rows is None else search_rows

    # --- filters --------------------------------------------------------------------------

    def filter_q(self, queryset, name, value):
        if not self.parsed.text:
            return queryset
        return queryset.matching(self.parsed)

    def filter_code_prefix(self, queryset, name, value):
        return queryset.filter(self.row_condition(name, value))

    def filter_flag(self, queryset, name, value):
        return queryset.filter(self.row_condition(name, value))

    def filter_standard(self, queryset, name, value):
        if queryset.model is SearchRow:  # which keeps the answer
            return queryset.filter(self.row_condition(name, value))
        return queryset.filter(HAS_STANDARD if value == "yes" else ~HAS_STANDARD)

    def filter_level(self, queryset, name, value):
        if queryset.model is SearchRow:  # which keeps a bit for each level
            return queryset.filter(self.row_condition(name, value))
        return queryset.filter(has_level(value))

    def filter_sort(self, queryset, name, value):
        return queryset  # ordering is applied last, in qs

    @property
    def qs(self):
        return self.ordered(super().qs)

    def ordered(self, queryset):
        """The queryset (of occupations or of their search rows) in the list's sort order."""
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

    # --- for the facets (catalogue.facets) ----------------------------------------------

    def row_condition(self, name: str, value: str) -> Q:
        """A facet's filter as a condition on a search row (SearchRow), which the facets' pass
        also reads as a column: whether the row is in the list. The group and flag conditions
        hold for an occupation too."""
        if name in {"major", "middle", "minor"}:
            return codes.under(value)
        if name in self.FLAG_FIELDS:
            return Q(**{self.FLAG_FIELDS[name]: value == "yes"})
        if name == "standard":
            return Q(has_standard=value == "yes")
        if name == "level":
            bit = StandardLevel.level_bit(*StandardLevel.parse_key(value))
            return Q(GreaterThan(F("levels").bitand(1 << bit), 0))
        return Q(**{self.filters[name].field_name: value})

    def queryset_without(self, facets: Collection[str] = (), queryset=None):
        """The list as filtered by every valid filter but these facets' own (catalogue.facets):
        its occupations, or the rows of ``queryset`` (their search rows, say)."""
        queryset = (self.queryset if queryset is None else queryset).all()
        for name, value in self.cleaned_data.items():
            if name in facets or name == "sort" or value in (None, ""):
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by()
