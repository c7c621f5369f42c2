from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("occupations/", views.OccupationListView.as_view(), name="occupation-list"),
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
    path("announcements/", views.AnnouncementListView.as_view(), name="announcement-list"),
    path(
        "announcements/<slug:key>/",
        views.AnnouncementDetailView.as_view(),
        name="announcement-detail",
    ),
    path("sources/<slug:key>/", views.SourceDetailView.as_view(), name="source-detail"),
]
