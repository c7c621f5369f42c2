import logging
import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from . import freshness, versioning
from .api.errors import json_error
from .exports import export_response, table_csv_response
from .filters import SORTS, OccupationFilter
from .insights import insight, insights
from .middleware import API_PREFIX
from .models import Announcement, SkillStandard, Source
from .records import occupation_record
from .selectors import (
    classification_tree,
    home_summary,
    occupation_autocomplete,
    occupation_matches,
    occupation_search,
    record_parts,
    translation_counts,
)
from .seo import occupation_json_ld
from .standards import LevelChoiceError, attach_outlines, chosen_levels, comparison

logger = logging.getLogger(__name__)

# What a database that is down, restarting or unreachable raises.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


class HomeView(TemplateView):
    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if user.is_authenticated and user.is_staff:  # staff see drafts: counted for them
            summary = home_summary(user)
        else:
            # The same for every visitor until the catalogue changes: counted once a version.
            summary = versioning.memoised("home", lambda: home_summary(user))
        return super().get_context_data(**summary, **kwargs)


def _with_params(request, changes: dict):
    """The current parameters with these set (None removes one) and the page reset, for
    {% querystring %}, which takes only literal names itself."""
    params = request.GET.copy()
    for key, value in {**changes, "page": None}.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params


class OccupationListView(TemplateView):
    """The browse and search page: the rows, the facets and the links of one search."""

    template_name = "catalogue/occupation_list.html"
    template_engine = "jinja2"  # catalogue.jinja_env says why
    query_parameters = frozenset({*OccupationFilter.base_filters, "page"})

    def get_context_data(self, **kwargs):
        request = self.request
        matches = occupation_matches(params=request.GET, user=request.user)
        results = occupation_search(matches=matches, page=request.GET.get("page"))
        for facet in results.facets:
            for option in facet["options"]:
                value = None if option["active"] else option["value"]
                option["params"] = _with_params(request, {facet["name"]: value})
        page = results.page
        return super().get_context_data(
            occupations=page.object_list,
            page_obj=page,
            paginator=page.paginator,
            sorts=SORTS,
            query=matches.parsed.text,
            parsed=matches.parsed,
            facets=results.facets,
            snippets=results.snippets,
            suggestion=results.suggestion,
            sort=matches.sort,
            invalid=[
                {
                    "label": problem.label,
                    "errors": problem.errors,
                    "remove_params": _with_params(request, {problem.name: None}),
                }
                for problem in matches.invalid
            ],
            **kwargs,
        )


class OccupationExportView(View):
    """The list page's rows, as filtered and sorted there, as a CSV or JSON Lines download."""

    query_parameters = frozenset(OccupationFilter.base_filters)

    def get(self, request, export_format):
        matches = occupation_matches(params=request.GET, user=request.user)
        return export_response(matches.rows, export_format, request, name=_export_name(matches))


def _export_name(matches) -> str:
    """occupations, or occupations-<filters> from the active ones: a file name that says what."""
    parts = [f"{k}-{v}" for k, v in matches.filters.items()]
    if matches.parsed.text:
        parts.insert(0, "search")
    return "-".join(["occupations", *parts])[:100]


class AutocompleteView(View):
    """Up to eight names for the search box, as JSON: {"results": [{label, url, ...}]}."""

    query_parameters = frozenset({"q"})

    def get(self, request):
        return JsonResponse(
            occupation_autocomplete(query=request.GET.get("q", ""), user=request.user)
        )


class ClassificationView(TemplateView):
    """Major → middle → minor groups with occupation counts, each linking to the list."""

    template_name = "catalogue/classification.html"

    def get_context_data(self, **kwargs):
        groups, uncoded = classification_tree(self.request.user)
        return super().get_context_data(groups=groups, uncoded=uncoded, **kwargs)


