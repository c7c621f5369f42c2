from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"

urlpatterns = [
    path("occupations/", views.OccupationList.as_view(), name="occupation-list"),
    path("occupations/<slug:slug>/", views.OccupationDetail.as_view(), name="occupation-detail"),
    path("standards/<slug:key>/", views.StandardDetail.as_view(), name="standard-detail"),
    path("standards/<slug:key>/compare/", views.StandardCompare.as_view(), name="standard-compare"),
    path("classification/", views.ClassificationTree.as_view(), name="classification"),
    path("announcements/", views.AnnouncementList.as_view(), name="announcement-list"),
    path(
        "announcements/<slug:key>/",
        views.AnnouncementDetail.as_view(),
        name="announcement-detail",
    ),
    path("sources/", views.SourceList.as_view(), name="source-list"),
    path("quotes/", views.QuoteList.as_view(), name="quote-list"),
    path("figures/", views.FigureList.as_view(), name="figure-list"),
    path("autocomplete/", views.Autocomplete.as_view(), name="autocomplete"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
