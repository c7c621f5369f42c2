"""The catalogue's data: the national classification, new-occupation announcements,
skill standards, and the sources with their quotes and figures."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Now, Upper
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin
from simple_history.models import HistoricalRecords

from . import codes
from .addresses import address
from .codes import MAJOR_CODE_RE, MIDDLE_CODE_RE, MINOR_CODE_RE, OCCUPATION_CODE_RE
from .querysets import (
    AnnouncementQuerySet,
    FigureQuerySet,
    MajorGroupQuerySet,
    OccupationQuerySet,
    PassageQuerySet,
    SearchRowQuerySet,
    SkillStandardQuerySet,
    SourceQuerySet,
)


def _code_validator(pattern: str, example: str) -> RegexValidator:
    return RegexValidator(
        pattern, _("Enter a code of the form %(example)s.") % {"example": example}
    )


class URLField(models.URLField):
    """A URL field whose form reads a scheme-less address as https (Django 6's default)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


def format_date(value, precision: str) -> str:
    """A date shown no more precisely than the source gives it."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{value:%Y-%m}"
    return value.isoformat()


class DataIssue(models.TextChoices):
    """Known problems of imported data, shown to curators on the records concerned."""

    DRAFT_EDITION = "draft_edition", _("from the draft edition; may differ from the final book")
    QUESTIONABLE_CODE = "questionable_code", _("code to check against the printed edition")
    GARBLED_DEFINITION = "garbled_definition", _("definition garbled in the source")
    CORRECTED_IN_CONVERSION = "corrected", _("corrected when the data was converted")
    NO_CODE = "no_code", _("announced without a code in the classification")
    INCOMPLETE_BATCH = "incomplete_batch", _("batch list is missing names")
    UNVERIFIED_MAPPING = (
        "unverified_mapping",
        _("joined to its 2022 code by name only; the mapping is not verified"),
    )
    DEFINITION_CUT_SHORT = (
        "definition_cut",
        _("the draft's definition is cut short; the final edition's is shown"),
    )
    DEFINITION_LOST_DIGITS = (
        "definition_digits",
        _("the draft's definition lost its digits; the final edition's is shown"),
    )
    FINAL_EDITION_ONLY = (
        "final_only",
        _("in the final 2022 edition as one data set lists it, not in the draft"),
    )
    PROPOSED = "proposed", _("proposed in a public consultation; not part of the classification")
    DATES_DIFFER = "dates_differ", _("the sources give different dates")


class TextOrigin(models.TextChoices):
    """Where a piece of text comes from, shown beside it."""

    OFFICIAL = "official", _("official source")
    SOURCE_ARTICLE = "source_article", _("source article")
    CATALOGUE_TRANSLATION = "catalogue_translation", _("catalogue translation")
    CURATOR = "curator", _("curator")


class ReviewStatus(models.TextChoices):
    UNREVIEWED = "unreviewed", _("unreviewed")
    REVIEWED = "reviewed", _("reviewed")


def origin_field(verbose_name):
    return models.CharField(
        verbose_name,
        max_length=25,
        choices=TextOrigin.choices,
        blank=True,
        help_text=_("Where this text comes from; empty while there is no text."),
    )


def review_field(verbose_name):
    return models.CharField(
        verbose_name,
        max_length=12,
        choices=ReviewStatus.choices,
        default=ReviewStatus.UNREVIEWED,
    )


def english_provenance(record, text_field: str) -> dict:
    """The origin and review of a record's (or a dict's) English text, null without one."""

    def value(name):
        return record.get(name, "") if isinstance(record, dict) else getattr(record, name)

    present = bool(value(text_field))
    return {
        f"{text_field}_origin": (value(f"{text_field}_origin") or None) if present else None,
        f"{text_field}_review": (value(f"{text_field}_review") or None) if present else None,
    }


def data_issue_labels(issues) -> list[str]:
    return [DataIssue(issue).label for issue in issues if issue in DataIssue.values]


def data_issues_field():
    return ArrayField(
        models.CharField(max_length=20, choices=DataIssue.choices),
        default=list,
        blank=True,
        help_text=_("Known problems of the imported data."),
    )


def curated_fields_field():
    return ArrayField(
        models.CharField(max_length=40),
        default=list,
        blank=True,
        help_text=_(
            "Import-owned fields a curator has changed; imports leave them as the curator set them."
        ),
    )


class TimeStamped(models.Model):
    # db_default covers raw saves (fixtures), which skip auto_now.
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        abstract = True


class Revisioned(models.Model):
    """A record curators edit: every save raises its revision, and the admin refuses a save made
    from a form opened at an older one (catalogue.admin). Bulk writes raise it themselves."""

    revision = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_("Raised by every save; an edit made from an older revision is refused."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self.revision += 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "revision"}
        super().save(*args, **kwargs)


# --- Sources ---------------------------------------------------------------------------------


class SourceManager(models.Manager.from_queryset(SourceQuerySet)):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class Source(TimeStamped, Revisioned):
    """A document the catalogue cites: an article, an announcement, a standard, a data set."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("news article")
        ANNOUNCEMENT = "announcement", _("official announcement")
        STANDARD = "standard", _("skill standard")
        DATASET = "dataset", _("data set")
        OTHER = "other", _("other")

    key = models.SlugField(
        max_length=100, unique=True, help_text=_("Stable identifier used in URLs and fixtures.")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(null=True, blank=True)
    url = URLField(max_length=1000, blank=True)
    language = models.CharField(
        max_length=10, default="en", help_text=_("BCP 47 tag of the text, e.g. en or zh-Hans.")
    )
    archived_text = models.TextField(
        blank=True, help_text=_("The full text as we hold it, verbatim, defects included.")
    )
    notes = models.TextField(
        blank=True, help_text=_("What is known about the source and its defects.")
    )
    history = HistoricalRecords()

    objects = SourceManager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return address("catalogue:source-detail", self.key)

    def natural_key(self):
        return (self.key,)


# --- Classification --------------------------------------------------------------------------


class GroupManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


def _group_constraints(name: str, pattern: str, parent: str = "") -> list:
    """The code has its level's form and, below the top, repeats its parent's: 4-04 is in 4."""
    constraints = [
        models.CheckConstraint(
            condition=Q(code__regex=pattern),
            name=f"{name}_code_format",
            violation_error_message=_("The code does not have this level's form."),
        )
    ]
    if parent:
        constraints.append(
            models.CheckConstraint(
                condition=codes.under(F(parent)),
                name=f"{name}_code_in_parent",
                violation_error_message=_("The code must begin with its parent group's code."),
            )
        )
    return constraints


class ClassificationGroup(TimeStamped, Revisioned):
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    name_en_origin = origin_field(_("origin of the English name"))
    name_en_review = review_field(_("review of the English name"))
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    curated_fields = curated_fields_field()
    objects = GroupManager()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name_zh}"

    def natural_key(self):
        return (self.code,)


