from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import F
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue import versioning
from catalogue.models import Occupation, SkillStandard, StandardLevel
from catalogue.selectors import (
    PAGE_SIZE,
    occupation_autocomplete,
    occupation_matches,
    occupation_search,
)

from .helpers import index_for_search
from .search_corpus import build_competitors

LIST = reverse("catalogue:occupation-list")
API_LIST = "/api/v1/occupations/"
EXPORT = reverse("catalogue:occupation-export", args=["jsonl"])
AUTOCOMPLETE = reverse("catalogue:occupation-autocomplete")
API_AUTOCOMPLETE = "/api/v1/autocomplete/"
# How the query that finds a page's keys apart starts (RowsByKey).
KEYS_QUERY = 'SELECT "catalogue_occupation"."id" AS "pk" FROM'


def search(params, page=1, page_size=PAGE_SIZE, user=None):
    matches = occupation_matches(params=params, user=user or AnonymousUser())
    return occupation_search(matches=matches, page=page, page_size=page_size)


def counts(facets):
    return {f["name"]: {o["value"]: o["count"] for o in f["options"]} for f in facets}


class OneSearchForEveryCallerTests(TestCase):
    """The page, the API and the downloads show what the selector answers, for the same
    parameters: the same total, rows, facets and suggestion."""

    fixtures = ["seed"]
    PARAMS = [
        {},
        {"q": "师"},
        {"q": "人工智能", "major": "4"},
        {"major": "4", "middle": "4-04", "digital": "yes"},
        {"announcement": "batch-2", "sort": "newest"},
        {"level": "3"},
        {"q": "suply chain"},  # a typo: few results and a suggestion
        {"q": "4-04"},
    ]

    @classmethod
    def setUpTestData(cls):
        build_competitors()
        standard = SkillStandard.objects.get(occupation__slug="ai-trainer")
        StandardLevel.objects.create(standard=standard, level=3)
        index_for_search()

    def test_the_page_and_the_api_show_the_selectors_answer(self):
        for params in self.PARAMS:
            with self.subTest(params=params):
                results = search(params)
                slugs = [o.slug for o in results.page.object_list]
                page = self.client.get(LIST, params).context
                api = self.client.get(API_LIST, params).json()
                self.assertEqual(results.total, page["paginator"].count)
                self.assertEqual(results.total, api["count"])
                self.assertEqual(slugs, [o.slug for o in page["occupations"]])
                self.assertEqual(slugs, [r["slug"] for r in api["results"]])
                self.assertEqual(results.suggestion, page["suggestion"])
                self.assertEqual(results.suggestion, api["suggestion"])
                self.assertEqual(counts(results.facets), counts(page["facets"]))
                self.assertEqual(counts(results.facets), counts(api["facets"]))
                self.assertEqual(results.matches.sort, page["sort"])

    def test_the_total_is_every_match_and_the_page_a_slice_of_them(self):
        for params in self.PARAMS:
            with self.subTest(params=params):
                results = search(params, page_size=5)
                every = [o.slug for o in results.matches.rows]
                self.assertEqual(results.total, len(every))
                self.assertEqual([o.slug for o in results.page.object_list], every[:5])

    def test_a_typo_gets_a_suggestion_and_a_known_word_none(self):
        self.assertEqual(search({"q": "suply chain"}).suggestion, "supply chain")
        self.assertIsNone(search({"q": "supply chain"}).suggestion)
        self.assertIsNone(search({}).suggestion)

    def test_the_download_streams_the_selectors_rows_in_order(self):
        for params in [{"q": "师"}, {"digital": "yes", "sort": "name"}, {"major": "x"}]:
            with self.subTest(params=params):
                rows = [o.slug for o in search(params).matches.rows]
                lines = b"".join(self.client.get(EXPORT, params).streaming_content)
                exported = [line for line in lines.decode().splitlines() if line]
                self.assertEqual(len(exported), len(rows))
                for slug, line in zip(rows, exported, strict=True):
                    self.assertIn(f'"slug": "{slug}"', line)

    def test_an_invalid_filter_is_ignored_by_the_page_and_refused_by_the_api(self):
        params = {"q": "师", "major": "x", "digital": "maybe"}
        results = search(params)
        self.assertEqual([p.name for p in results.matches.invalid], ["major", "digital"])
        self.assertEqual(results.matches.filters, {})
        without = search({"q": "师"})
        self.assertEqual(results.total, without.total)
        page = self.client.get(LIST, params).context
        self.assertEqual(page["paginator"].count, results.total)
        self.assertEqual(
            [o.slug for o in page["occupations"]], [o.slug for o in results.page.object_list]
        )
        self.assertEqual([p["label"] for p in page["invalid"]], ["Major group", "Digital (S)"])
        api = self.client.get(API_LIST, params)
        self.assertEqual(api.status_code, 400)
        self.assertEqual(list(api.json()["errors"]), ["major", "digital"])

    def test_a_page_out_of_range_is_the_nearest_page(self):
        last = search({}, page=1, page_size=5).page.paginator.num_pages
        for page, number in [("abc", 1), ("99999", last), (2, 2)]:
            with self.subTest(page=page):
                self.assertEqual(search({}, page=page, page_size=5).page.number, number)
        # The API says there is no such page instead.
        response = self.client.get(API_LIST, {"page": last + 1, "page_size": 5})
        self.assertEqual(response.status_code, 404)

    def test_drafts_are_matched_for_staff_only(self):
        Occupation.objects.filter(slug="ai-trainer").update(status="draft")
        staff = type("Staff", (), {"is_authenticated": True, "is_staff": True})()
        self.assertEqual(search({"q": "训练师"}).total, 0)
        self.assertEqual(search({"q": "训练师"}, user=staff).total, 1)

    def test_matching_runs_no_query_and_searching_a_fixed_number(self):
        with self.assertNumQueries(0):
            matches = occupation_matches(params={"q": "师", "major": "4"}, user=AnonymousUser())
        # As in a GET request, which reads the catalogue version once: the version; the facets'
        # pass with the total and the page's keys, the major facet without its own filter, in
        # a transaction of their own with sequential scans off (four statements more); the
        # batches and two facets' choices, read once a version; the page's rows, their skill
        # standards with them
        versioning._request_started(environ={"REQUEST_METHOD": "GET"})
        try:
            with self.assertNumQueries(7 + 4):
                occupation_search(matches=matches)
            # the same again in the request: the two passes and the rows
            with self.assertNumQueries(3 + 4):
                occupation_search(matches=matches)
        finally:
            versioning._request_finished()

    def test_a_searchs_page_comes_from_its_facet_pass_in_the_lists_order(self):
        """The keys a search's facet pass numbers are the sorted list's own, on every page and
        in every sort. A page out of range gets the last page, and a page that is not a number
        the first, whose keys are then asked for apart."""
        for params in [{"q": "员"}, {"q": "师", "sort": "name"}, {"q": "师", "sort": "newest"}]:
            matches = occupation_matches(params=params, user=AnonymousUser())
            expected = list(matches.rows.values_list("pk", flat=True))
            self.assertGreater(len(expected), 6, params)
            if matches.sort == "relevance":
                # Rows of two tiers of exactness, so that the first pages rank only some.
                tiers = matches.rows.annotate(tier=F("exact")).values_list("tier", flat=True)
                self.assertGreater(len(set(tiers)), 1, params)
            pages = (len(expected) + 2) // 3
            for page in [1, 2, pages, pages + 5, "last", "0"]:
                with self.subTest(params=params, page=page):
                    with CaptureQueriesContext(connection) as queries:
                        results = occupation_search(matches=matches, page=page, page_size=3)
                    number = results.page.number
                    self.assertEqual(
                        [o.pk for o in results.page.object_list],
                        expected[(number - 1) * 3 : number * 3],
                    )
                    sqls = [q["sql"] for q in queries]
                    numbered = [sql for sql in sqls if "ROW_NUMBER()" in sql]
                    self.assertEqual(len(numbered), 1 if isinstance(page, int) else 0)
                    apart = [sql for sql in sqls if sql.startswith(KEYS_QUERY)]
                    self.assertEqual(len(apart), 0 if page in (1, 2, pages) else 1)

    def test_a_list_without_a_text_search_finds_its_page_by_index_not_by_numbering(self):
        for params in [{}, {"major": "4"}, {"q": "4-04"}]:
            with self.subTest(params=params), CaptureQueriesContext(connection) as queries:
                search(params)
            self.assertFalse([q for q in queries if "ROW_NUMBER()" in q["sql"]])

    def test_a_list_that_matches_nothing_builds_no_query_for_its_page(self):
        # The facets' pass counted none: the list's sorted and ranked queryset, a few
        # milliseconds to build for a search, is not made for an empty page, nor run.
        for params in [{"q": "9-99"}, {"q": "4-04", "green": "yes", "digital": "no"}, {"q": "zzz"}]:
            with self.subTest(params=params), CaptureQueriesContext(connection) as queries:
                results = search(params)
                self.assertEqual((results.total, list(results.page.object_list)), (0, []))
            self.assertNotIn("rows", vars(results.matches))
            sqls = [q["sql"] for q in queries]
            self.assertFalse([sql for sql in sqls if sql.startswith(KEYS_QUERY)], sqls)


