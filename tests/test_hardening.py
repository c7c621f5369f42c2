"""Production hardening: deploy checks, security headers, CSP, login lockout, the admin's
address, rate limits, /healthz, the database going away, and statement_timeout."""

import importlib
import os
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection
from django.test import TestCase, override_settings
from django.urls import clear_url_caches, reverse

from config import env

ROOT = Path(__file__).resolve().parent.parent
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "SECRET_KEY": "a-production-like-secret-key-that-is-long-and-random-0123456789",
    "ALLOWED_HOSTS": "catalogue.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
}


def test_check_deploy_reports_nothing():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        # As deployed: without what the browser tests set for their own process.
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            **PROD_ENV,
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


class SecurityHeaderTests(TestCase):
    fixtures = ["seed"]

    def test_every_page_sends_the_security_headers_and_a_strict_csp(self):
        for url in ["/", "/occupations/ai-trainer/", "/api/v1/occupations/", "/admin/login/"]:
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(response["Referrer-Policy"], "same-origin")
                self.assertEqual(response["X-Frame-Options"], "DENY")
                policy = response["Content-Security-Policy"]
                self.assertIn("default-src 'self'", policy)
                self.assertIn("script-src 'self'", policy)
                self.assertIn("frame-ancestors 'none'", policy)
                self.assertNotIn("unsafe-inline", policy)
                self.assertNotIn("unsafe-eval", policy)

    def test_pages_have_no_inline_script_or_style(self):
        import re

        for url in [
            "/",
            "/occupations/?q=训练师",
            "/occupations/ai-trainer/",
            "/insights/",
            "/api/v1/docs/",
            "/admin/login/",
        ]:
            with self.subTest(url):
                html = self.client.get(url).content.decode()
                scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
                # Only data blocks (JSON-LD), which a CSP does not govern.
                self.assertEqual([s for s in scripts if "application/ld+json" not in s], [])
                self.assertNotIn("<style", html)
                self.assertIsNone(re.search(r"\sstyle=", html))