class MajorGroup(ClassificationGroup):
    """大类, e.g. 4 社会生产服务和生活服务人员."""

    code = models.CharField(
        max_length=1, unique=True, validators=[_code_validator(MAJOR_CODE_RE, "4")]
    )
    history = HistoricalRecords()

    objects = GroupManager.from_queryset(MajorGroupQuerySet)()

    class Meta(ClassificationGroup.Meta):
        verbose_name = _("major group")
        constraints = _group_constraints("major_group", MAJOR_CODE_RE)


class MiddleGroup(ClassificationGroup):
    """中类, e.g. 4-04."""

    code = models.CharField(
        max_length=4, unique=True, validators=[_code_validator(MIDDLE_CODE_RE, "4-04")]
    )
    major_group = models.ForeignKey(
        MajorGroup, to_field="code", on_delete=models.PROTECT, related_name="middle_groups"
    )
    history = HistoricalRecords()

    class Meta(ClassificationGroup.Meta):
        verbose_name = _("middle group")
        constraints = _group_constraints("middle_group", MIDDLE_CODE_RE, parent="major_group")


class MinorGroup(ClassificationGroup):
    """小类, e.g. 4-04-05."""

    code = models.CharField(
        max_length=7, unique=True, validators=[_code_validator(MINOR_CODE_RE, "4-04-05")]
    )
    middle_group = models.ForeignKey(
        MiddleGroup, to_field="code", on_delete=models.PROTECT, related_name="minor_groups"
    )
    history = HistoricalRecords()

    class Meta(ClassificationGroup.Meta):
        verbose_name = _("minor group")
        constraints = _group_constraints("minor_group", MINOR_CODE_RE, parent="middle_group")

    @property
    def path(self) -> list[ClassificationGroup]:
        """Major, middle and minor group, top down (select_related them to avoid queries)."""
        return [self.middle_group.major_group, self.middle_group, self]


# --- Announcements ---------------------------------------------------------------------------


class AnnouncementManager(models.Manager.from_queryset(AnnouncementQuerySet)):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class Announcement(TimeStamped, Revisioned):
    """A batch of new occupations announced by the Ministry of Human Resources and Social
    Security (MOHRSS)."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("published")
        PUBLIC_CONSULTATION = "consultation", _("under public consultation")

    key = models.SlugField(max_length=100, unique=True)
    batch_number = models.PositiveSmallIntegerField(
        null=True, blank=True, unique=True, help_text=_("1 for the first batch (2019), and so on.")
    )
    label = models.CharField(max_length=200, help_text=_("e.g. 第二批 16个新职业"))
    title = models.CharField(max_length=500, blank=True)
    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    issuing_body = models.CharField(max_length=300, blank=True)
    document_number = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("The document number (文号) as the source gives it; empty unless sourced."),
    )
    document_in_source = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("How the source names the document where it gives no document number."),
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PUBLISHED, db_default="published"
    )
    official_url = URLField(
        max_length=1000, blank=True, help_text=_("The notice as the source gives its address.")
    )
    comment_url = URLField(
        max_length=1000,
        blank=True,
        help_text=_("The public-consultation notice or a report of it, as the source gives it."),
    )
    comment_start = models.DateField(_("public consultation from"), null=True, blank=True)
    comment_end = models.DateField(_("public consultation until"), null=True, blank=True)
    date_source = models.TextField(
        blank=True, help_text=_("The source of the date shown, and how it verifies it.")
    )
    other_date = models.DateField(
        null=True, blank=True, help_text=_("The date another source gives, where it differs.")
    )
    other_date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    other_date_source = models.TextField(blank=True, help_text=_("The source of the other date."))
    occupations_listed = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("How many occupations the source says were listed.")
    )
    job_types_listed = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("How many job types (工种) the source says were listed.")
    )
    source = models.ForeignKey(
        "Source",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The data set the document number, status, addresses and dates come from."),
    )
    source_urls = ArrayField(URLField(max_length=1000), default=list, blank=True)
    source_note = models.TextField(
        blank=True, help_text=_("Where the batch list comes from, as the imported data says.")
    )
    data_issues = data_issues_field()
    curated_fields = curated_fields_field()
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = AnnouncementManager()

    class Meta:
        ordering = ["date", "batch_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(batch_number__isnull=True) | Q(batch_number__gte=1),
                name="announcement_batch_number_positive",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["published", "consultation"]),
                name="announcement_status_valid",
            ),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return address("catalogue:announcement-detail", self.key)

    def natural_key(self):
        return (self.key,)

    @property
    def date_display(self) -> str:
        return format_date(self.date, self.date_precision)

    @property
    def other_date_display(self) -> str:
        return format_date(self.other_date, self.other_date_precision)

    @property
    def english_label(self) -> str:
        """The batch in English from its number, date and status: a description of the
        record, not a translation of its Chinese label. Empty without a batch number."""
        if self.batch_number is None:
            return ""
        label = f"Batch {self.batch_number}"
        if self.date_display:
            label += f", {self.date_display}"
        if self.status == self.Status.PUBLIC_CONSULTATION:
            label += " (under public consultation)"
        return label

    def get_data_issues_display(self) -> list[str]:
        return data_issue_labels(self.data_issues)


# --- Occupations -----------------------------------------------------------------------------


class OccupationManager(models.Manager.from_queryset(OccupationQuerySet)):
    def get_by_natural_key(self, code, slug):
        # The classification code is the key wherever there is one, so a fixture and an
        # import of the same occupation meet on the same row; uncoded ones meet on the slug.
        if code:
            return self.get(code=code)
        return self.get(slug=slug)


class OccupationChildManager(models.Manager):
    """Rows identified by their occupation's natural key plus one field of their own."""

    key_field = ""

    def get_by_natural_key(self, code, slug, value):
        occupation = Occupation.objects.get_by_natural_key(code, slug)
        return self.get(occupation=occupation, **{self.key_field: value})


