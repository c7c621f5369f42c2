import re

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.facets import facet_counts
from catalogue.filters import OccupationFilter
from catalogue.models import Occupation, SkillStandard, StandardLevel

from .factories import SkillStandardFactory
from .helpers import index_for_search
from .search_corpus import build_competitors

LIST = reverse("catalogue:occupation-list")


class FilterTests(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        build_competitors()
        standard = Occupation.objects.get(slug="ai-trainer").skill_standards.get()
        StandardLevel.objects.create(standard=standard, level=3)
        index_for_search()

    def slugs(self, params):
        response = self.client.get(LIST, {**params, "page": 1})
        self.assertEqual(response.status_code, 200)
        return {o.slug for o in response.context["paginator"].object_list}

    def test_every_filter_choice(self):
        everything = Occupation.objects.all()
        cases = {
            "major": {
                "2": everything.filter(code__startswith="2-"),
                "4": everything.filter(code__startswith="4-"),
            },
            "middle": {"4-04": everything.filter(code__startswith="4-04-")},
            "minor": {"4-04-05": everything.filter(code__startswith="4-04-05-")},
            "digital": {
                "yes": everything.filter(is_digital=True),
                "no": everything.filter(is_digital=False),
            },
            "green": {
                "yes": everything.filter(is_green=True),
                "no": everything.filter(is_green=False),
            },
            "announcement": {"batch-2": everything.filter(announcement__key="batch-2")},
            "standard": {
                "yes": everything.filter(skill_standards__isnull=False),
                "no": everything.filter(skill_standards__isnull=True),
            },
            "level": {"3": everything.filter(slug="ai-trainer"), "5": everything.none()},
        }
        for name, choices in cases.items():
            for value, expected in choices.items():
                with self.subTest(filter=name, value=value):
                    self.assertEqual(
                        self.slugs({name: value}), set(expected.values_list("slug", flat=True))
                    )

    def test_invalid_values_show_a_message_and_are_ignored(self):
        all_slugs = set(Occupation.objects.values_list("slug", flat=True))
        for name, value in [
            ("major", "x"),
            ("middle", "4-4"),
            ("minor", "4-04"),
            ("digital", "maybe"),
            ("announcement", "batch 2!"),
            ("level", "7"),
            ("sort", "random"),
            ("standard", "1"),
        ]:
            with self.subTest(filter=name, value=value):
                response = self.client.get(LIST, {name: value})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "not valid and were ignored")
                self.assertEqual(
                    {o.slug for o in response.context["paginator"].object_list}, all_slugs
                )

    def test_well_formed_values_that_name_nothing_match_nothing(self):
        for name, value in [("major", "9"), ("middle", "4-99"), ("announcement", "batch-99")]:
            with self.subTest(filter=name, value=value):
                response = self.client.get(LIST, {name: value})
                self.assertNotContains(response, "not valid")
                self.assertEqual(response.context["paginator"].count, 0)

    def test_bad_page_numbers_show_a_page(self):
        for page in ["abc", "0", "-1", "99999", "1.5"]:
            with self.subTest(page=page):
                self.assertEqual(self.client.get(LIST, {"page": page}).status_code, 200)

    def test_filters_combine_with_search(self):
        self.assertEqual(
            self.slugs({"q": "人工智能", "major": "4"}),
            {"ai-trainer", "sheng-cheng-shi-ren-gong-zhi-neng-xi-tong-ying-yong-yuan"},
        )
        self.assertEqual(
            self.slugs({"q": "人工智能", "major": "2"}),
            {"ren-gong-zhi-neng-gong-cheng-ji-shu-ren-yuan"},
        )

    def test_sorts(self):
        def order(sort, q=""):
            response = self.client.get(LIST, {"sort": sort, "q": q})
            return [o.slug for o in response.context["occupations"]]

        by_code = order("code")
        codes = [Occupation.objects.get(slug=s).code for s in by_code]
        self.assertEqual([c for c in codes if c], sorted(c for c in codes if c))
        by_name = order("name")
        pinyin = [Occupation.objects.get(slug=s).name_pinyin for s in by_name]
        self.assertEqual(pinyin, sorted(pinyin))
        newest = order("newest")
        # Batch 3 (2020-07-06) is the newest in the seed; its two occupations in code order.
        self.assertEqual(newest[:2], ["internet-marketer", "information-security-tester"])
        self.assertEqual(order("relevance", "训练师")[0], "ai-trainer")