class AdminHardeningTests(TestCase):
    def setUp(self):
        get_user_model().objects.create_superuser("curator", "c@example.org", "right-password")

    def login(self, password):
        return self.client.post(
            reverse("admin:login"), {"username": "curator", "password": password}
        )

    def test_repeated_failures_lock_the_login_out(self):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            self.assertEqual(self.login("wrong").status_code, 200)
        locked = self.login("wrong")
        self.assertEqual(locked.status_code, 429)
        self.assertContains(locked, "Too many failed logins", status_code=429)
        # Even the right password is refused while locked out.
        self.assertEqual(self.login("right-password").status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_success_before_the_limit_resets_the_count(self):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            self.login("wrong")
        self.assertEqual(self.login("right-password").status_code, 302)

    def test_the_admin_address_is_configurable(self):
        import config.urls

        try:
            with override_settings(ADMIN_URL="curation-7f3a/"):
                importlib.reload(config.urls)
                clear_url_caches()
                self.assertEqual(reverse("admin:index"), "/curation-7f3a/")
                self.assertEqual(self.client.get("/admin/").status_code, 404)
                self.assertEqual(self.client.get("/curation-7f3a/").status_code, 302)
                self.assertIn(
                    "Disallow: /curation-7f3a/", self.client.get("/robots.txt").content.decode()
                )
        finally:
            # Outside the override: the address the other tests expect.
            importlib.reload(config.urls)
            clear_url_caches()
        self.assertEqual(reverse("admin:index"), "/admin/")


@override_settings(RATE_LIMITS={"search": 3, "autocomplete": 2, "api": 2})
class RateLimitTests(TestCase):
    fixtures = ["seed"]

    def test_searches_beyond_the_limit_get_429_with_retry_after(self):
        for n in range(3):
            self.assertEqual(self.client.get("/occupations/", {"q": f"a{n}"}).status_code, 200)
        refused = self.client.get("/occupations/", {"q": "again"})
        self.assertEqual(refused.status_code, 429)
        self.assertTrue(1 <= int(refused["Retry-After"]) <= 61)
        self.assertContains(refused, "Too many requests", status_code=429)
        self.assertContains(refused, 'class="site-header"', status_code=429)
        # Browsing without a search is not limited.
        self.assertEqual(self.client.get("/occupations/ai-trainer/").status_code, 200)

    def test_api_and_autocomplete_answer_json(self):
        for url, limit in [("/api/v1/occupations/", 2), ("/occupations/autocomplete/?q=ai", 2)]:
            with self.subTest(url):
                for _ in range(limit):
                    self.assertEqual(self.client.get(url).status_code, 200)
                refused = self.client.get(url)
                self.assertEqual(refused.status_code, 429)
                self.assertIn("Retry-After", refused)
                self.assertIn("at most", refused.json()["detail"])

    def test_each_address_has_its_own_allowance(self):
        for _ in range(3):
            self.client.get("/api/v1/occupations/", REMOTE_ADDR="10.0.0.1")
        self.assertEqual(
            self.client.get("/api/v1/occupations/", REMOTE_ADDR="10.0.0.2").status_code, 200
        )

    @override_settings(RATE_LIMITS={"page": 2})
    def test_every_anonymous_page_is_limited_but_health_checks_and_static_files(self):
        for url in ["/", "/occupations/ai-trainer/"]:
            self.assertEqual(self.client.get(url).status_code, 200)
        refused = self.client.get("/classification/")
        self.assertEqual(refused.status_code, 429)
        self.assertContains(refused, 'class="site-header"', status_code=429)
        # An unknown parameter is no way around it.
        self.assertEqual(self.client.get("/occupations/ai-trainer/?x=1").status_code, 429)
        for _ in range(3):
            self.assertEqual(self.client.get("/healthz").status_code, 200)
            self.assertEqual(self.client.get("/static/css/site.css").status_code, 200)

    @override_settings(RATE_LIMIT_STORE="database", RATE_LIMITS={"search": 2})
    def test_counts_kept_in_the_database(self):
        from catalogue.models import RateLimitCount

        RateLimitCount.objects.create(
            key="ratelimit:search:x:1", count=9, expires_at="2001-01-01T00:00:00Z"
        )
        for n in range(2):
            self.assertEqual(self.client.get("/occupations/", {"q": f"a{n}"}).status_code, 200)
        self.assertEqual(self.client.get("/occupations/", {"q": "a3"}).status_code, 429)
        (row,) = RateLimitCount.objects.all()  # the ended window's row was forgotten
        self.assertEqual(row.count, 3)
        self.assertTrue(row.key.startswith("ratelimit:search:127.0.0.1:"))

    def test_curators_are_not_limited(self):
        self.client.force_login(
            get_user_model().objects.create_superuser("curator", "c@example.org", "pw")
        )
        for _ in range(5):
            self.assertEqual(self.client.get("/api/v1/occupations/").status_code, 200)


class ClientAddressTests(TestCase):
    """Rate limits and the login lockout count per client; behind proxies, the client is the
    address the trusted proxies say they forwarded for, and only theirs is believed."""

    def address(self, remote, forwarded=None):
        from django.test import RequestFactory

        from catalogue.clients import client_address

        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
        return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))

    def test_without_the_setting_the_connecting_address(self):
        self.assertEqual(self.address("203.0.113.9", "198.51.100.7"), "203.0.113.9")

    @override_settings(TRUSTED_PROXIES=1)
    def test_a_number_of_proxies(self):
        # The proxy appends the address it saw; whatever the client sent before it is not believed.
        self.assertEqual(self.address("10.0.0.2", "198.51.100.7"), "198.51.100.7")
        self.assertEqual(self.address("10.0.0.2", "1.2.3.4, 198.51.100.7"), "198.51.100.7")
        self.assertEqual(self.address("10.0.0.2"), "10.0.0.2")  # not through the proxy
        self.assertEqual(self.address("10.0.0.2", "not-an-address"), "10.0.0.2")
        with override_settings(TRUSTED_PROXIES=2):
            self.assertEqual(
                self.address("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.3"), "198.51.100.7"
            )

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "192.0.2.1"])
    def test_the_addresses_of_the_proxies(self):
        self.assertEqual(self.address("10.0.0.2", "198.51.100.7, 192.0.2.1"), "198.51.100.7")
        self.assertEqual(
            self.address("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.9.9.9"), "198.51.100.7"
        )
        # A client that is not one of the proxies is believed about nothing it forwards.
        self.assertEqual(self.address("203.0.113.9", "198.51.100.7"), "203.0.113.9")

    def test_the_setting_is_read_from_the_environment(self):
        self.assertEqual(env.trusted_proxies(""), 0)
        self.assertEqual(env.trusted_proxies("2"), 2)
        self.assertEqual(env.trusted_proxies("10.0.0.0/8, 192.0.2.1"), ["10.0.0.0/8", "192.0.2.1"])
        with self.assertRaisesMessage(env.ImproperlyConfigured, "TRUSTED_PROXIES"):
            env.trusted_proxies("10.0.0.300")

    @override_settings(TRUSTED_PROXIES=1, RATE_LIMITS={"api": 2})
    def test_rate_limits_count_per_forwarded_client(self):
        behind = {"REMOTE_ADDR": "10.0.0.2"}
        for _ in range(2):
            self.client.get(
                "/api/v1/classification/", HTTP_X_FORWARDED_FOR="198.51.100.7", **behind
            )
        refused = self.client.get(
            "/api/v1/classification/", HTTP_X_FORWARDED_FOR="198.51.100.7", **behind
        )
        self.assertEqual(refused.status_code, 429)
        # Another client behind the same proxy has its own allowance; a forged header does not
        # buy the first one a new one.
        other = self.client.get(
            "/api/v1/classification/", HTTP_X_FORWARDED_FOR="198.51.100.8", **behind
        )
        self.assertEqual(other.status_code, 200)
        forged = self.client.get(
            "/api/v1/classification/", HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.7", **behind
        )
        self.assertEqual(forged.status_code, 429)

    @override_settings(RATE_LIMITS={"api": 2})
    def test_without_the_setting_a_forwarded_header_buys_nothing(self):
        for n in range(2):
            self.client.get("/api/v1/classification/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        refused = self.client.get("/api/v1/classification/", HTTP_X_FORWARDED_FOR="198.51.100.9")
        self.assertEqual(refused.status_code, 429)

    @override_settings(TRUSTED_PROXIES=1)
    def test_the_login_lockout_is_per_forwarded_client(self):
        get_user_model().objects.create_superuser("curator", "c@example.org", "right-password")

        def login(password, client_address):
            return self.client.post(
                reverse("admin:login"),
                {"username": "curator", "password": password},
                REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR=client_address,
            )

        for _ in range(settings.AXES_FAILURE_LIMIT):
            login("wrong", "198.51.100.7")
        self.assertEqual(login("right-password", "198.51.100.7").status_code, 429)
        # The curator at another address behind the same proxy is not locked out.
        self.assertEqual(login("right-password", "198.51.100.8").status_code, 302)


class HealthAndOutageTests(TestCase):
    fixtures = ["seed"]

    def test_healthz_queries_the_database(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "database": "ok"})
        self.assertEqual(response["Cache-Control"], "no-store")

    def test_healthz_says_503_when_the_database_is_down(self):
        with mock.patch.object(
            connection, "cursor", side_effect=OperationalError("connection refused")
        ):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["status"], "unavailable")
        self.assertIn("Retry-After", response)

    def test_healthz_does_not_tell_where_the_database_is(self):
        down = OperationalError('connection to server at "10.20.30.40", port 6543 failed')
        with (
            mock.patch.object(connection, "cursor", side_effect=down),
            self.assertLogs("catalogue", "ERROR") as logged,
        ):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "unavailable", "database": "unavailable"})
        self.assertNotIn(b"10.20.30.40", response.content)
        self.assertNotIn(b"6543", response.content)
        # The operator finds the reason in the log.
        self.assertIn("10.20.30.40", "\n".join(logged.output))

    def test_pages_answer_503_that_look_like_the_site(self):
        down = OperationalError('connection to server at "127.0.0.1", port 5432 failed')
        self.client.raise_request_exception = False
        with mock.patch("catalogue.versioning.current", side_effect=down):
            page = self.client.get("/occupations/ai-trainer/")
            api = self.client.get("/api/v1/occupations/")
        self.assertEqual(page.status_code, 503)
        self.assertEqual(page["Retry-After"], "30")
        self.assertContains(page, "Back in a moment", status_code=503)
        self.assertContains(page, 'class="site-header"', status_code=503)
        self.assertEqual(api.status_code, 503)
        self.assertIn("unavailable", api.json()["detail"])
        # And once it is back, the same page answers again.
        self.assertEqual(self.client.get("/occupations/ai-trainer/").status_code, 200)

    def test_other_errors_stay_500(self):
        self.client.raise_request_exception = False
        with mock.patch("catalogue.versioning.current", side_effect=ValueError("bug")):
            response = self.client.get("/")
        self.assertEqual(response.status_code, 500)
        self.assertNotIn("Retry-After", response)