class AlternateTitleManager(OccupationChildManager):
    key_field = "title"


class JobTypeManager(OccupationChildManager):
    key_field = "name_zh"


class Occupation(TimeStamped, Revisioned):
    """An occupation (职业) of the national classification, one announced before it had a
    code, or a job role or form of employment that a source names."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    class Kind(models.TextChoices):
        OCCUPATION = "occupation", _("occupation (职业)")
        ROLE = "role", _("job role named in a source, not in the classification")
        EMPLOYMENT_FORM = "form", _("new form of employment (新就业形态)")
        PROPOSED = "proposed", _("proposed occupation, under public consultation; no code")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OCCUPATION)
    code = models.CharField(
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        validators=[_code_validator(OCCUPATION_CODE_RE, "4-04-05-05")],
        help_text=_("Empty while an announced occupation has no code."),
    )
    minor_group = models.ForeignKey(
        MinorGroup,
        to_field="code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="occupations",
    )
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_zh_origin = origin_field(_("origin of the Chinese name"))
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    name_en_origin = origin_field(_("origin of the English name"))
    name_en_review = review_field(_("review of the English name"))
    name_pinyin = models.CharField(
        _("pinyin"),
        max_length=400,
        blank=True,
        editable=False,
        help_text=_("From the Chinese name."),
    )
    slug = models.SlugField(max_length=120, unique=True)
    definition_zh = models.TextField(_("Chinese definition"), blank=True)
    definition_source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Where the Chinese definition comes from when not from the record's source "
            "(e.g. the final edition)."
        ),
    )
    definition_en = models.TextField(_("English definition"), blank=True)
    definition_en_origin = origin_field(_("origin of the English definition"))
    definition_en_review = review_field(_("review of the English definition"))
    is_digital = models.BooleanField(_("digital (S)"), default=False)
    is_green = models.BooleanField(_("green (L)"), default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    announcement = models.ForeignKey(
        Announcement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="occupations",
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="occupations",
        help_text=_("Where the code, name and definition come from."),
    )
    source_page = models.PositiveIntegerField(null=True, blank=True)
    record_origin = models.CharField(
        max_length=40,
        blank=True,
        help_text=_("The imported data's record origin, e.g. 2022_draft."),
    )
    origin_file = models.CharField(
        max_length=200, blank=True, help_text=_("The file the record was last imported from.")
    )
    source_notes = models.TextField(
        blank=True, help_text=_("Notes the imported data carries for this record.")
    )
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    data_issues = data_issues_field()
    curated_fields = curated_fields_field()
    related = models.ManyToManyField("self", blank=True)

    # The search document: text from this row and related rows, prepared by
    # catalogue.search.documents (CJK bigrams, pinyin) and weighted A (names, job types) >
    # B (other titles) > C (definitions, titles used in job ads) > D (tasks, skill
    # requirements, quotes).
    search_en_a = models.TextField(blank=True, editable=False)
    search_en_b = models.TextField(blank=True, editable=False)
    search_en_c = models.TextField(blank=True, editable=False)
    search_en_d = models.TextField(blank=True, editable=False)
    search_zh_a = models.TextField(blank=True, editable=False)
    search_zh_b = models.TextField(blank=True, editable=False)
    search_zh_c = models.TextField(blank=True, editable=False)
    search_zh_d = models.TextField(blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=(
            SearchVector("search_en_a", config="english", weight="A")
            + SearchVector("search_zh_a", config="simple", weight="A")
            + SearchVector("search_en_b", config="english", weight="B")
            + SearchVector("search_zh_b", config="simple", weight="B")
            + SearchVector("search_en_c", config="english", weight="C")
            + SearchVector("search_zh_c", config="simple", weight="C")
            + SearchVector("search_en_d", config="english", weight="D")
            + SearchVector("search_zh_d", config="simple", weight="D")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    needs_review = models.BooleanField(
        default=False, help_text=_("Something about this record needs a curator's attention.")
    )
    curation_notes = models.TextField(
        blank=True, help_text=_("What a curator should know or check; shown to staff.")
    )
    history = HistoricalRecords(m2m_fields=[related])

    objects = OccupationManager()

    class Meta:
        ordering = [F("code").asc(nulls_last=True), "name_zh"]
        indexes = [
            # Covering: the browse page's facet counts and the home page's per-group counts read
            # this index alone (an index-only scan), not the wide rows with their search text.
            models.Index(
                fields=["status", "code"],
                include=["is_digital", "is_green", "announcement", "id"],
                name="occupation_status_code",
            ),
            # The same, for a code prefix (a major or middle group, a code typed as a search):
            # LIKE '2-%' can bound a B-tree scan only with the pattern operator class, where
            # the collation is not C; with the index above it filters all 100,000 entries.
            models.Index(
                fields=["status", "code"],
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                include=["is_digital", "is_green", "announcement", "id"],
                name="occupation_status_code_prefix",
            ),
            # fastupdate off: a read-mostly catalogue; a long pending list would make the planner
            # cost the index too high and scan instead. (Code prefixes use the unique code's
            # own varchar_pattern_ops index that Django adds.)
            GinIndex(fields=["search_vector"], name="occupation_search_gin", fastupdate=False),
            models.Index(fields=["name_zh"], name="occupation_name_zh"),
            models.Index(Lower("name_en"), name="occupation_name_en_lower"),
            models.Index(fields=["announcement", "code"], name="occupation_announcement"),
            # "Has anything been imported yet?" on the home page, without reading every row.
            models.Index(
                fields=["imported_at"],
                condition=Q(imported_at__isnull=False),
                name="occupation_imported",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__isnull=True) | Q(code__regex=OCCUPATION_CODE_RE),
                name="occupation_code_format",
                violation_error_message=_("Enter a code of the form 4-04-05-05."),
            ),
            # A coded occupation sits in the minor group its code names.
            models.CheckConstraint(
                condition=Q(code__isnull=True) | codes.under(F("minor_group")),
                name="occupation_code_in_minor_group",
                violation_error_message=_("The code must begin with its minor group's code."),
            ),
            models.CheckConstraint(
                condition=Q(code__isnull=True) | Q(kind="occupation"),
                name="occupation_only_occupations_coded",
                violation_error_message=_("Only an occupation of the classification has a code."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["occupation", "role", "form", "proposed"]),
                name="occupation_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(slug__regex=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
                name="occupation_slug_ascii",
            ),
            models.CheckConstraint(condition=~Q(name_zh=""), name="occupation_name_zh_required"),
        ]

    def __str__(self):
        if self.name_en:
            return f"{self.name_zh} ({self.name_en})"
        return self.name_zh

    def save(self, *args, **kwargs):
        self.refresh_derived_fields()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "code", "name_pinyin"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return address("catalogue:occupation-detail", self.slug)

    def natural_key(self):
        return (self.code, self.slug)

    def refresh_derived_fields(self) -> None:
        """Fields computed from others; bulk writes that skip save() call this themselves."""
        # An empty code is "no code", which the unique constraint must not see as a value.
        if not self.code:
            self.code = None
        self.name_pinyin = " ".join(lazy_pinyin(self.name_zh, style=Style.TONE, errors="ignore"))

    def get_data_issues_display(self) -> list[str]:
        return data_issue_labels(self.data_issues)


class SearchRow(models.Model):
    """What a list of occupations counts and searches of each occupation, and nothing more: a
    narrow copy of its status, code, flags, batch, names and search document, with whether it
    has a skill standard and which levels its standards have (``levels``: one bit per level
    key, StandardLevel.level_bit).

    An occupation's own row is wide (definitions and the texts its search document is built
    from): on 100,000 occupations 241 MB, where these rows are 21 MB. The facets' pass reads
    one of these for every match, and the levels' counts become sums of bits instead of a join
    through every matching occupation's standards and their levels.

    Kept by PostgreSQL itself, whatever writes the occupations, standards or levels (the admin,
    imports, fixtures, SQL): triggers of migration 0018 copy an occupation's columns when it is
    written (and, since 0019, its trigrams) and delete its row with it, and set has_standard
    and levels when standards or levels change. Never written from Python."""

    occupation = models.OneToOneField(
        Occupation, primary_key=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    status = models.CharField(max_length=10)
    code = models.CharField(max_length=10, null=True)  # noqa: DJ001 (a copy of Occupation.code)
    is_digital = models.BooleanField()
    is_green = models.BooleanField()
    announcement = models.ForeignKey(
        Announcement, null=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    name_zh = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    name_pinyin = models.CharField(max_length=400)
    # name_pinyin without its tone marks (gong ying lian), written by the trigger of migration
    # 0021: whether typed pinyin is a name's own is a LIKE on it, not a regular expression.
    pinyin_toneless = models.CharField(max_length=400)
    has_standard = models.BooleanField(default=False)
    levels = models.SmallIntegerField(default=0)
    search_vector = SearchVectorField()
    # Every run of three Chinese characters in the search document, as one word without
    # positions: a search for three characters (训练师, 供应链) looks up that word here instead of
    # checking a phrase of two bigrams against each match's positions, read from TOAST.
    trigrams = SearchVectorField()

    objects = SearchRowQuerySet.as_manager()

    class Meta:
        indexes = [
            GinIndex(fields=["search_vector"], name="search_row_gin", fastupdate=False),
            GinIndex(fields=["trigrams"], name="search_row_trigrams", fastupdate=False),
            # A list without a text search counts its facets from this index alone.
            models.Index(
                fields=["status", "code"],
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                include=["is_digital", "is_green", "announcement", "has_standard", "levels"],
                name="search_row_status_code",
            ),
        ]

    def __str__(self):
        return f"search row of occupation {self.pk}"


class OccupationTask(Revisioned):
    """One of an occupation's main tasks (主要工作任务), in the order of its source."""

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField(default=0)
    text_zh = models.TextField(blank=True)
    text_en = models.TextField(blank=True)
    text_en_origin = origin_field(_("origin of the English text"))
    text_en_review = review_field(_("review of the English text"))
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_record = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("The record's number in the source's data file.")
    )
    note = models.TextField(
        blank=True, help_text=_("Known problems of this task's text in the source; shown.")
    )
    curated_fields = curated_fields_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["occupation", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text_zh="") | ~Q(text_en=""), name="task_has_text"),
            models.UniqueConstraint(fields=["occupation", "position"], name="task_unique_position"),
        ]

    def __str__(self):
        return self.text_zh or self.text_en


