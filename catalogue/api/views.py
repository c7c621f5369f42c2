"""The read-only API. Its lists use the site's FilterSet and querysets, so the two agree."""

import re

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue.codes import MAJOR_CODE_RE, MIDDLE_CODE_RE, MINOR_CODE_RE
from catalogue.exports import EXPORT_FORMATS, export_records, export_response
from catalogue.filters import BOOLEAN_CHOICES, SORTS, OccupationFilter, level_choices
from catalogue.models import (
    Announcement,
    Figure,
    Occupation,
    Quote,
    SkillStandard,
    Source,
)
from catalogue.records import occupation_record
from catalogue.selectors import (
    PAGE_SIZE,
    classification_tree,
    occupation_autocomplete,
    occupation_matches,
    occupation_search,
)
from catalogue.standards import LevelChoiceError, attach_outlines, chosen_levels, comparison

from . import serializers
from .errors import InvalidParameters

MAX_PAGE_SIZE = 100
ERRORS = {
    400: OpenApiResponse(serializers.ErrorSerializer, description="A parameter is not valid."),
    404: OpenApiResponse(serializers.ErrorSerializer, description="No such record or page."),
}


WHOLE_NUMBER = re.compile(r"[0-9]+")


def _or_empty(pattern: str) -> str:
    return f"^$|{pattern}"


def _positive_int(params, name: str, default: int, maximum: int | None = None) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    # ASCII digits only: str.isdigit() also accepts ² and ①, which int() refuses.
    if not WHOLE_NUMBER.fullmatch(raw) or int(raw) < 1 or (maximum and int(raw) > maximum):
        bound = f" from 1 to {maximum}" if maximum else " of 1 or more"
        raise InvalidParameters({name: [f"Enter a whole number{bound}, not {raw!r}."]})
    return int(raw)


def _enum(choices) -> list[str]:
    # An empty value means "any", as in the site's forms.
    return ["", *(value for value, _label in choices)]


FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Search: Chinese, English, pinyin, initials or a code."),
    OpenApiParameter(
        "major",
        {"type": "string", "pattern": _or_empty(MAJOR_CODE_RE)},
        description="Major group code, e.g. 4.",
    ),
    OpenApiParameter(
        "middle",
        {"type": "string", "pattern": _or_empty(MIDDLE_CODE_RE)},
        description="Middle group code, e.g. 4-04.",
    ),
    OpenApiParameter(
        "minor",
        {"type": "string", "pattern": _or_empty(MINOR_CODE_RE)},
        description="Minor group code, e.g. 4-04-05.",
    ),
    OpenApiParameter("digital", str, enum=_enum(BOOLEAN_CHOICES)),
    OpenApiParameter("green", str, enum=_enum(BOOLEAN_CHOICES)),
    OpenApiParameter(
        "announcement",
        {"type": "string", "pattern": r"^[-a-zA-Z0-9_]*$"},
        description="Announcement key, e.g. batch-2.",
    ),
    OpenApiParameter(
        "standard", str, enum=_enum(BOOLEAN_CHOICES), description="Has a skill standard."
    ),
    OpenApiParameter(
        "level",
        str,
        enum=_enum(level_choices()),
        description="A skill-standard level is available: 5 to 1 (五级 to 一级) or T1 to T3 (初级 to 高级).",
    ),
    OpenApiParameter("sort", str, enum=_enum(SORTS)),
]


