from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from catalogue.sitemaps import SITEMAPS
from catalogue.views import favicon, healthz, robots_txt

admin.site.site_header = "Occupations catalogue — curation"
admin.site.site_title = "Occupations catalogue"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/", include("catalogue.api.urls")),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots-txt"),
    # Browsers ask for /favicon.ico wherever a page names no icon (the admin's pages).
    path("favicon.ico", favicon),
    path("sitemap.xml", sitemaps.index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    # English at /occupations/…, Simplified Chinese at /zh-hans/occupations/…: one address per
    # page and language, so links, caches and search engines never see one mixed with the other.
    *i18n_patterns(path("", include("catalogue.urls")), prefix_default_language=False),
]

handler404 = "catalogue.views.page_not_found"
handler500 = "catalogue.views.server_error"