class AlternateTitle(Revisioned):
    """Another name an occupation is known by (e.g. the title used in a news article)."""

    class Kind(models.TextChoices):
        # In the order they rank: a job-ad title is one author's mapping, not a name.
        CURATED = "curated", _("title added by a curator")
        SOURCE_ARTICLE = "source_article", _("title used in a source article")
        JOB_AD = "job_ad", _("title used in job ads")

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="alternate_titles"
    )
    title = models.CharField(max_length=200)
    language = models.CharField(max_length=10, default="en")
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.CURATED, db_default="curated"
    )
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT)
    source_record = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("The record's number in the source's data file.")
    )
    note = models.TextField(blank=True, help_text=_("Known problems of this title; shown."))
    curated_fields = curated_fields_field()
    history = HistoricalRecords()

    objects = AlternateTitleManager()

    class Meta:
        ordering = ["occupation", "title"]
        # Search's exact-title match (title__iexact compares UPPER()s).
        indexes = [models.Index(Upper("title"), name="alternate_title_upper")]
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "title"], name="alternate_title_unique_per_occupation"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["curated", "source_article", "job_ad"]),
                name="alternate_title_kind_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.occupation.natural_key(), self.title)

    natural_key.dependencies = ["catalogue.occupation"]


class JobType(Revisioned):
    """A job type (工种) within an occupation, e.g. 数据标注员 within 人工智能训练师."""

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="job_types")
    position = models.PositiveSmallIntegerField(default=0)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    name_en_origin = origin_field(_("origin of the English name"))
    name_en_review = review_field(_("review of the English name"))
    code_in_source = models.CharField(
        max_length=20, blank=True, help_text=_("The occupation code the source gives with it.")
    )
    announcement = models.ForeignKey(
        Announcement, null=True, blank=True, on_delete=models.SET_NULL, related_name="job_types"
    )
    announced_in = models.CharField(
        max_length=300, blank=True, help_text=_("The announcement as the source names it.")
    )
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT)
    note = models.TextField(blank=True, help_text=_("What the source says of it; shown."))
    curated_fields = curated_fields_field()
    history = HistoricalRecords()

    objects = JobTypeManager()

    class Meta:
        ordering = ["occupation", "position", "id"]
        # Search's exact job-type match (name_zh, or name_en compared as UPPER()s): without
        # them every text search read every job type (200,000 of them: 130 ms, twice a page).
        indexes = [
            models.Index(fields=["name_zh"], name="job_type_name_zh"),
            models.Index(Upper("name_en"), name="job_type_upper_name_en"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "name_zh"], name="job_type_unique_per_occupation"
            ),
        ]

    def __str__(self):
        return f"{self.name_zh} ({self.name_en})" if self.name_en else self.name_zh

    def natural_key(self):
        return (*self.occupation.natural_key(), self.name_zh)

    natural_key.dependencies = ["catalogue.occupation"]


