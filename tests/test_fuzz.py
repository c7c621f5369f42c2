"""hypothesis throws arbitrary strings and parameters at the search page, its filters, the
autocomplete and the API: the answer is 200, 400 or 404, never a server error."""

import os
from unittest import mock

from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from .helpers import index_for_search

PARAMETERS = [
    "q",
    "major",
    "middle",
    "minor",
    "digital",
    "green",
    "announcement",
    "standard",
    "level",
    "sort",
    "page",
    "page_size",
    "format",
]
# Any text a browser could send, control characters and NUL included (not lone surrogates,
# which no URL can carry).
TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=80)
LIKELY = st.sampled_from(
    [
        "",
        "4",
        "4-04",
        "4-04-05",
        "yes",
        "no",
        "1",
        "5",
        "0",
        "-1",
        "99999999999999999999",
        "relevance",
        "code",
        "newest",
        "csv",
        "jsonl",
        "batch-2",
        "人工智能",
        "' OR 1=1 --",
    ]
)
QUERIES = st.dictionaries(st.sampled_from(PARAMETERS), st.one_of(TEXT, LIKELY), max_size=6)
ALLOWED = {200, 400, 404}
# The same examples in every run, so CI cannot fail on a new draw; FUZZ_EXPLORE=2000 draws
# that many fresh ones per test instead.
EXPLORE = int(os.environ.get("FUZZ_EXPLORE", "0"))
FUZZ = settings(
    max_examples=EXPLORE or 120,
    deadline=None,
    derandomize=not EXPLORE,
    suppress_health_check=[HealthCheck.too_slow],
)


@override_settings(RATE_LIMITS={})
class FuzzTests(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        index_for_search()

    def assert_answered(self, url, params):
        response = self.client.get(url, params)
        self.assertIn(response.status_code, ALLOWED, (url, params))
        if response.streaming:
            # The status was sent before the first row: an error while streaming shows only
            # when the whole body is read.
            b"".join(response.streaming_content)
        return response

    @FUZZ
    @given(QUERIES)
    def test_search_page_and_filters(self, params):
        self.assert_answered("/occupations/", params)

    @FUZZ
    @given(QUERIES)
    def test_chinese_search_page(self, params):
        self.assert_answered("/zh-hans/occupations/", params)

    @FUZZ
    @given(QUERIES)
    def test_api_list(self, params):
        response = self.assert_answered("/api/v1/occupations/", params)
        if response.status_code == 400:
            self.assertIn("errors", response.json())

    @FUZZ
    @given(QUERIES, st.sampled_from(["csv", "jsonl"]))
    def test_downloads(self, params, export_format):
        self.assert_answered(f"/occupations/export.{export_format}", params)

    @FUZZ
    @given(TEXT)
    def test_autocomplete(self, text):
        for url in ("/occupations/autocomplete/", "/api/v1/autocomplete/"):
            self.assert_answered(url, {"q": text})

    @FUZZ
    @given(st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=40))
    def test_any_address_under_the_catalogue(self, tail):
        from urllib.parse import quote

        for prefix in ("/occupations/", "/api/v1/occupations/", "/announcements/", "/insights/"):
            response = self.client.get(prefix + quote(tail, safe="") + "/")
            self.assertIn(response.status_code, ALLOWED | {301}, (prefix, tail))

    def test_an_error_while_streaming_fails_the_check(self):
        """A download that breaks after its first line has already answered 200: the check
        must read the whole body to see it."""

        def broken(rows):
            yield "code\n"
            raise RuntimeError("failed while streaming")

        with mock.patch("catalogue.exports._csv", broken), self.assertRaises(RuntimeError):
            self.assert_answered("/occupations/export.csv", {})
