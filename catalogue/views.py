from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.shortcuts import render
from django.views.generic import DetailView, ListView, TemplateView

from .models import Announcement, Figure, MajorGroup, Occupation, Quote, Source
from .querysets import attach_standard_outlines


class HomeView(TemplateView):
    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        visible = Occupation.objects.visible_to(self.request.user)
        published = Q(middle_groups__minor_groups__occupations__in=visible)
        return super().get_context_data(
            # Meta.ordering does not apply to aggregate queries: order explicitly.
            major_groups=MajorGroup.objects.annotate(
                occupation_count=Count("middle_groups__minor_groups__occupations", filter=published)
            ).order_by("code"),
            occupation_count=visible.count(),
            announcements=Announcement.objects.annotate(
                occupation_count=Count("occupations", filter=Q(occupations__in=visible))
            ).order_by("-date", "-batch_number")[:5],
            figures=Figure.objects.filter(featured=True)
            .select_related("source")
            .order_by("source__key", "position")[:4],
            catalogue_data_dir=settings.CATALOGUE_DATA_DIR,
            **kwargs,
        )


class OccupationListView(ListView):
    template_name = "catalogue/occupation_list.html"
    context_object_name = "occupations"
    paginate_by = settings.CATALOGUE_PAGE_SIZE

    def get_queryset(self):
        return (
            Occupation.objects.visible_to(self.request.user)
            .search(self.request.GET.get("q", ""))
            .for_list()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.request.GET.get("q", "").strip(), **kwargs)


class OccupationDetailView(DetailView):
    template_name = "catalogue/occupation_detail.html"
    context_object_name = "occupation"

    def get_queryset(self):
        user = self.request.user
        return Occupation.objects.visible_to(user).for_detail(user)

    def get_object(self, queryset=None):
        occupation = super().get_object(queryset)
        attach_standard_outlines(occupation)
        return occupation

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            last_curated=self.object.history.filter(history_user__isnull=False)
            .select_related("history_user")
            .first(),
            **kwargs,
        )


def _announcement_occupations(user):
    visible = Occupation.objects.visible_to(user).only(
        "code", "slug", "name_zh", "name_en", "name_pinyin", "announcement_id", "status"
    )
    return Prefetch("occupations", queryset=visible.order_by("code", "name_zh"))


class AnnouncementListView(ListView):
    """The batches as a timeline, newest first, each with its occupations."""

    template_name = "catalogue/announcement_list.html"
    context_object_name = "announcements"

    def get_queryset(self):
        return Announcement.objects.order_by("-date", "-batch_number").prefetch_related(
            _announcement_occupations(self.request.user)
        )


class AnnouncementDetailView(DetailView):
    template_name = "catalogue/announcement_detail.html"
    context_object_name = "announcement"
    slug_field = "key"
    slug_url_kwarg = "key"

    def get_queryset(self):
        return Announcement.objects.prefetch_related(_announcement_occupations(self.request.user))


class SourceDetailView(DetailView):
    template_name = "catalogue/source_detail.html"
    context_object_name = "source"
    slug_field = "key"
    slug_url_kwarg = "key"

    def get_queryset(self):
        visible = Occupation.objects.visible_to(self.request.user).only(
            "slug", "name_zh", "name_en"
        )
        return Source.objects.prefetch_related(
            Prefetch(
                "quote_set",
                queryset=Quote.objects.prefetch_related(
                    Prefetch("occupations", queryset=visible)
                ).order_by("position"),
            ),
            Prefetch(
                "figure_set",
                queryset=Figure.objects.prefetch_related(
                    Prefetch("occupations", queryset=visible)
                ).order_by("position"),
            ),
        )


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that touch the database: it may be what failed.
    return render(request, "500.html", status=500, using=None)