# --- Skill standards -------------------------------------------------------------------------


class SkillStandardManager(models.Manager.from_queryset(SkillStandardQuerySet)):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class SkillStandard(TimeStamped):
    """A national vocational skill standard (国家职业技能标准): one entry of OSTA's list of
    standards, or one a curator records, with the occupation it is matched to (if any).

    An occupation may have several (editions, job types); nothing here says that one replaces
    another, since no source in the catalogue says so.
    """

    class Match(models.TextChoices):
        EXACT = "exact", _("exact name")
        WITHOUT_FLAGS = "without_flags", _("exact name after removing S/L flag letters")
        WITHOUT_JOB_TYPE = (
            "without_job_type",
            _("name after removing a parenthesised job-type (工种) qualifier"),
        )
        WITHOUT_TRIAL = "without_trial", _("name after removing （试行）")
        CURATOR = "curator", _("linked by a curator")
        UNMATCHED = "unmatched", _("unmatched")

    key = models.SlugField(
        max_length=100,
        unique=True,
        blank=True,
        help_text=_("Stable identifier; osta-<id> for OSTA's list. Left empty, it is made up."),
    )
    occupation = models.ForeignKey(
        Occupation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="skill_standards",
        help_text=_("Empty while the standard is matched to no occupation of the catalogue."),
    )
    title = models.CharField(
        max_length=300, help_text=_("The standard's name as its list gives it, flags included.")
    )
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    osta_id = models.PositiveIntegerField(
        _("OSTA id"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("The record's id in OSTA's list of national vocational skill standards."),
    )
    code_in_standard = models.CharField(
        max_length=40,
        blank=True,
        help_text=_("The occupation code printed in the standard; older ones use older codes."),
    )
    issued_on = models.DateField(null=True, blank=True)
    document_number = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("The document number (文号), verbatim as the list gives it."),
    )
    edition = models.CharField(max_length=50, blank=True, help_text=_("e.g. 2021年版"))
    issuing_body = models.CharField(max_length=300, blank=True)
    match_method = models.CharField(
        max_length=20,
        choices=Match.choices,
        blank=True,
        help_text=_(
            "How the standard was matched to its occupation; empty if a curator entered it."
        ),
    )
    unmatched_reason = models.TextField(
        blank=True, help_text=_("Why no occupation of the catalogue is linked.")
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Where the facts above are cited from."),
    )
    source_reference = models.CharField(
        max_length=500, blank=True, help_text=_("The record within that source, as it names it.")
    )
    text_source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The document the level-by-level content is taken from."),
    )
    weights_source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where the weight tables are taken from."),
    )
    weights_file = models.CharField(
        max_length=300, blank=True, help_text=_("The standard's PDF the weights were parsed from.")
    )
    missing = models.TextField(
        blank=True,
        help_text=_("What this record still lacks (number, date, level-by-level text)."),
    )
    curated_fields = curated_fields_field()
    history = HistoricalRecords()

    objects = SkillStandardManager()

    class Meta:
        ordering = ["occupation", F("issued_on").desc(nulls_last=True), "title", "id"]
        indexes = [
            # Insights count standards per year of issue.
            models.Index(fields=["issued_on"], name="skill_standard_issued"),
            models.Index(fields=["match_method"], name="skill_standard_match"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    match_method__in=[
                        "",
                        "exact",
                        "without_flags",
                        "without_job_type",
                        "without_trial",
                        "curator",
                        "unmatched",
                    ]
                ),
                name="skill_standard_match_valid",
            ),
            # Linked by a curator or matched by name, it has an occupation; unmatched, none.
            models.CheckConstraint(
                condition=~Q(match_method="unmatched") | Q(occupation__isnull=True),
                name="skill_standard_unmatched_unlinked",
                violation_error_message=_(
                    "An unmatched standard has no occupation; link it as a curator instead."
                ),
            ),
        ]

    def __str__(self):
        year = f" ({self.issued_on:%Y})" if self.issued_on else ""
        return f"{self.title}{year}"

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = self.default_key()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return address("catalogue:standard-compare", self.key)

    def default_key(self) -> str:
        if self.osta_id:
            return f"osta-{self.osta_id}"
        base = "-".join(lazy_pinyin(self.title, errors="ignore")).lower()
        base = "".join(c if c.isalnum() else "-" for c in base).strip("-")[:80] or "standard"
        key, n = base, 2
        while SkillStandard.objects.filter(key=key).exclude(pk=self.pk).exists():
            key, n = f"{base}-{n}", n + 1
        return key

    def natural_key(self):
        return (self.key,)

    @property
    def code_differs(self) -> bool | None:
        """Whether the code printed in the standard is not its occupation's 2022 code."""
        if not self.code_in_standard or self.occupation is None or not self.occupation.code:
            return None
        return self.code_in_standard != self.occupation.code