class OccupationList(APIView):
    query_parameters = frozenset({*OccupationFilter.base_filters, "page", "page_size", "format"})

    @extend_schema(
        operation_id="occupations_list",
        summary="Occupations, searched, filtered, sorted and faceted as on /occupations/",
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter(
                "page", {"type": "integer", "minimum": 1}, description="Page number, from 1."
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                description=f"1 to {MAX_PAGE_SIZE}; {PAGE_SIZE} by default.",
            ),
            OpenApiParameter(
                "format",
                str,
                enum=["", "json", *EXPORT_FORMATS],
                description="csv or jsonl: every matching row, streamed, instead of a page.",
            ),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                serializers.OccupationListSerializer, description="A page of occupations."
            ),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="format=csv: every matching row, UTF-8 with BOM."
            ),
            (200, "application/x-ndjson"): OpenApiResponse(
                OpenApiTypes.STR, description="format=jsonl: every matching row, one JSON a line."
            ),
            (400, "application/json"): ERRORS[400],
            (404, "application/json"): ERRORS[404],
        },
    )
    def get(self, request):
        params = request.query_params
        matches = occupation_matches(params=params, user=request.user)
        if matches.invalid:
            raise InvalidParameters({problem.name: problem.errors for problem in matches.invalid})
        # Every parameter is checked, whatever the format asked for.
        page = _positive_int(params, "page", 1)
        page_size = _positive_int(params, "page_size", PAGE_SIZE, MAX_PAGE_SIZE)
        export_format = params.get("format", "json") or "json"
        if export_format in EXPORT_FORMATS:
            return export_response(matches.rows, export_format, request)
        if export_format != "json":
            raise InvalidParameters({"format": [f"Use json, csv or jsonl, not {export_format!r}."]})

        results = occupation_search(matches=matches, page=page, page_size=page_size)
        last = results.page.paginator.num_pages
        if page > last:  # the search gave the nearest page; the API says there is none
            raise NotFound(f"Page {page} is past the last page, {last}.")

        def page_url(number):
            if not 1 <= number <= last:
                return None
            query = params.copy()
            query["page"] = number
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        data = {
            "count": results.total,
            "page": page,
            "page_size": page_size,
            "next": page_url(page + 1),
            "previous": page_url(page - 1),
            "query": matches.parsed.text,
            "suggestion": results.suggestion,
            "facets": results.facets,
            "results": results.page.object_list,
        }
        context = {"request": request, "snippets": results.snippets}
        return Response(serializers.OccupationListSerializer(data, context=context).data)


@extend_schema(responses={200: serializers.OccupationDetailSerializer, **ERRORS})
class OccupationDetail(generics.RetrieveAPIView):
    serializer_class = serializers.OccupationDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Occupation.objects.visible_to(self.request.user)

    def get_object(self):
        occupation = occupation_record(slug=self.kwargs["slug"], user=self.request.user)
        if occupation is None:
            raise Http404
        self.check_object_permissions(self.request, occupation)
        return occupation


def _standard(request, key: str) -> SkillStandard:
    standard = (
        SkillStandard.objects.visible_to(request.user)
        .select_related("occupation", "source", "text_source", "weights_source")
        .filter(key=key)
        .first()
    )
    if standard is None:
        raise NotFound(f"No skill standard {key!r}.")
    attach_outlines([standard])
    return standard


class StandardDetail(APIView):
    @extend_schema(
        summary="A skill standard with its levels, weights and requirements",
        responses={200: serializers.SkillStandardSerializer, **ERRORS},
    )
    def get(self, request, key):
        standard = _standard(request, key)
        context = {"request": request}
        return Response(serializers.SkillStandardSerializer(standard, context=context).data)


class StandardCompare(APIView):
    query_parameters = frozenset({"levels", "format"})

    @extend_schema(
        summary="A standard's levels side by side, functions aligned, weights beside",
        parameters=[
            OpenApiParameter(
                "levels",
                {"type": "string", "pattern": r"^[LlTt]?[1-5](,[LlTt]?[1-5])*$"},
                description="Two or more levels, e.g. 5,3 or T1,T3; all of them when absent.",
            )
        ],
        responses={200: serializers.StandardComparisonSerializer, **ERRORS},
    )
    def get(self, request, key):
        standard = _standard(request, key)
        try:
            levels = chosen_levels(standard, request.query_params.get("levels"))
        except LevelChoiceError as error:
            raise InvalidParameters({"levels": [str(error)]}) from error
        rows = comparison(levels)
        data = {
            "standard": standard,
            "occupation": standard.occupation,
            "levels": [level.key for level in levels],
            "rows": [
                {
                    "function_zh": row.function_zh,
                    "function_en": row.function_en,
                    "weights": [w.weight_pct if w else None for w in row.weights],
                    "functions": row.functions,
                }
                for row in rows
            ],
        }
        context = {"request": request}
        return Response(serializers.StandardComparisonSerializer(data, context=context).data)


