"""What the API says about each record: the same facts as the pages, as JSON."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalogue.models import (
    AlternateTitle,
    Announcement,
    Figure,
    Occupation,
    Quote,
    ReviewStatus,
    Source,
    TextOrigin,
    english_provenance,
)
from catalogue.querysets import ROW_FIELDS

ORIGIN_HELP = (
    "Where the English text beside it comes from: catalogue_translation (the catalogue's own "
    "translation; there is no official English version), source_article, curator or official; "
    "null when there is no English text."
)
REVIEW_HELP = "Whether a curator has reviewed the English text; null when there is none."
# What the two fields below look like in the schema: the model's choices, or null.
ORIGIN_SCHEMA = serializers.ChoiceField(
    choices=TextOrigin.choices, allow_null=True, help_text=ORIGIN_HELP
)
REVIEW_SCHEMA = serializers.ChoiceField(
    choices=ReviewStatus.choices, allow_null=True, help_text=REVIEW_HELP
)


@extend_schema_field(ORIGIN_SCHEMA)
class EnglishOriginField(serializers.Field):
    """The origin of the record's English text ``text_field``; null without one."""

    def __init__(self, text_field: str, **kwargs):
        self.text_field = text_field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        return english_provenance(record, self.text_field)[f"{self.text_field}_origin"]


@extend_schema_field(REVIEW_SCHEMA)
class EnglishReviewField(EnglishOriginField):
    """The review status of the record's English text ``text_field``; null without one."""

    def to_representation(self, record):
        return english_provenance(record, self.text_field)[f"{self.text_field}_review"]


class SourceRefSerializer(serializers.ModelSerializer):
    html_url = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = ["key", "title", "publisher", "published_on", "url", "language", "html_url"]

    def get_html_url(self, source) -> str:
        return self.context["request"].build_absolute_uri(source.get_absolute_url())


class LinkedSerializer(serializers.ModelSerializer):
    """A record with its API address (url) and its page's (html_url)."""

    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    api_view = ""
    lookup_field = ""

    def get_url(self, obj) -> str:
        path = reverse(self.api_view, kwargs={self.lookup_field: getattr(obj, self.lookup_field)})
        return self.context["request"].build_absolute_uri(path)

    def get_html_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


class OccupationRefSerializer(LinkedSerializer):
    api_view, lookup_field = "api:occupation-detail", "slug"
    name_en_origin = EnglishOriginField("name_en")
    name_en_review = EnglishReviewField("name_en")

    class Meta:
        model = Occupation
        fields = [
            "code",
            "slug",
            "name_zh",
            "name_en",
            "name_en_origin",
            "name_en_review",
            "url",
            "html_url",
        ]


class StandardRefSerializer(serializers.Serializer):
    """An occupation's newest standard, as lists and downloads carry it."""

    key = serializers.CharField()
    title = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)
    document_number = serializers.CharField(allow_blank=True)


class OccupationListItemSerializer(OccupationRefSerializer):
    minor_group = serializers.CharField(source="minor_group_id", allow_null=True)
    skill_standard = serializers.SerializerMethodField(
        help_text="The newest national skill standard, if any: title, date, document number."
    )
    snippet = serializers.SerializerMethodField(
        help_text="The matched text with <mark> around the matches (HTML-escaped); searches only."
    )

    class Meta(OccupationRefSerializer.Meta):
        fields = [*ROW_FIELDS, "minor_group", "skill_standard", "url", "html_url", "snippet"]

    @extend_schema_field(StandardRefSerializer(allow_null=True))
    def get_skill_standard(self, occupation) -> dict | None:
        standards = occupation.skill_standards.all()
        return StandardRefSerializer(standards[0]).data if standards else None

    def get_snippet(self, occupation) -> str | None:
        snippet = self.context.get("snippets", {}).get(occupation.pk)
        return str(snippet) if snippet is not None else None


class FacetOptionSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    active = serializers.BooleanField()


class FacetSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    options = FacetOptionSerializer(many=True)


class OccupationListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    query = serializers.CharField(allow_blank=True)
    suggestion = serializers.CharField(allow_null=True, help_text="Did you mean …")
    facets = FacetSerializer(many=True)
    results = OccupationListItemSerializer(many=True)


class GroupRefSerializer(serializers.Serializer):
    level = serializers.CharField()
    code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    name_en_origin = EnglishOriginField("name_en")
    name_en_review = EnglishReviewField("name_en")


class DataFlagSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


def data_flags(obj) -> list[dict]:
    """A record's known problems, each with the words the page shows for it."""
    from catalogue.models import DataIssue

    return [
        {"code": issue, "label": str(DataIssue(issue).label)}
        for issue in obj.data_issues
        if issue in DataIssue.values
    ]


class AnnouncementRefSerializer(LinkedSerializer):
    api_view, lookup_field = "api:announcement-detail", "key"
    data_flags = serializers.SerializerMethodField(help_text="data_issues, with their labels.")

    class Meta:
        model = Announcement
        fields = [
            "key",
            "batch_number",
            "label",
            "title",
            "date",
            "date_precision",
            "issuing_body",
            "status",
            "document_number",
            "document_in_source",
            "official_url",
            "comment_url",
            "comment_start",
            "comment_end",
            "date_source",
            "other_date",
            "other_date_precision",
            "other_date_source",
            "occupations_listed",
            "job_types_listed",
            "source_urls",
            "data_issues",
            "data_flags",
            "url",
            "html_url",
        ]

    @extend_schema_field(DataFlagSerializer(many=True))
    def get_data_flags(self, obj) -> list[dict]:
        return data_flags(obj)


class AnnouncementSerializer(AnnouncementRefSerializer):
    occupations = OccupationRefSerializer(many=True)
    source = SourceRefSerializer(
        allow_null=True, help_text="Where the document number, status and dates come from."
    )

    class Meta(AnnouncementRefSerializer.Meta):
        fields = [*AnnouncementRefSerializer.Meta.fields, "source", "occupations"]


class QuoteSerializer(serializers.ModelSerializer):
    source = SourceRefSerializer()
    occupations = OccupationRefSerializer(many=True)

    class Meta:
        model = Quote
        fields = [
            "text",
            "corrected_text",
            "correction_note",
            "speaker_name",
            "speaker_role",
            "speaker_organisation",
            "position",
            "source",
            "occupations",
        ]


class FigureSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=True)
    source = SourceRefSerializer()
    occupations = OccupationRefSerializer(many=True)

    class Meta:
        model = Figure
        fields = [
            "value",
            "qualifier",
            "unit",
            "counts",
            "place",
            "as_of",
            "excerpt",
            "position",
            "source",
            "occupations",
        ]


class SourceSerializer(SourceRefSerializer):
    quotes = QuoteSerializer(many=True, source="quote_set")

    class Meta(SourceRefSerializer.Meta):
        fields = [*SourceRefSerializer.Meta.fields, "kind", "notes", "quotes"]


class RequirementSerializer(serializers.Serializer):
    number = serializers.CharField(allow_blank=True)
    text_zh = serializers.CharField()
    text_en = serializers.CharField(allow_blank=True)
    structure_ok = serializers.BooleanField(
        help_text="False where the extracted structure is known to be wrong (see note)."
    )
    note = serializers.CharField(allow_blank=True, help_text="Known problems, as extracted.")
    source_line = serializers.CharField(allow_blank=True)


class WorkContentSerializer(serializers.Serializer):
    number = serializers.CharField(allow_blank=True)
    name_zh = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    skill_requirements = RequirementSerializer(many=True)
    knowledge_requirements = RequirementSerializer(many=True)


class FunctionSerializer(serializers.Serializer):
    number = serializers.CharField(allow_blank=True)
    name_zh = serializers.CharField(allow_blank=True, help_text="Empty where the text has none.")
    name_en = serializers.CharField(allow_blank=True)
    work_contents = WorkContentSerializer(many=True, source="outline_contents")


class WeightSerializer(serializers.Serializer):
    function_zh = serializers.CharField(help_text="As parsed from the standard's PDF.")
    function_en = serializers.CharField(allow_blank=True)
    weight_pct = serializers.IntegerField()
    has_artefacts = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)


class LevelSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="5 to 1 (五级 to 一级), or T1 to T3 (初级 to 高级).")
    scheme = serializers.CharField(help_text="L: five levels; T: three levels.")
    level = serializers.IntegerField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    weights = WeightSerializer(many=True, source="weight_rows")
    weight_total = serializers.SerializerMethodField()
    weights_sum_to_100 = serializers.SerializerMethodField()
    content_status = serializers.CharField(
        allow_blank=True,
        help_text="extracted (by a parser, not yet checked against the PDF), edited, pasted, "
        "checked, or empty without an outline.",
    )
    content_source = serializers.CharField(allow_blank=True)
    functions = FunctionSerializer(many=True, source="outline_functions")

    def get_weight_total(self, level) -> int | None:
        return sum(w.weight_pct for w in level.weight_rows) if level.weight_rows else None

    def get_weights_sum_to_100(self, level) -> bool | None:
        total = self.get_weight_total(level)
        return None if total is None else total == 100


class SkillStandardSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    title_en = serializers.CharField(allow_blank=True)
    osta_id = serializers.IntegerField(allow_null=True)
    code_in_standard = serializers.CharField(allow_blank=True)
    code_differs = serializers.BooleanField(
        allow_null=True, help_text="Whether the printed code is not the occupation's 2022 code."
    )
    issued_on = serializers.DateField(allow_null=True)
    document_number = serializers.CharField(allow_blank=True)
    edition = serializers.CharField(allow_blank=True)
    issuing_body = serializers.CharField(allow_blank=True)
    match_method = serializers.CharField(allow_blank=True)
    missing = serializers.CharField(allow_blank=True, help_text="What the record still lacks.")
    source = SourceRefSerializer(allow_null=True)
    source_reference = serializers.CharField(allow_blank=True)
    weights_source = SourceRefSerializer(allow_null=True)
    weights_file = serializers.CharField(allow_blank=True)
    text_source = SourceRefSerializer(allow_null=True)
    compare_url = serializers.SerializerMethodField()
    levels = LevelSerializer(many=True, source="outline_levels")

    def get_compare_url(self, standard) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:standard-compare", kwargs={"key": standard.key})
        )


class ComparedFunctionSerializer(serializers.Serializer):
    function_zh = serializers.CharField(allow_blank=True)
    function_en = serializers.CharField(allow_blank=True)
    weights = serializers.ListField(
        child=serializers.IntegerField(allow_null=True),
        help_text="Per compared level, in order: the function's weight, or null.",
    )
    functions = serializers.ListField(
        child=FunctionSerializer(allow_null=True),
        help_text="Per compared level, in order: the function's outline, or null.",
    )


class StandardComparisonSerializer(serializers.Serializer):
    standard = SkillStandardSerializer()
    occupation = OccupationRefSerializer(allow_null=True)
    levels = serializers.ListField(child=serializers.CharField(), help_text="Level keys, in order.")
    rows = ComparedFunctionSerializer(many=True)


class TaskSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    text_zh = serializers.CharField(allow_blank=True)
    text_en = serializers.CharField(allow_blank=True)
    text_en_origin = EnglishOriginField("text_en")
    text_en_review = EnglishReviewField("text_en")
    note = serializers.CharField(allow_blank=True, help_text="Known problems of the text.")
    source = SourceRefSerializer(allow_null=True)


class AlternateTitleSerializer(serializers.Serializer):
    title = serializers.CharField()
    language = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=AlternateTitle.Kind.choices,
        help_text="job_ad: a title job ads use, as one author mapped it; not an official name.",
    )
    note = serializers.CharField(allow_blank=True)
    source = SourceRefSerializer(allow_null=True)


class JobTypeSerializer(serializers.Serializer):
    name_zh = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    name_en_origin = EnglishOriginField("name_en")
    name_en_review = EnglishReviewField("name_en")
    code_in_source = serializers.CharField(allow_blank=True)
    announced_in = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    source = SourceRefSerializer(allow_null=True)