class FacetTests(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        build_competitors()
        index_for_search()

    def facets(self, params):
        response = self.client.get(LIST, params)
        return {
            f["name"]: {o["value"]: o for o in f["options"]} for f in response.context["facets"]
        }

    def test_counts_follow_the_query_and_the_other_filters(self):
        facets = self.facets({"q": "人工智能"})
        self.assertEqual(facets["major"]["2"]["count"], 1)
        self.assertEqual(facets["major"]["4"]["count"], 2)
        self.assertNotIn("middle", facets)  # shown once a major group is chosen

        facets = self.facets({"q": "人工智能", "major": "4"})
        # The major facet ignores its own choice, so the other option still counts.
        self.assertEqual(facets["major"]["2"]["count"], 1)
        self.assertTrue(facets["major"]["4"]["active"])
        self.assertEqual(facets["middle"]["4-04"]["count"], 2)
        self.assertEqual(facets["digital"]["yes"]["count"], 2)

    def test_each_count_is_what_the_link_shows(self):
        for name, options in self.facets({"q": "师"}).items():
            for value, option in options.items():
                with self.subTest(facet=name, value=value):
                    response = self.client.get(LIST, option["params"])
                    if not option["active"]:
                        self.assertEqual(response.context["paginator"].count, option["count"])

    def test_links_are_shareable_urls(self):
        response = self.client.get(LIST, {"q": "师", "sort": "code", "page": "2"})
        self.assertContains(response, 'href="/occupations/?q=%E5%B8%88&amp;sort=code&amp;major=4"')

    def test_a_chosen_level_still_counts_the_others(self):
        for slug, level in [("internet-marketer", 5), ("ai-trainer", 3), ("ai-trainer", 5)]:
            standard = SkillStandard.objects.get(occupation__slug=slug)
            StandardLevel.objects.create(standard=standard, level=level)
        levels = self.facets({"q": "师"})["level"]
        chosen = self.facets({"q": "师", "level": "3"})["level"]
        self.assertTrue(chosen["3"]["active"])
        self.assertEqual(
            {v: o["count"] for v, o in chosen.items()}, {v: o["count"] for v, o in levels.items()}
        )
        self.assertEqual({v: o["count"] for v, o in levels.items()}, {"5": 2, "3": 1})

    def test_a_level_counts_occupations_not_standards(self):
        # Two standards of one occupation at level 5; one of them of three levels too.
        occupation = Occupation.objects.get(slug="ai-trainer")
        first = occupation.skill_standards.get()
        second = SkillStandardFactory(occupation=occupation)
        for standard, scheme, level in [
            (first, "L", 5),
            (second, "L", 5),
            (second, "T", 2),
            (first, "L", 3),
        ]:
            StandardLevel.objects.create(standard=standard, scheme=scheme, level=level)
        counts = {v: o["count"] for v, o in self.facets({"q": "训练师"})["level"].items()}
        self.assertEqual(counts, {"5": 1, "3": 1, "T2": 1})
        self.assertEqual(list(counts), ["5", "3", "T2"])  # in the facet's order
        # Without a search, and with no match at all
        self.assertEqual(self.facets({})["level"]["5"]["count"], 1)
        self.assertEqual(self.facets({"q": "zzzzqqq"})["level"], {})

    def test_counts_equal_counts_made_one_by_one(self):
        for slug, level in [("internet-marketer", 5), ("ai-trainer", 3), ("ai-trainer", 5)]:
            standard = SkillStandard.objects.get(occupation__slug=slug)
            StandardLevel.objects.create(standard=standard, level=level)
        everything = Occupation.objects.all()

        def naive(params):
            """The rows these filters select, counted by the ORM, one condition per filter."""
            rows = everything
            for name, value in params.items():
                if name in {"major", "middle", "minor"}:
                    rows = rows.filter(code__startswith=f"{value}-")
                elif name in {"digital", "green"}:
                    rows = rows.filter(**{f"is_{name}": value == "yes"})
                elif name == "announcement":
                    rows = rows.filter(announcement__key=value)
                elif name == "standard":
                    with_standard = SkillStandard.objects.values("occupation_id")
                    rows = (rows.filter if value == "yes" else rows.exclude)(pk__in=with_standard)
                elif name == "level":
                    scheme, number = StandardLevel.parse_key(value)
                    rows = rows.filter(
                        pk__in=StandardLevel.objects.filter(scheme=scheme, level=number).values(
                            "standard__occupation_id"
                        )
                    )
                elif name == "q":
                    rows = rows.filter(pk__in=Occupation.objects.search(value).values("pk"))
            return rows.count()

        for params in [
            {},
            {"q": "师"},
            {"major": "4", "digital": "yes"},
            {"q": "师", "level": "3"},
            {"q": "训练师"},  # three characters: the search rows' trigrams
            {"q": "营销师 internet", "level": "T1"},
            {"standard": "no", "green": "no"},
            {"major": "4", "middle": "4-04", "announcement": "batch-2"},
            {"q": "人工智能", "major": "4", "middle": "4-04", "minor": "4-04-05"},
        ]:
            filterset = OccupationFilter(params or None, queryset=everything)
            counted = facet_counts(filterset, slice(2, 9))
            with self.subTest(params=params):
                self.assertEqual(counted.total, naive(params))
                if "q" in params:  # the page's keys, found in the same passes
                    page = list(filterset.qs.values_list("pk", flat=True)[2:9])
                    self.assertEqual(counted.keys, page)
            for facet in counted.facets:
                for option in facet["options"]:
                    with self.subTest(params=params, facet=facet["name"], value=option["value"]):
                        self.assertEqual(
                            option["count"], naive({**params, facet["name"]: option["value"]})
                        )

    def test_facet_queries_are_bounded(self):
        from catalogue import versioning

        def facets(data, window=None):
            # As in a GET request, which reads the catalogue version once.
            versioning._request_started(environ={"REQUEST_METHOD": "GET"})
            try:
                filterset = OccupationFilter(data, queryset=Occupation.objects.all())
                return facet_counts(filterset, window)
            finally:
                versioning._request_finished()

        # the idle facets, the levels and the total in one pass; the version, and the batches
        # and the major groups, read once a catalogue version; and, a text search's passes
        # being run with sequential scans off in a transaction of their own, its start, the
        # setting, the setting put back and its end
        with self.assertNumQueries(4 + 4):
            facets({"q": "师"})
        # again: the pass and the version
        with self.assertNumQueries(2 + 4):
            facets({"q": "师"})
        # chosen facets: one pass more, over the rows that all their choices but one hold for
        with self.assertNumQueries(3 + 4):
            facets({"q": "师", "level": "3"})
        with self.assertNumQueries(3 + 4):
            facets({"q": "师", "digital": "yes", "standard": "yes", "level": "3"})
        # the page's keys come from the list's pass
        with self.assertNumQueries(3 + 4):
            facets({"q": "师", "digital": "yes", "standard": "yes", "level": "3"}, slice(0, 25))
        # no text search: no transaction and no setting
        with CaptureQueriesContext(connection) as queries:
            facets({"major": "4"})
        self.assertFalse([q for q in queries if "set_config" in q["sql"]])

    def test_a_searchs_page_is_found_from_the_counts_and_a_bounded_sort(self):
        # The matches are read once (b); the counts by tier (g) give the tier the page reaches,
        # without reading the matches again, and the page's rows are kept in a heap as big as
        # the page's end (a Limit over the sort), not found by sorting every reached match.
        filterset = OccupationFilter({"q": "师"}, queryset=Occupation.objects.all())
        with CaptureQueriesContext(connection) as queries:
            facet_counts(filterset, slice(25, 50))
        (sql,) = [q["sql"] for q in queries if q["sql"].startswith("WITH b AS")]
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row for (row,) in cursor.fetchall())
        self.assertEqual(len(re.findall(r"CTE Scan on b\b", plan)), 2, plan)
        self.assertRegex(plan, r"->  Limit ", plan)

    def test_a_text_searchs_passes_run_without_sequential_scans_and_put_the_setting_back(self):
        for before in ["on", "off"]:
            with self.subTest(before=before), connection.cursor() as cursor:
                cursor.execute("SELECT set_config('enable_seqscan', %s, false)", [before])
                with CaptureQueriesContext(connection) as queries:
                    facet_counts(OccupationFilter({"q": "师"}, queryset=Occupation.objects.all()))
                sqls = [q["sql"] for q in queries]
                setting = next(i for i, sql in enumerate(sqls) if "set_config" in sql)
                passes = [i for i, sql in enumerate(sqls) if sql.startswith("WITH b AS")]
                restored = max(i for i, sql in enumerate(sqls) if "set_config" in sql)
                self.assertTrue(passes)
                self.assertTrue(all(setting < i < restored for i in passes), sqls)
                cursor.execute("SHOW enable_seqscan")
                self.assertEqual(cursor.fetchone()[0], before)