class StandardLevel(models.Model):
    """One level of a standard: five-level standards go from 五级/初级工 (5) to 一级/高级技师 (1);
    some standards, or some of a standard's tables, have three: 初级, 中级, 高级 (T1 to T3)."""

    class Scheme(models.TextChoices):
        FIVE = "L", _("five levels (五级 to 一级)")
        THREE = "T", _("three levels (初级, 中级, 高级)")

    class Content(models.TextChoices):
        EXTRACTED = (
            "extracted",
            _("extracted from the standard's PDF by a parser; not yet checked against it"),
        )
        EDITED = "edited", _("extracted by a parser, then edited by a curator")
        PASTED = "pasted", _("pasted from the standard's PDF by a curator")
        CHECKED = "checked", _("checked against the standard's PDF by a curator")

    LEVEL_NAMES = {
        5: ("五级/初级工", "Level 5 / Junior worker"),
        4: ("四级/中级工", "Level 4 / Intermediate worker"),
        3: ("三级/高级工", "Level 3 / Senior worker"),
        2: ("二级/技师", "Level 2 / Technician"),
        1: ("一级/高级技师", "Level 1 / Senior technician"),
    }
    TIER_NAMES = {
        1: ("初级", "Junior"),
        2: ("中级", "Intermediate"),
        3: ("高级", "Senior"),
    }

    standard = models.ForeignKey(SkillStandard, on_delete=models.CASCADE, related_name="levels")
    scheme = models.CharField(max_length=1, choices=Scheme.choices, default=Scheme.FIVE)
    level = models.PositiveSmallIntegerField(
        help_text=_(
            "Five levels: 5 (五级/初级工) to 1 (一级/高级技师). Three: 1 (初级) to 3 (高级)."
        )
    )
    # Lowest level first whatever the scheme: 五级 and 初级 are 1, 一级 is 5, 高级 is 3.
    rank = models.GeneratedField(
        expression=models.Case(
            models.When(
                scheme="L",
                then=models.ExpressionWrapper(
                    models.Value(6) - F("level"), output_field=models.PositiveSmallIntegerField()
                ),
            ),
            default=F("level"),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    content_status = models.CharField(
        max_length=10,
        choices=Content.choices,
        blank=True,
        help_text=_("Where the level's functions, work contents and requirements come from."),
    )
    content_source = models.CharField(
        max_length=300, blank=True, help_text=_("The file the level's content was taken from.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["standard", "scheme", "rank"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scheme="L", level__gte=1, level__lte=5)
                | Q(scheme="T", level__gte=1, level__lte=3),
                name="standard_level_in_scheme",
                violation_error_message=_(
                    "Five-level standards have levels 5 to 1; three-level ones, 1 to 3."
                ),
            ),
            models.UniqueConstraint(
                fields=["standard", "scheme", "level"], name="standard_level_unique"
            ),
            models.CheckConstraint(
                condition=Q(content_status__in=["", "extracted", "edited", "pasted", "checked"]),
                name="standard_level_content_valid",
            ),
        ]

    def __str__(self):
        return f"{self.standard} — {self.name_zh}"

    @staticmethod
    def level_bit(scheme: str, level: int) -> int:
        """The bit of SearchRow.levels for a level: 5 to 1 are bits 0 to 4, T1 to T3 bits 5 to
        7 (the level facet's order). Migration 0018's triggers compute the same."""
        return 5 - level if scheme == "L" else 4 + level

    @classmethod
    def parse_key(cls, value: str) -> tuple[str, int] | None:
        """("L", 5) from "5" or "L5", ("T", 1) from "T1"; None for anything else."""
        value = value.strip().upper()
        if value[:1] in {"L", "T"}:
            scheme, number = value[:1], value[1:]
        else:
            scheme, number = "L", value
        if not number.isdigit():
            return None
        names = cls.LEVEL_NAMES if scheme == "L" else cls.TIER_NAMES
        return (scheme, int(number)) if int(number) in names else None

    @property
    def key(self) -> str:
        """How URLs name the level: 5 to 1, or T1 to T3."""
        return str(self.level) if self.scheme == "L" else f"T{self.level}"

    @property
    def names(self) -> tuple[str, str]:
        table = self.LEVEL_NAMES if self.scheme == "L" else self.TIER_NAMES
        return table.get(self.level, (str(self.level), str(self.level)))

    @property
    def name_zh(self):
        return self.names[0]

    @property
    def name_en(self):
        return self.names[1]


class FunctionWeight(models.Model):
    """One row of a standard's skill weight table (技能要求权重表): an occupational function's
    share, in per cent, of a level's skill requirements, as parsed from the standard's PDF."""

    level = models.ForeignKey(StandardLevel, on_delete=models.CASCADE, related_name="weights")
    position = models.PositiveSmallIntegerField(default=0)
    function_zh = models.CharField(
        max_length=100, help_text=_("As parsed from the PDF: bracketed text may be missing.")
    )
    function_en = models.CharField(max_length=200, blank=True)
    weight_pct = models.PositiveSmallIntegerField(_("weight (%)"))
    has_artefacts = models.BooleanField(
        default=False, help_text=_("The parsed function name contains extraction artefacts.")
    )
    note = models.CharField(max_length=300, blank=True)
    source_node_id = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_pct__lte=100), name="function_weight_at_most_100"
            ),
            models.UniqueConstraint(
                fields=["level", "function_zh"], name="function_weight_unique_per_level"
            ),
        ]

    def __str__(self):
        return f"{self.function_zh} {self.weight_pct}%"