class DatabaseSettingsTests(TestCase):
    def test_no_statement_may_run_away(self):
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            self.assertEqual(cursor.fetchone()[0], "5s")
            with self.assertRaisesMessage(OperationalError, "statement timeout"):
                cursor.execute("SET LOCAL statement_timeout = '50ms'; SELECT pg_sleep(1)")

    def test_every_round_trip_has_a_deadline(self):
        from django.db import connections

        # A fresh connection: an import command run earlier in the suite lifts the deadline
        # of its own session (catalogue.management.unbounded_statements).
        fresh = connections.create_connection("default")
        self.assertEqual(fresh.client_timeout, 6)  # statement_timeout, and a second
        self.assertEqual(connection.settings_dict["OPTIONS"]["connect_timeout"], 3)
        # A connection of its own: the deadline cuts it.
        other = connections.create_connection("default")
        other.client_timeout = 0.5
        try:
            started = time.monotonic()
            with self.assertRaises(OperationalError), other.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(3)")
            self.assertLess(time.monotonic() - started, 2)
        finally:
            other.close()

    def test_durations_read_as_postgresql_reads_them(self):
        for value, seconds in [("5s", 5), ("500ms", 0.5), ("1min", 60), ("250", 0.25)]:
            self.assertEqual(env.duration_seconds(value), seconds)
        with self.assertRaises(env.ImproperlyConfigured):
            env.duration_seconds("soon")

    def test_connections_persist_and_are_health_checked(self):
        database = env.databases("postgres://u@h:5432/db")["default"]
        self.assertEqual(database["CONN_MAX_AGE"], 60)
        self.assertTrue(database["CONN_HEALTH_CHECKS"])

    def test_cache_is_redis_when_redis_url_is_set(self):
        self.assertEqual(
            env.cache("redis://127.0.0.1:6379/1")["BACKEND"],
            "django.core.cache.backends.redis.RedisCache",
        )
        self.assertEqual(
            env.cache(None)["BACKEND"], "django.core.cache.backends.locmem.LocMemCache"
        )