class AutocompleteTests(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        build_competitors()
        index_for_search()

    def test_the_page_and_the_api_suggest_the_same(self):
        for query in ["训练", "supp", "rgznxls", "anchor", "4-04", "", "\x00'\""]:
            with self.subTest(query=query):
                answer = occupation_autocomplete(query=query, user=AnonymousUser())
                page = self.client.get(AUTOCOMPLETE, {"q": query}).json()
                api = self.client.get(API_AUTOCOMPLETE, {"q": query}).json()
                self.assertEqual(page, answer)
                self.assertEqual(
                    [r["url"] for r in api["results"]], [r["url"] for r in page["results"]]
                )
                self.assertEqual(api["query"], page["query"])

    def test_suggestions_are_the_best_ranked_from_one_pass_over_the_matches(self):
        for query in [
            "员",
            "师",
            "数据",
            "网络",
            "data",
            "4-04",
            "rgznxls",
            "gongying",
            "rengong zhineng",
            "shi",
        ]:
            with self.subTest(query=query):
                searched = Occupation.objects.published().search(query)
                best = list(searched.by_relevance()[:8])
                with CaptureQueriesContext(connection) as queries:
                    answer = occupation_autocomplete(query=query, user=AnonymousUser())
                self.assertEqual(
                    [r["url"] for r in answer["results"]], [o.get_absolute_url() for o in best]
                )
                # The tiers' counts and the best eight in one statement: the matches are read
                # once, not counted by tier first and read again for the best.
                passes = [q for q in queries if "catalogue_searchrow" in q["sql"]]
                self.assertEqual(len(passes), 1, [q["sql"] for q in passes])