class ClassificationPageTests(TestCase):
    fixtures = ["seed"]

    def test_tree_with_counts_and_links(self):
        response = self.client.get(reverse("catalogue:classification"))
        self.assertContains(response, "信息传输、软件和信息技术服务人员")
        self.assertContains(
            response, 'href="/occupations/?major=4&amp;middle=4-04&amp;minor=4-04-05"'
        )
        groups = {g.code: g for g in response.context["groups"]}
        self.assertEqual(groups["4"].occupation_count, 7)
        self.assertEqual(groups["2"].occupation_count, 1)
        self.assertEqual(response.context["uncoded"], 8)

    def test_query_count_does_not_grow_with_the_tree(self):
        # session-less: the catalogue version, counts, uncoded, three levels; then from cache
        with self.assertNumQueries(6):
            self.client.get(reverse("catalogue:classification"))
        with self.assertNumQueries(1):
            self.client.get(reverse("catalogue:classification"))


class AutocompleteTests(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        build_competitors()
        index_for_search()

    def test_suggestions(self):
        url = reverse("catalogue:occupation-autocomplete")
        for query, first in [
            ("训练", "人工智能训练师 (AI trainer)"),
            ("supp", "供应链管理师 (Supply chain manager)"),
            ("rgznxls", "人工智能训练师 (AI trainer)"),
        ]:
            with self.subTest(query=query):
                data = self.client.get(url, {"q": query}).json()
                self.assertEqual(data["results"][0]["label"], first)
                self.assertTrue(data["results"][0]["url"].startswith("/occupations/"))
        self.assertLessEqual(len(self.client.get(url, {"q": "师"}).json()["results"]), 8)
        self.assertEqual(self.client.get(url, {"q": ""}).json()["results"], [])
        self.assertEqual(self.client.get(url, {"q": "\x00'\""}).status_code, 200)

    def test_alternate_titles_are_suggested_as_themselves(self):
        url = reverse("catalogue:occupation-autocomplete")
        first = self.client.get(url, {"q": "anchor"}).json()["results"][0]
        self.assertEqual(first["label"], "anchor with goods → 互联网营销师 (Internet marketer)")
        self.assertEqual(first["url"], "/occupations/internet-marketer/")
        # the catalogue version, the best keys among the search rows with the matches per tier
        # in one statement (in a transaction of its own with sequential scans off: its start,
        # the setting, the setting put back and its end), those occupations and the matching
        # titles
        with CaptureQueriesContext(connection) as queries:
            self.client.get(url, {"q": "trainer"})
        sqls = [q["sql"] for q in queries]
        self.assertEqual(len(sqls), 4 + 4)
        searched = [i for i, sql in enumerate(sqls) if 'FROM "catalogue_searchrow"' in sql]
        self.assertEqual(len(searched), 1)
        self.assertIn("set_config('enable_seqscan', 'off'", sqls[searched[0] - 1])
        self.assertIn("set_config", sqls[searched[0] + 1])
        self.assertIn('FROM "catalogue_occupation"', sqls[searched[0] + 3])

    def test_search_box_is_wired_to_it(self):
        response = self.client.get("/")
        self.assertContains(response, 'data-autocomplete="/occupations/autocomplete/"')
        self.assertContains(response, "js/autocomplete.js")


class FacetRemovalTests(TestCase):
    fixtures = ["seed"]

    def test_removing_the_last_filter_links_to_the_plain_list(self):
        response = self.client.get(LIST, {"major": "4"})
        self.assertContains(response, 'href="/occupations/" class="active" aria-current="true"')
