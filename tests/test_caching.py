"""Conditional GET and the page cache, both keyed by the catalogue's version."""

import socket

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue import versioning
from catalogue.models import Occupation

from .factories import OccupationFactory
from .helpers import index_for_search

PAGES = [
    "/",
    "/occupations/?q=训练师",
    "/occupations/ai-trainer/",
    "/zh-hans/classification/",
    "/insights/",
    "/api/v1/occupations/?q=trainer",
    "/occupations/autocomplete/?q=训练",
]


def redis_available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


class CatalogueVersionTests(TestCase):
    fixtures = ["seed"]

    def test_any_save_delete_or_link_raises_the_version(self):
        occupation = Occupation.objects.get(slug="ai-trainer")
        before = versioning.current().number
        occupation.save()
        self.assertEqual(versioning.current().number, before + 1)
        occupation.related.add(Occupation.objects.get(slug="internet-marketer"))
        self.assertGreater(versioning.current().number, before + 1)
        middle = versioning.current().number
        occupation.alternate_titles.first().delete()
        self.assertGreater(versioning.current().number, middle)

    def test_a_change_that_rolls_back_leaves_the_version(self):
        from django.db import transaction

        before = versioning.current()
        with transaction.atomic():
            Occupation.objects.get(slug="ai-trainer").save()
            transaction.set_rollback(True)
        self.assertEqual(versioning.current(), before)

    def test_bulk_writes_of_imports_raise_it_too(self):
        from catalogue.imports import _save

        before = versioning.current().number
        occupation = Occupation.objects.get(slug="ai-trainer")
        occupation.definition_en = "changed by an import"
        _save(Occupation, create=[], update={occupation: ["definition_en"]}, reason="test")
        self.assertGreater(versioning.current().number, before)


