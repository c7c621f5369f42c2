"""sitemap.xml: every public page in both languages, each with its alternate."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Announcement, Occupation, Source


class CatalogueSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PageSitemap(CatalogueSitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "catalogue:home",
            "catalogue:occupation-list",
            "catalogue:classification",
            "catalogue:announcement-list",
            "catalogue:insights",
            "catalogue:about-translations",
        ]

    def location(self, item):
        return reverse(item)


class OccupationSitemap(CatalogueSitemap):
    changefreq = "monthly"

    def items(self):
        # What an anonymous visitor may see: published records only.
        return Occupation.objects.published().order_by("code", "slug").only("slug", "updated_at")

    def lastmod(self, occupation):
        return occupation.updated_at


class AnnouncementSitemap(CatalogueSitemap):
    def items(self):
        return Announcement.objects.order_by("date", "key").only("key", "updated_at")

    def lastmod(self, announcement):
        return announcement.updated_at


class SourceSitemap(CatalogueSitemap):
    def items(self):
        return Source.objects.order_by("key").only("key", "updated_at")

    def lastmod(self, source):
        return source.updated_at


SITEMAPS = {
    "pages": PageSitemap,
    "occupations": OccupationSitemap,
    "announcements": AnnouncementSitemap,
    "sources": SourceSitemap,
}