class QuoteInOccupationSerializer(QuoteSerializer):
    """A quote on its occupation's record: the occupations it is about would repeat it."""

    class Meta(QuoteSerializer.Meta):
        fields = [f for f in QuoteSerializer.Meta.fields if f != "occupations"]


class FigureInOccupationSerializer(FigureSerializer):
    class Meta(FigureSerializer.Meta):
        fields = [f for f in FigureSerializer.Meta.fields if f != "occupations"]


class OccupationDetailSerializer(OccupationListItemSerializer):
    classification_path = serializers.SerializerMethodField()
    definition_en_origin = EnglishOriginField("definition_en")
    definition_en_review = EnglishReviewField("definition_en")
    announcement = AnnouncementRefSerializer(allow_null=True)
    source = SourceRefSerializer(allow_null=True)
    definition_source = SourceRefSerializer(
        allow_null=True,
        help_text="Where the Chinese definition comes from when not from the record's source.",
    )
    data_flags = serializers.SerializerMethodField(help_text="data_issues, with their labels.")
    tasks = TaskSerializer(many=True)
    alternate_titles = AlternateTitleSerializer(many=True)
    job_types = JobTypeSerializer(many=True)
    skill_standards = SkillStandardSerializer(many=True)
    quotes = QuoteInOccupationSerializer(many=True)
    figures = FigureInOccupationSerializer(many=True)
    related = OccupationRefSerializer(many=True)

    class Meta(OccupationListItemSerializer.Meta):
        fields = [
            *[
                f
                for f in OccupationListItemSerializer.Meta.fields
                if f not in {"snippet", "skill_standard"}
            ],
            "classification_path",
            "name_zh_origin",
            "name_en_origin",
            "name_en_review",
            "definition_zh",
            "definition_source",
            "definition_en",
            "definition_en_origin",
            "definition_en_review",
            "tasks",
            "alternate_titles",
            "job_types",
            "announcement",
            "skill_standards",
            "quotes",
            "figures",
            "related",
            "source",
            "source_page",
            "record_origin",
            "origin_file",
            "source_notes",
            "data_issues",
            "data_flags",
            "updated_at",
        ]

    @extend_schema_field(DataFlagSerializer(many=True))
    def get_data_flags(self, occupation) -> list[dict]:
        return data_flags(occupation)

    @extend_schema_field(GroupRefSerializer(many=True))
    def get_classification_path(self, occupation) -> list[dict]:
        if occupation.minor_group is None:
            return []
        levels = ["major", "middle", "minor"]
        return GroupRefSerializer(
            [
                {
                    "level": level,
                    "code": g.code,
                    "name_zh": g.name_zh,
                    "name_en": g.name_en,
                    "name_en_origin": g.name_en_origin,
                    "name_en_review": g.name_en_review,
                }
                for level, g in zip(levels, occupation.minor_group.path, strict=True)
            ],
            many=True,
        ).data


class MinorGroupNodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    name_en_origin = EnglishOriginField("name_en")
    name_en_review = EnglishReviewField("name_en")
    occupation_count = serializers.IntegerField()


class MiddleGroupNodeSerializer(MinorGroupNodeSerializer):
    minor_groups = MinorGroupNodeSerializer(many=True, source="minors")


class MajorGroupNodeSerializer(MinorGroupNodeSerializer):
    middle_groups = MiddleGroupNodeSerializer(many=True, source="middles")


class AutocompleteResultSerializer(serializers.Serializer):
    label = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    name_en_origin = serializers.ChoiceField(
        choices=TextOrigin.choices, allow_null=True, help_text=ORIGIN_HELP
    )
    name_en_review = serializers.ChoiceField(
        choices=ReviewStatus.choices, allow_null=True, help_text=REVIEW_HELP
    )
    name_en_status = serializers.CharField(
        allow_blank=True,
        help_text="The English name's origin and review in words, where it is a translation.",
    )
    title = serializers.CharField(allow_blank=True)
    code = serializers.CharField(allow_null=True)
    url = serializers.CharField()


class AutocompleteSerializer(serializers.Serializer):
    query = serializers.CharField(allow_blank=True)
    results = AutocompleteResultSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
