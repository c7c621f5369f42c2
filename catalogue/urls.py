from django.urls import path, register_converter

from . import views


class ExportFormat:
    regex = "csv|jsonl"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormat, "export")

app_name = "catalogue"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("occupations/", views.OccupationListView.as_view(), name="occupation-list"),
    path(
        "occupations/export.<export:export_format>",
        views.OccupationExportView.as_view(),
        name="occupation-export",
    ),
    path(
        "occupations/autocomplete/",
        views.AutocompleteView.as_view(),
        name="occupation-autocomplete",
    ),
    path("classification/", views.ClassificationView.as_view(), name="classification"),
    path(
        "occupations/<slug:slug>/",
        views.OccupationDetailView.as_view(),
        name="occupation-detail",
    ),
    path(
        "standards/<slug:key>/compare/",
        views.StandardCompareView.as_view(),
        name="standard-compare",
    ),
    path("announcements/", views.AnnouncementListView.as_view(), name="announcement-list"),
    path(
        "announcements/<slug:key>/",
        views.AnnouncementDetailView.as_view(),
        name="announcement-detail",
    ),
    path("sources/<slug:key>/", views.SourceDetailView.as_view(), name="source-detail"),
    path("insights/", views.InsightsView.as_view(), name="insights"),
    path(
        "about/translations/",
        views.AboutTranslationsView.as_view(),
        name="about-translations",
    ),
    path("insights/<slug:slug>.csv", views.InsightCSVView.as_view(), name="insight-csv"),
]