class OccupationDetailView(DetailView):
    template_name = "catalogue/occupation_detail.html"
    template_engine = "jinja2"  # catalogue.jinja_env says why
    context_object_name = "occupation"

    def get_object(self, queryset=None):
        occupation = occupation_record(slug=self.kwargs["slug"], user=self.request.user)
        if occupation is None:
            raise Http404("No such occupation.")
        return occupation

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            last_curated=self.object.last_curated,
            json_ld=occupation_json_ld(self.object, self.request),
            user=self.request.user,
            **record_parts(self.object),
            **kwargs,
        )


class StandardCompareView(DetailView):
    query_parameters = frozenset({"levels"})
    """One standard's levels in columns, functions aligned, weights beside: ?levels=5,3."""

    template_name = "catalogue/standard_compare.html"
    context_object_name = "standard"
    slug_field = "key"
    slug_url_kwarg = "key"

    def get_queryset(self):
        return SkillStandard.objects.visible_to(self.request.user).select_related(
            "occupation", "source", "text_source", "weights_source"
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        attach_outlines([self.object])
        context = {"standard": self.object, "occupation": self.object.occupation}
        try:
            levels = chosen_levels(self.object, request.GET.get("levels"))
        except LevelChoiceError as error:
            context["error"] = str(error)
            return self.render_to_response(self.get_context_data(**context), status=400)
        context.update(
            levels=levels,
            rows=comparison(levels),
            totals=[sum(w.weight_pct for w in lv.weight_rows) for lv in levels],
            extracted=any(lv.outline_functions for lv in levels),
        )
        return self.render_to_response(self.get_context_data(**context))


class AnnouncementListView(ListView):
    """The batches as a timeline, newest first, each with its occupations."""

    template_name = "catalogue/announcement_list.html"
    context_object_name = "announcements"

    def get_queryset(self):
        return Announcement.objects.timeline(self.request.user)


class AnnouncementDetailView(DetailView):
    template_name = "catalogue/announcement_detail.html"
    context_object_name = "announcement"
    slug_field = "key"
    slug_url_kwarg = "key"

    def get_queryset(self):
        return Announcement.objects.for_page(self.request.user)


class SourceDetailView(DetailView):
    template_name = "catalogue/source_detail.html"
    context_object_name = "source"
    slug_field = "key"
    slug_url_kwarg = "key"

    def get_queryset(self):
        return Source.objects.for_page(self.request.user)


def page_not_found(request, exception):
    if request.path.startswith(API_PREFIX):
        return json_error(404, "Not found.")
    return render(request, "404.html", status=404)


def server_error(request):
    """500, or 503 with Retry-After when what failed is the database being out of reach."""
    unavailable = isinstance(sys.exc_info()[1], DATABASE_DOWN)
    status = 503 if unavailable else 500
    if request.path.startswith(API_PREFIX):
        response = json_error(
            status,
            "The catalogue's database is unavailable; try again shortly."
            if unavailable
            else "The catalogue could not answer this request.",
        )
    else:
        # No context processor touches the database: it may be what failed.
        template = "503.html" if unavailable else "500.html"
        response = render(request, template, status=status, using=None)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return freshness.uncacheable(response)


def healthz(request):
    """200 when the app can query its database, 503 otherwise; for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_DOWN as error:
        # The reason (which names the database's host and port) goes to the log, not to
        # whoever asks.
        logger.error("healthz: the database is unavailable: %s", str(error).strip())
        response = JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = JsonResponse({"status": "ok", "database": "ok"})
    return freshness.uncacheable(response)


class AboutTranslationsView(TemplateView):
    """What the catalogue's English is, how it is marked, and how much of it is reviewed."""

    template_name = "catalogue/about_translations.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(counts=translation_counts(), **kwargs)


class InsightsView(TemplateView):
    """Charts of the catalogue and its sources, each with its table and a CSV of it."""

    template_name = "catalogue/insights.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(insights=insights(self.request.user), **kwargs)


class InsightCSVView(View):
    def get(self, request, slug):
        found = insight(request.user, slug)
        if found is None:
            raise Http404(f"No insight {slug}.")
        return table_csv_response(found.columns, found.table, name=f"insight-{slug}")


def favicon(request):
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('catalogue:occupation-autocomplete')}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
