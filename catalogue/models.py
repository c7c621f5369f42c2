"""The catalogue's data: the national classification, new-occupation announcements,
skill standards, and the sources with their quotes and figures."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Concat, Lower, Now, Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin
from simple_history.models import HistoricalRecords

from .querysets import OccupationQuerySet

MAJOR_CODE_RE = r"^[0-9]$"
MIDDLE_CODE_RE = r"^[0-9]-[0-9]{2}$"
MINOR_CODE_RE = r"^[0-9]-[0-9]{2}-[0-9]{2}$"
OCCUPATION_CODE_RE = r"^[0-9]-[0-9]{2}-[0-9]{2}-[0-9]{2}$"


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


class SourceManager(models.Manager):
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
        return reverse("catalogue:source-detail", kwargs={"key": self.key})

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
                condition=Q(code__startswith=Concat(F(parent), models.Value("-"))),
                name=f"{name}_code_in_parent",
                violation_error_message=_("The code must begin with its parent group's code."),
            )
        )
    return constraints


class ClassificationGroup(TimeStamped, Revisioned):
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
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


class AnnouncementManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class Announcement(TimeStamped, Revisioned):
    """A batch of new occupations announced by the Ministry of Human Resources and Social
    Security (MOHRSS)."""

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
        help_text=_("e.g. 人社厅发〔2020〕17号; empty unless sourced."),
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
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("catalogue:announcement-detail", kwargs={"key": self.key})

    def natural_key(self):
        return (self.key,)

    @property
    def date_display(self) -> str:
        return format_date(self.date, self.date_precision)

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


class SkillStandardManager(OccupationChildManager):
    key_field = "edition"


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
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    name_pinyin = models.CharField(
        _("pinyin"),
        max_length=400,
        blank=True,
        editable=False,
        help_text=_("From the Chinese name."),
    )
    slug = models.SlugField(max_length=120, unique=True)
    definition_zh = models.TextField(_("Chinese definition"), blank=True)
    definition_en = models.TextField(_("English definition"), blank=True)
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
    # B (other titles) > C (definitions) > D (tasks, skill requirements, quotes).
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
                condition=Q(code__isnull=True)
                | Q(code__startswith=Concat(F("minor_group"), models.Value("-"))),
                name="occupation_code_in_minor_group",
                violation_error_message=_("The code must begin with its minor group's code."),
            ),
            models.CheckConstraint(
                condition=Q(code__isnull=True) | Q(kind="occupation"),
                name="occupation_only_occupations_coded",
                violation_error_message=_("Only an occupation of the classification has a code."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["occupation", "role", "form"]), name="occupation_kind_valid"
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
        return reverse("catalogue:occupation-detail", kwargs={"slug": self.slug})

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


class OccupationTask(Revisioned):
    """One of an occupation's main tasks (主要工作任务), in the order of its source."""

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField(default=0)
    text_zh = models.TextField(blank=True)
    text_en = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["occupation", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text_zh="") | ~Q(text_en=""), name="task_has_text"),
        ]

    def __str__(self):
        return self.text_zh or self.text_en


class AlternateTitle(Revisioned):
    """Another name an occupation is known by (e.g. the title used in a news article)."""

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="alternate_titles"
    )
    title = models.CharField(max_length=200)
    language = models.CharField(max_length=10, default="en")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT)
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
    announcement = models.ForeignKey(
        Announcement, null=True, blank=True, on_delete=models.SET_NULL, related_name="job_types"
    )
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT)
    history = HistoricalRecords()

    objects = JobTypeManager()

    class Meta:
        ordering = ["occupation", "position", "id"]
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


class SkillStandard(TimeStamped):
    """A national vocational skill standard (国家职业技能标准) of an occupation."""

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="skill_standards"
    )
    title = models.CharField(max_length=300)
    number = models.CharField(max_length=100, blank=True, help_text=_("Standard number."))
    edition = models.CharField(max_length=50, blank=True, help_text=_("e.g. 2021年版"))
    issuing_body = models.CharField(max_length=300, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Where the facts above are cited from."),
    )
    text_source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The document the level-by-level content is taken from."),
    )
    missing = models.TextField(
        blank=True,
        help_text=_("What this record still lacks (number, date, level-by-level text)."),
    )
    history = HistoricalRecords()

    objects = SkillStandardManager()

    class Meta:
        ordering = ["occupation", "-issued_on", "edition"]
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "edition"], name="skill_standard_unique_edition"
            ),
        ]

    def __str__(self):
        return f"{self.title} {self.edition}".strip()

    def natural_key(self):
        return (*self.occupation.natural_key(), self.edition)

    natural_key.dependencies = ["catalogue.occupation"]


class StandardLevel(models.Model):
    """One of a standard's five levels, 5 (五级/初级工) to 1 (一级/高级技师)."""

    LEVEL_NAMES = {
        5: ("五级/初级工", "Level 5 / Junior worker"),
        4: ("四级/中级工", "Level 4 / Intermediate worker"),
        3: ("三级/高级工", "Level 3 / Senior worker"),
        2: ("二级/技师", "Level 2 / Technician"),
        1: ("一级/高级技师", "Level 1 / Senior technician"),
    }

    standard = models.ForeignKey(SkillStandard, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(
        choices=[(n, f"{zh} — {en}") for n, (zh, en) in LEVEL_NAMES.items()]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["standard", "-level"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="standard_level_1_to_5"
            ),
            models.UniqueConstraint(fields=["standard", "level"], name="standard_level_unique"),
        ]

    def __str__(self):
        return f"{self.standard} — {self.name_zh}"

    @property
    def name_zh(self):
        return self.LEVEL_NAMES[self.level][0]

    @property
    def name_en(self):
        return self.LEVEL_NAMES[self.level][1]


class OccupationalFunction(models.Model):
    """职业功能: a function within a level, in the order of the standard."""

    level = models.ForeignKey(StandardLevel, on_delete=models.CASCADE, related_name="functions")
    position = models.PositiveSmallIntegerField(default=0)
    name_zh = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "position", "id"]

    def __str__(self):
        return self.name_zh


class WorkContent(models.Model):
    """工作内容: a work content within a function."""

    function = models.ForeignKey(
        OccupationalFunction, on_delete=models.CASCADE, related_name="work_contents"
    )
    position = models.PositiveSmallIntegerField(default=0)
    name_zh = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["function", "position", "id"]

    def __str__(self):
        return self.name_zh


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
    text_zh = models.TextField()
    text_en = models.TextField(blank=True)
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


class PassageManager(models.Manager):
    def get_by_natural_key(self, source_key, position):
        return self.get(source__key=source_key, position=position)


class FigureManager(models.Manager):
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


class DataFileImport(models.Model):
    """How many rows the last import of a data file read, by the file's name.

    A file cut off cleanly at the end of a line still parses; only its length gives it away,
    so an import reports a file that has fewer rows than the last import of it.
    """

    name = models.CharField(max_length=200, unique=True)
    rows = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.name}: {self.rows} rows"


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