class OccupationalFunction(models.Model):
    """职业功能: a function within a level, in the order of the standard."""

    level = models.ForeignKey(StandardLevel, on_delete=models.CASCADE, related_name="functions")
    position = models.PositiveSmallIntegerField(default=0)
    number = models.CharField(max_length=10, blank=True, help_text=_("As printed, e.g. 1."))
    name_zh = models.CharField(
        max_length=300, blank=True, help_text=_("Empty where the extracted text has no name.")
    )
    name_en = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "position", "id"]

    def __str__(self):
        return f"{self.number} {self.name_zh}".strip()


class WorkContent(models.Model):
    """工作内容: a work content within a function."""

    function = models.ForeignKey(
        OccupationalFunction, on_delete=models.CASCADE, related_name="work_contents"
    )
    position = models.PositiveSmallIntegerField(default=0)
    number = models.CharField(max_length=10, blank=True, help_text=_("As printed, e.g. 1.1."))
    name_zh = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["function", "position", "id"]

    def __str__(self):
        return f"{self.number} {self.name_zh}".strip()


class Requirement(models.Model):
    """A skill requirement (技能要求) or knowledge requirement (相关知识要求) of a work content."""

    class Kind(models.TextChoices):
        SKILL = "skill", _("skill requirement (技能要求)")
        KNOWLEDGE = "knowledge", _("knowledge requirement (相关知识要求)")

    work_content = models.ForeignKey(
        WorkContent, on_delete=models.CASCADE, related_name="requirements"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    number = models.CharField(max_length=12, blank=True, help_text=_("As printed, e.g. 1.1.1."))
    text_zh = models.TextField()
    text_en = models.TextField(blank=True)
    structure_ok = models.BooleanField(
        default=True,
        help_text=_("False where the extracted structure is known to be wrong (see the note)."),
    )
    note = models.TextField(blank=True, help_text=_("Known problems of the extracted text."))
    source_line = models.CharField(
        max_length=300, blank=True, help_text=_("The file and line the text was extracted from.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["work_content", "kind", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["skill", "knowledge"]), name="requirement_kind_valid"
            ),
        ]

    def __str__(self):
        return self.text_zh

    @property
    def has_problem(self) -> bool:
        return not self.structure_ok or bool(self.note)


# --- Voices and figures ----------------------------------------------------------------------


class CitedPassage(TimeStamped, Revisioned):
    """Text taken verbatim from a source, at a known character offset in its archived text."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT)
    position = models.PositiveIntegerField(
        blank=True,
        help_text=_(
            "Character offset of the passage in the source's archived text; "
            "left empty, it is found from the text."
        ),
    )

    passage_field = "text"

    class Meta:
        abstract = True
        ordering = ["source", "position"]

    @property
    def passage(self) -> str:
        return getattr(self, self.passage_field)

    def clean(self):
        """The passage must stand verbatim in the source's archived text, at its position."""
        super().clean()
        archive = self.source.archived_text if self.source_id else ""
        if not archive or not self.passage:
            return
        found = archive.find(self.passage)
        if found < 0:
            raise ValidationError(
                {self.passage_field: _("This text is not in the source's archived text verbatim.")}
            )
        if self.position is None:
            self.position = found
        elif archive[self.position : self.position + len(self.passage)] != self.passage:
            raise ValidationError(
                {
                    "position": _(
                        "The text does not start at character %(position)s of the source; "
                        "it first appears at %(found)s."
                    )
                    % {"position": self.position, "found": found}
                }
            )

    def natural_key(self):
        return (*self.source.natural_key(), self.position)

    natural_key.dependencies = ["catalogue.source"]


class PassageManager(models.Manager.from_queryset(PassageQuerySet)):
    def get_by_natural_key(self, source_key, position):
        return self.get(source__key=source_key, position=position)


class FigureManager(models.Manager.from_queryset(FigureQuerySet)):
    def get_by_natural_key(self, source_key, position, counts):
        return self.get(source__key=source_key, position=position, counts=counts)


class Quote(CitedPassage):
    """A practitioner's or expert's words, verbatim as the source prints them."""

    text = models.TextField(help_text=_("Verbatim, defects included."))
    corrected_text = models.TextField(
        blank=True, help_text=_("A corrected reading where the source text is damaged.")
    )
    correction_note = models.TextField(
        blank=True, help_text=_("What was corrected and why; required with a corrected reading.")
    )
    speaker_name = models.CharField(max_length=200)
    speaker_role = models.CharField(max_length=300, blank=True)
    speaker_organisation = models.CharField(max_length=300, blank=True)
    occupations = models.ManyToManyField(Occupation, blank=True, related_name="quotes")
    history = HistoricalRecords(m2m_fields=[occupations])

    objects = PassageManager()

    class Meta(CitedPassage.Meta):
        constraints = [
            models.UniqueConstraint(fields=["source", "position"], name="quote_unique_position"),
            models.CheckConstraint(condition=~Q(text=""), name="quote_text_required"),
            models.CheckConstraint(
                condition=Q(corrected_text="") | ~Q(correction_note=""),
                name="quote_correction_explained",
                violation_error_message=_("Say what was corrected in the correction note."),
            ),
        ]

    def __str__(self):
        return f"{self.speaker_name}: {self.text[:60]}"


class Figure(CitedPassage):
    """A number a source states, with the passage that states it."""

    excerpt = models.TextField(help_text=_("The sentence or phrase stating the figure, verbatim."))
    value = models.DecimalField(max_digits=20, decimal_places=4)
    qualifier = models.CharField(
        max_length=40, blank=True, help_text=_("As the source hedges it: about, nearly, more than.")
    )
    unit = models.CharField(max_length=60, help_text=_("e.g. people, jobs, yuan, %"))
    counts = models.CharField(max_length=300, help_text=_("What the number counts."))
    place = models.CharField(max_length=100, blank=True)
    as_of = models.CharField(
        max_length=60, blank=True, help_text=_("When the figure applies, as the source says it.")
    )
    occupations = models.ManyToManyField(Occupation, blank=True, related_name="figures")
    featured = models.BooleanField(default=False, help_text=_("Shown on the home page."))
    history = HistoricalRecords(m2m_fields=[occupations])

    objects = FigureManager()
    passage_field = "excerpt"

    class Meta(CitedPassage.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["source", "position", "counts"], name="figure_unique_per_passage"
            ),
            models.CheckConstraint(condition=~Q(excerpt=""), name="figure_excerpt_required"),
        ]

    def __str__(self):
        return f"{self.qualifier} {self.value.normalize():,f} {self.unit} — {self.counts}".strip()

    def natural_key(self):
        return (*self.source.natural_key(), self.position, self.counts)

    natural_key.dependencies = ["catalogue.source"]