class ClassificationTree(APIView):
    @extend_schema(
        summary="Major → middle → minor groups with occupation counts",
        responses={200: serializers.MajorGroupNodeSerializer(many=True)},
    )
    def get(self, request):
        groups, _uncoded = classification_tree(request.user)
        return Response(serializers.MajorGroupNodeSerializer(groups, many=True).data)


EXPORT_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=["", "json", *EXPORT_FORMATS],
    description="csv or jsonl: the same rows as a streamed download.",
)


def _list_schema(serializer, **kwargs):
    return extend_schema(
        parameters=[EXPORT_PARAMETER],
        responses={
            (200, "application/json"): serializer(many=True),
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/x-ndjson"): OpenApiTypes.STR,
            (400, "application/json"): ERRORS[400],
        },
        **kwargs,
    )


class ExportableList(generics.ListAPIView):
    """A list that ?format=csv or ?format=jsonl streams as a download of the same rows."""

    pagination_class = None
    export_name = ""
    query_parameters = frozenset({"format"})

    def list(self, request, *args, **kwargs):
        export_format = request.query_params.get("format", "json") or "json"
        if export_format == "json":
            return super().list(request, *args, **kwargs)
        if export_format not in EXPORT_FORMATS:
            raise InvalidParameters({"format": [f"Use json, csv or jsonl, not {export_format!r}."]})
        serializer = self.get_serializer_class()
        context = self.get_serializer_context()
        records = (
            serializer(obj, context=context).data
            for obj in self.get_queryset().iterator(chunk_size=500)
        )
        return export_records(records, export_format, request, self.export_name)


@_list_schema(serializers.AnnouncementSerializer)
class AnnouncementList(ExportableList):
    serializer_class = serializers.AnnouncementSerializer
    export_name = "announcements"

    def get_queryset(self):
        return Announcement.objects.order_by("date", "batch_number").for_page(self.request.user)


@extend_schema(responses={200: serializers.AnnouncementSerializer, **ERRORS})
class AnnouncementDetail(generics.RetrieveAPIView):
    serializer_class = serializers.AnnouncementSerializer
    lookup_field = "key"

    def get_queryset(self):
        return Announcement.objects.for_page(self.request.user)


@_list_schema(serializers.SourceSerializer)
class SourceList(ExportableList):
    serializer_class = serializers.SourceSerializer
    export_name = "sources"

    def get_queryset(self):
        return Source.objects.order_by("key").with_quotes(self.request.user)


@_list_schema(serializers.QuoteSerializer)
class QuoteList(ExportableList):
    serializer_class = serializers.QuoteSerializer
    export_name = "quotes"

    def get_queryset(self):
        return Quote.objects.for_list(self.request.user)


@_list_schema(serializers.FigureSerializer)
class FigureList(ExportableList):
    serializer_class = serializers.FigureSerializer
    export_name = "figures"

    def get_queryset(self):
        return Figure.objects.for_list(self.request.user)


class Autocomplete(APIView):
    query_parameters = frozenset({"q"})

    @extend_schema(
        summary="Up to eight suggestions for what is being typed",
        parameters=[OpenApiParameter("q", OpenApiTypes.STR)],
        responses={200: serializers.AutocompleteSerializer},
    )
    def get(self, request):
        query = request.query_params.get("q", "")
        return Response(occupation_autocomplete(query=query, user=request.user))