class ConditionalGetTests(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        index_for_search()

    def test_public_pages_carry_etag_last_modified_and_cache_control(self):
        for url in PAGES:
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response["ETag"].startswith('"'))
                self.assertIn("Last-Modified", response)
                self.assertIn("public", response["Cache-Control"])
                self.assertIn("max-age=60", response["Cache-Control"])
                self.assertIn("Cookie", response["Vary"])

    @override_settings(CATALOGUE_MAX_AGE=300)
    def test_every_public_answer_is_reusable_for_the_configured_time(self):
        for url in [*PAGES, "/occupations/export.csv", "/api/v1/quotes/?format=csv"]:
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(
                    sorted(response["Cache-Control"].split(", ")), ["max-age=300", "public"]
                )
        # Not the catalogue's data, and not validated by its version: reusable all the same.
        schema = self.client.get(reverse("api:schema"))
        self.assertEqual(schema["Cache-Control"], "public, max-age=300")
        self.assertNotIn("ETag", schema)

    def test_answers_about_this_moment_are_never_stored(self):
        self.assertEqual(self.client.get("/healthz")["Cache-Control"], "no-store")
        self.assertEqual(self.client.get("/api/v1/occupations/nope/")["Cache-Control"], "no-cache")
        self.assertNotIn("ETag", self.client.get("/occupations/nope/"))

    def test_if_none_match_is_answered_304_without_rendering(self):
        for url in PAGES:
            with self.subTest(url):
                etag = self.client.get(url)["ETag"]
                with CaptureQueriesContext(connection) as queries:
                    response = self.client.get(url, HTTP_IF_NONE_MATCH=etag)
                self.assertEqual(response.status_code, 304)
                self.assertEqual(response.content, b"")
                self.assertEqual(len(queries), 1)  # the version, nothing else

    def test_if_modified_since_is_answered_304(self):
        last_modified = self.client.get("/insights/")["Last-Modified"]
        response = self.client.get("/insights/", HTTP_IF_MODIFIED_SINCE=last_modified)
        self.assertEqual(response.status_code, 304)

    def test_an_admin_save_changes_every_etag_and_the_page(self):
        url = "/occupations/ai-trainer/"
        first = self.client.get(url)
        occupation = Occupation.objects.get(slug="ai-trainer")
        occupation.name_en = "AI trainer (renamed)"
        occupation.save()
        second = self.client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(second.status_code, 200)
        self.assertNotEqual(second["ETag"], first["ETag"])
        self.assertContains(second, "AI trainer (renamed)")
        other = self.client.get("/", HTTP_IF_NONE_MATCH=self.client.get("/")["ETag"])
        self.assertEqual(other.status_code, 304)  # the new version's ETag, matched

    def test_etags_differ_by_address_and_language(self):
        tags = {self.client.get(url)["ETag"] for url in ["/", "/zh-hans/", "/occupations/"]}
        self.assertEqual(len(tags), 3)

    def test_staff_are_never_cached_and_never_get_a_public_page(self):
        staff = get_user_model().objects.create_superuser("curator", "c@example.org", "pw")
        draft = OccupationFactory(code="4-99-99-01", slug="a-draft", status=Occupation.Status.DRAFT)
        self.assertEqual(self.client.get("/occupations/a-draft/").status_code, 404)
        self.client.force_login(staff)
        response = self.client.get("/occupations/a-draft/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("private", response["Cache-Control"])
        self.client.logout()
        self.assertEqual(self.client.get(draft.get_absolute_url()).status_code, 404)

    def test_downloads_are_streamed_not_cached(self):
        response = self.client.get("/occupations/export.csv")
        self.assertTrue(response.streaming)
        self.assertIn("Last-Modified", response)


class PageCacheTests(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        index_for_search()

    def assert_cached(self):
        for url in PAGES:
            with self.subTest(url):
                first = self.client.get(url)
                with CaptureQueriesContext(connection) as queries:
                    again = self.client.get(url)
                self.assertEqual(again.content, first.content)
                self.assertEqual(again["ETag"], first["ETag"])
                self.assertEqual(len(queries), 1)  # the version; the page from the cache

    def test_local_memory_cache(self):
        self.assertEqual(
            caches["default"].__class__.__name__, "LocMemCache", "the default without REDIS_URL"
        )
        self.assert_cached()

    @pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379")
    def test_redis_cache(self):
        location = "redis://127.0.0.1:6379/15"
        redis = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": location,
                "KEY_PREFIX": "catalogue-tests",
            }
        }
        with override_settings(CACHES=redis):
            caches["default"].clear()
            self.assertEqual(caches["default"].__class__.__name__, "RedisCache")
            self.assert_cached()
            stored = caches["default"]._cache.get_client().keys("catalogue-tests:*page:*")
            self.assertTrue(stored)
            caches["default"].clear()

    def test_unknown_parameters_are_the_same_page(self):
        for url, junk in [
            ("/occupations/?major=4", "utm_source"),
            ("/occupations/ai-trainer/", "xjunk"),
            ("/api/v1/occupations/?page_size=5", "cachebuster"),
            ("/api/v1/quotes/", "nocache"),
        ]:
            with self.subTest(url):
                first = self.client.get(url)
                self.assertNotIn(junk, first.content.decode())
                for n in range(3):
                    joiner = "&" if "?" in url else "?"
                    with CaptureQueriesContext(connection) as queries:
                        again = self.client.get(f"{url}{joiner}{junk}={n}")
                    self.assertEqual(again.status_code, 200)
                    self.assertEqual(len(queries), 1)  # the version; the page from the cache
                    self.assertEqual(again["ETag"], first["ETag"])
                    self.assertEqual(again.content, first.content)

    def test_a_page_first_asked_for_with_unknown_parameters_links_without_them(self):
        page = self.client.get("/occupations/?major=4&tracking=abc").content.decode()
        self.assertIn("major=4", page)
        self.assertNotIn("tracking", page)  # facet links, pages, language switcher
        self.assertEqual(self.client.get("/occupations/?major=4").content.decode(), page)

    def test_a_new_version_is_a_new_page(self):
        url = reverse("catalogue:occupation-detail", args=["ai-trainer"])
        self.client.get(url)
        Occupation.objects.filter(slug="ai-trainer").update(name_en="Renamed quietly")
        self.assertNotContains(self.client.get(url), "Renamed quietly")  # no save: no version
        versioning.bump()
        self.assertContains(self.client.get(url), "Renamed quietly")


class SameOnEveryMachineTests(TestCase):
    """Two machines running one release answer with the same ETags and share cache keys,
    however their files' times differ (a checkout, an image build, a copy)."""

    def copy_of_the_code(self, directory):
        import shutil
        from pathlib import Path

        from django.conf import settings

        root = Path(directory)
        for folder in ["catalogue", "templates", "static", "locale"]:
            shutil.copytree(settings.BASE_DIR / folder, root / folder)
        return root

    def test_the_release_is_a_digest_of_content_not_of_file_times(self):
        import os
        import tempfile

        from config import env

        with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
            first, second = self.copy_of_the_code(one), self.copy_of_the_code(two)
            for path in second.rglob("*"):
                os.utime(path, (1_000_000_000, 1_000_000_000))
            self.assertEqual(env.release_fingerprint(first), env.release_fingerprint(second))
            template = second / "templates" / "base.html"
            template.write_text(template.read_text() + "\n")
            self.assertNotEqual(env.release_fingerprint(first), env.release_fingerprint(second))

    def test_static_files_are_tagged_by_their_content(self):
        import hashlib
        import os

        from django.conf import settings

        path = settings.BASE_DIR / "static" / "css" / "site.css"
        first = self.client.get("/static/css/site.css")
        expected = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        self.assertEqual(first["ETag"], f'"{expected}"')
        stat = path.stat()
        try:
            os.utime(path, (stat.st_atime, stat.st_mtime + 3600))
            self.assertEqual(self.client.get("/static/css/site.css")["ETag"], first["ETag"])
        finally:
            os.utime(path, (stat.st_atime, stat.st_mtime))