class SearchSynonym(Revisioned):
    """A word people search with that the catalogue's names, titles and translations miss
    (码农, chef), pointing at the occupation it means, with the reason it was added. Shown on the
    occupation's page as "also searched as"; not a name of the occupation."""

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="search_synonyms"
    )
    term = models.CharField(max_length=100)
    language = models.CharField(
        max_length=10, help_text=_("BCP 47 tag of the term, e.g. en or zh-Hans.")
    )
    reason = models.TextField(help_text=_("Why people search with this word for this occupation."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["occupation", "language", "term"]
        indexes = [models.Index(Upper("term"), name="search_synonym_upper")]
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "term"], name="search_synonym_unique_per_occupation"
            ),
            models.CheckConstraint(condition=~Q(term=""), name="search_synonym_term_required"),
            models.CheckConstraint(condition=~Q(reason=""), name="search_synonym_reason_required"),
        ]

    def __str__(self):
        return self.term


class SearchTerm(models.Model):
    """A word of the catalogue's own English vocabulary, for "did you mean" suggestions.

    Its letter bigrams are GIN-indexed so close spellings are found without pg_trgm.
    """

    term = models.CharField(max_length=60, unique=True)
    frequency = models.PositiveIntegerField(default=1)
    bigrams = ArrayField(models.CharField(max_length=2), default=list)

    class Meta:
        indexes = [GinIndex(fields=["bigrams"], name="search_term_bigrams_gin")]

    def __str__(self):
        return self.term


# --- Imported data files ----------------------------------------------------------------------


class ImportedFile(models.Model):
    """A data file as last imported: `make run` skips a file whose checksum has not changed,
    and warns when a file has fewer rows than the last time."""

    name = models.CharField(max_length=200, unique=True)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="imported_file_sha256_hex"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.rows} rows, {self.imported_at:%Y-%m-%d %H:%M})"


# --- The catalogue's version ------------------------------------------------------------------


class CatalogueVersion(models.Model):
    """One row: a number that every change to the catalogue raises, and when it last did.

    Pages take their ETag and Last-Modified from it, and cached pages are filed under it, so a
    curator's save or an import is seen at once everywhere without deleting anything.
    """

    number = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="catalogueversion_single_row")
        ]

    def __str__(self):
        return f"catalogue version {self.number} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class RateLimitCount(models.Model):
    """How many requests a client made in one minute, for one kind of request, when the counts
    are kept in the database (catalogue.ratelimits). Not catalogue data: rows expire."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="rate_limit_expiry")]

    def __str__(self):
        return f"{self.key}: {self.count}"
