"""What the API says about each record: the same facts as the pages, as JSON."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalogue.models import (
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


class OccupationListItemSerializer(OccupationRefSerializer):
    minor_group = serializers.CharField(source="minor_group_id", allow_null=True)
    snippet = serializers.SerializerMethodField(
        help_text="The matched text with <mark> around the matches (HTML-escaped); searches only."
    )

    class Meta(OccupationRefSerializer.Meta):
        fields = [*ROW_FIELDS, "minor_group", "url", "html_url", "snippet"]

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


class AnnouncementRefSerializer(LinkedSerializer):
    api_view, lookup_field = "api:announcement-detail", "key"

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
            "document_number",
            "source_urls",
            "data_issues",
            "url",
            "html_url",
        ]


class AnnouncementSerializer(AnnouncementRefSerializer):
    occupations = OccupationRefSerializer(many=True)

    class Meta(AnnouncementRefSerializer.Meta):
        fields = [*AnnouncementRefSerializer.Meta.fields, "occupations"]


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
    text_zh = serializers.CharField()
    text_en = serializers.CharField(allow_blank=True)


class WorkContentSerializer(serializers.Serializer):
    name_zh = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    skill_requirements = RequirementSerializer(many=True)
    knowledge_requirements = RequirementSerializer(many=True)


class FunctionSerializer(serializers.Serializer):
    name_zh = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    work_contents = WorkContentSerializer(many=True, source="outline_contents")


class LevelSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    functions = FunctionSerializer(many=True, source="outline_functions")


class SkillStandardSerializer(serializers.Serializer):
    title = serializers.CharField()
    number = serializers.CharField(allow_blank=True)
    edition = serializers.CharField(allow_blank=True)
    issuing_body = serializers.CharField(allow_blank=True)
    issued_on = serializers.DateField(allow_null=True)
    missing = serializers.CharField(allow_blank=True, help_text="What the record still lacks.")
    source = SourceRefSerializer(allow_null=True)
    levels = LevelSerializer(many=True, source="outline_levels")


class TaskSerializer(serializers.Serializer):
    text_zh = serializers.CharField(allow_blank=True)
    text_en = serializers.CharField(allow_blank=True)
    text_en_origin = EnglishOriginField("text_en")
    text_en_review = EnglishReviewField("text_en")


class AlternateTitleSerializer(serializers.Serializer):
    title = serializers.CharField()
    language = serializers.CharField()


class JobTypeSerializer(serializers.Serializer):
    name_zh = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    name_en_origin = EnglishOriginField("name_en")
    name_en_review = EnglishReviewField("name_en")


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
    tasks = TaskSerializer(many=True)
    alternate_titles = AlternateTitleSerializer(many=True)
    job_types = JobTypeSerializer(many=True)
    skill_standards = SkillStandardSerializer(many=True)
    quotes = QuoteInOccupationSerializer(many=True)
    figures = FigureInOccupationSerializer(many=True)
    related = OccupationRefSerializer(many=True)

    class Meta(OccupationListItemSerializer.Meta):
        fields = [
            *[f for f in OccupationListItemSerializer.Meta.fields if f != "snippet"],
            "classification_path",
            "definition_zh",
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
            "data_issues",
            "updated_at",
        ]

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
