"""What the pages and the API show of skill standards: the standard's facts, its weight table
and chart, its extracted outline with problems marked, levels side by side, facets, lists,
downloads and insights."""

import csv
import io
import json
from datetime import date

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from catalogue.models import (
    FunctionWeight,
    OccupationalFunction,
    Requirement,
    StandardLevel,
    WorkContent,
)

from .factories import OccupationFactory, SkillStandardFactory, SourceFactory

API = "/api/v1"


def level(standard, key, weights=(), outline=(), status="extracted"):
    """A level with weights [(function, pct)] and an outline [(number, function, [(content
    number, content, [(kind, number, text, structure_ok, note)])])]."""
    scheme, number = StandardLevel.parse_key(key)
    lv = StandardLevel.objects.create(
        standard=standard,
        scheme=scheme,
        level=number,
        content_status=status if outline else "",
        content_source="hiro2/4-04-05-05.jsonl" if outline else "",
    )
    for position, (function, pct) in enumerate(weights):
        FunctionWeight.objects.create(
            level=lv, position=position, function_zh=function, weight_pct=pct
        )
    for f_pos, (f_number, f_name, contents) in enumerate(outline):
        function = OccupationalFunction.objects.create(
            level=lv, position=f_pos, number=f_number, name_zh=f_name
        )
        for c_pos, (c_number, c_name, items) in enumerate(contents):
            content = WorkContent.objects.create(
                function=function, position=c_pos, number=c_number, name_zh=c_name
            )
            for i_pos, (kind, i_number, text, ok, note) in enumerate(items):
                Requirement.objects.create(
                    work_content=content,
                    kind=kind,
                    position=i_pos,
                    number=i_number,
                    text_zh=text,
                    structure_ok=ok,
                    note=note,
                )
    return lv


class StandardPagesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.occupation = OccupationFactory(
            code="4-04-05-05", slug="trainer", name_zh="人工智能训练师", status="published"
        )
        cls.source = SourceFactory(key="osta-list", title="OSTA list")
        cls.old = SkillStandardFactory(
            key="osta-1",
            occupation=cls.occupation,
            title="人工智能训练师（试行）",
            issued_on=date(2019, 1, 2),
            document_number="人社厅发〔2019〕1号",
            code_in_standard="X4-04-05-05",
            source=cls.source,
        )
        cls.standard = SkillStandardFactory(
            key="osta-453",
            occupation=cls.occupation,
            title="人工智能训练师",
            issued_on=date(2021, 10, 21),
            document_number="人社厅发〔2021〕81号",
            code_in_standard="4-04-05-05",
            match_method="exact",
            source=cls.source,
            source_reference="cert_id osta-std-453",
        )
        level(
            cls.standard,
            "5",
            weights=[("数据标注", 60), ("数据采集和处理", 30), ("智能系统运维", 10)],
            outline=[
                (
                    "1",
                    "数据采集和处理",
                    [
                        (
                            "1.1",
                            "业务数据采集",
                            [
                                ("skill", "1.1.1", "能完成原始业务数据采集", True, ""),
                                ("knowledge", "1.1.1", "业务背景知识续表", True, "contains '续表'"),
                            ],
                        )
                    ],
                ),
                (
                    "3",
                    "",
                    [("3.1", "智能系统基础操作", [("skill", "3.1.1", "能开启智能系统", True, "")])],
                ),
            ],
        )
        level(
            cls.standard,
            "3",
            weights=[("智能训练", 35), ("业务分析", 25), ("培训与指导", 5)],  # 65: not 100
            outline=[
                (
                    "1",
                    "业务分析",
                    [
                        (
                            "1.1",
                            "业务流程设计",
                            [
                                (
                                    "skill",
                                    "1.1.1",
                                    "能设计业务流程",
                                    False,
                                    "label probably misplaced",
                                )
                            ],
                        )
                    ],
                )
            ],
        )
        level(cls.standard, "1", weights=[("智能训练", 60), ("业务分析", 40)])


class DetailPageTests(StandardPagesTestCase):
    def test_standards_newest_first_with_their_facts(self):
        page = self.client.get("/occupations/trainer/").content.decode()
        self.assertLess(page.index("人社厅发〔2021〕81号"), page.index("人社厅发〔2019〕1号"))
        self.assertIn('<time datetime="2021-10-21">2021-10-21</time>', page)
        self.assertIn("cert_id osta-std-453", page)
        self.assertIn("OSTA list", page)
        # The old edition's printed code differs from the 2022 code, and says so; the new one
        # does not.
        self.assertEqual(page.count("differs from the occupation's 2022 code, 4-04-05-05"), 1)
        self.assertNotIn("supersede", page.lower())
        self.assertNotIn("replaced", page.lower())

    def test_weight_grid_chart_and_sums_not_100(self):
        response = self.client.get("/occupations/trainer/")
        # The page is Jinja2's: its context is the response's, not the test client's capture.
        occupation = response.context_data["occupation"]
        grid = occupation.skill_standards.all()[0].weight_grid
        self.assertEqual([lv.key for lv in grid.levels], ["5", "3", "1"])
        self.assertEqual(
            [
                (row.function_zh, [c.weight_pct if c else None for c in row.cells])
                for row in grid.rows
            ],
            [
                ("数据标注", [60, None, None]),
                ("数据采集和处理", [30, None, None]),
                ("智能系统运维", [10, None, None]),
                ("智能训练", [None, 35, 60]),
                ("业务分析", [None, 25, 40]),
                ("培训与指导", [None, 5, None]),
            ],
        )
        self.assertEqual(grid.totals, [100, 65, 100])
        page = response.content.decode()
        self.assertEqual(page.count("does not sum to 100"), 1)
        self.assertIn('<td class="problem">65', page)
        self.assertIn("What each level emphasises", page)
        self.assertRegex(page, r'<svg class="chart" viewBox="0 0 360 \d+" role="img"')

    def test_outline_is_labelled_as_extracted_and_problems_are_marked_not_hidden(self):
        page = self.client.get("/occupations/trainer/").content.decode()
        self.assertIn("extracted from the standard&#x27;s PDF by a parser; not yet checked", page)
        self.assertIn("业务背景知识续表", page)  # not repaired
        self.assertIn("contains &#x27;续表&#x27;", page)
        self.assertIn("能设计业务流程", page)  # shown, not hidden
        self.assertIn("structure doubtful", page)
        self.assertIn("label probably misplaced", page)
        self.assertIn("no function name in the extracted text", page)
        self.assertIn('<span class="number">1.1.1</span>', page)

    def test_english_text_a_curator_adds_is_shown_on_english_pages(self):
        OccupationalFunction.objects.filter(name_zh="数据采集和处理").update(
            name_en="Data collection and processing"
        )
        FunctionWeight.objects.filter(function_zh="数据标注").update(function_en="Data labelling")
        english = self.client.get("/occupations/trainer/").content.decode()
        self.assertIn('<span lang="en">Data collection and processing</span>', english)
        self.assertIn('<span lang="en">Data labelling</span>', english)
        chinese = self.client.get("/zh-hans/occupations/trainer/").content.decode()
        self.assertIn(
            '<span lang="zh-Hans">数据采集和处理</span> <span lang="en" class="name-alt">'
            "Data collection and processing</span>",
            chinese,
        )

    def test_query_count_does_not_grow_with_the_standards(self):
        small = OccupationFactory(code="4-04-05-01", status="published")
        level(SkillStandardFactory(occupation=small), "5", weights=[("一", 100)])

        def count(occupation):
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(occupation.get_absolute_url()).status_code, 200)
            return len(queries)

        self.assertEqual(count(self.occupation), count(small))


class CompareViewTests(StandardPagesTestCase):
    def test_levels_in_columns_in_the_order_asked(self):
        response = self.client.get("/standards/osta-453/compare/", {"levels": "3,5"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual([lv.key for lv in response.context["levels"]], ["3", "5"])
        rows = response.context["rows"]
        # Functions line up by name: 业务分析 has a weight and an outline at level 3 only.
        analysis = next(r for r in rows if r.function_zh == "业务分析")
        self.assertEqual([w.weight_pct if w else None for w in analysis.weights], [25, None])
        self.assertEqual([f.number if f else None for f in analysis.functions], ["1", None])
        collection = next(r for r in rows if r.function_zh == "数据采集和处理")
        self.assertEqual([w.weight_pct if w else None for w in collection.weights], [None, 30])
        page = response.content.decode()
        self.assertIn("not yet checked against it", page)
        self.assertIn("does not sum to 100", page)

    def test_every_level_without_a_choice_and_three_level_keys(self):
        response = self.client.get("/standards/osta-453/compare/")
        self.assertEqual([lv.key for lv in response.context["levels"]], ["5", "3", "1"])
        level(self.standard, "T3", weights=[("智能训练", 100)])
        response = self.client.get("/standards/osta-453/compare/", {"levels": "t3,1"})
        self.assertEqual([lv.key for lv in response.context["levels"]], ["T3", "1"])

    def test_bad_levels_get_a_clear_message(self):
        cases = {
            "9": "&#x27;9&#x27; is not a level",
            "x,5": "&#x27;x&#x27; is not a level",
            "4,5": "This standard has no level 4; it has 5, 3, 1.",
            "5": "Choose two or more levels",
            "5,5": "Level 5 is named twice.",
        }
        for value, message in cases.items():
            with self.subTest(levels=value):
                response = self.client.get("/standards/osta-453/compare/", {"levels": value})
                self.assertContains(response, message, status_code=400)

    def test_unknown_and_hidden_standards_are_not_found(self):
        self.assertEqual(self.client.get("/standards/nope/compare/").status_code, 404)
        self.occupation.status = "draft"
        self.occupation.save()
        self.assertEqual(self.client.get("/standards/osta-453/compare/").status_code, 404)
        staff = get_user_model().objects.create_user("curator", is_staff=True)
        self.client.force_login(staff)
        self.assertEqual(self.client.get("/standards/osta-453/compare/").status_code, 200)


class ApiTests(StandardPagesTestCase):
    def test_occupation_detail_nests_standards_levels_weights_and_requirements(self):
        data = self.client.get(f"{API}/occupations/trainer/").json()
        self.assertEqual([s["key"] for s in data["skill_standards"]], ["osta-453", "osta-1"])
        standard = data["skill_standards"][0]
        self.assertEqual(
            (standard["issued_on"], standard["document_number"], standard["code_differs"]),
            ("2021-10-21", "人社厅发〔2021〕81号", False),
        )
        self.assertTrue(data["skill_standards"][1]["code_differs"])
        levels = {lv["key"]: lv for lv in standard["levels"]}
        self.assertEqual(list(levels), ["5", "3", "1"])
        self.assertEqual(
            [(w["function_zh"], w["weight_pct"]) for w in levels["5"]["weights"]],
            [("数据标注", 60), ("数据采集和处理", 30), ("智能系统运维", 10)],
        )
        self.assertEqual(
            (levels["3"]["weight_total"], levels["3"]["weights_sum_to_100"]), (65, False)
        )
        item = levels["3"]["functions"][0]["work_contents"][0]["skill_requirements"][0]
        self.assertEqual(
            (item["number"], item["structure_ok"], item["note"]),
            ("1.1.1", False, "label probably misplaced"),
        )
        self.assertEqual(levels["5"]["content_status"], "extracted")
        self.assertTrue(standard["compare_url"].endswith("/api/v1/standards/osta-453/compare/"))

    def test_compare_in_the_api(self):
        data = self.client.get(f"{API}/standards/osta-453/compare/", {"levels": "5,3"}).json()
        self.assertEqual(data["levels"], ["5", "3"])
        rows = {row["function_zh"]: row for row in data["rows"]}
        self.assertEqual(rows["智能训练"]["weights"], [None, 35])
        self.assertEqual(rows["业务分析"]["functions"][0], None)
        self.assertEqual(rows["业务分析"]["functions"][1]["number"], "1")
        response = self.client.get(f"{API}/standards/osta-453/compare/", {"levels": "5,2"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json(),
            {
                "detail": "Invalid query parameters.",
                "errors": {"levels": ["This standard has no level 2; it has 5, 3, 1."]},
            },
        )
        self.assertEqual(self.client.get(f"{API}/standards/nope/compare/").status_code, 404)

    def test_lists_and_downloads_carry_the_newest_standard(self):
        data = self.client.get(f"{API}/occupations/", {"q": "4-04-05-05"}).json()
        self.assertEqual(
            data["results"][0]["skill_standard"],
            {
                "key": "osta-453",
                "title": "人工智能训练师",
                "issued_on": "2021-10-21",
                "document_number": "人社厅发〔2021〕81号",
            },
        )
        page = self.client.get("/occupations/", {"q": "4-04-05-05"}).content.decode()
        self.assertIn("人社厅发〔2021〕81号", page)
        self.assertIn("(and 1 more)", page)
        response = self.client.get("/occupations/export.csv", {"q": "4-04-05-05"})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        row = next(csv.DictReader(io.StringIO(text)))
        self.assertEqual(
            (row["standard_title"], row["standard_issued_on"], row["standard_document_number"]),
            ("人工智能训练师", "2021-10-21", "人社厅发〔2021〕81号"),
        )
        line = b"".join(
            self.client.get("/occupations/export.jsonl", {"q": "4-04-05-05"}).streaming_content
        )
        self.assertEqual(json.loads(line)["standard_document_number"], "人社厅发〔2021〕81号")


class FacetAndInsightTests(StandardPagesTestCase):
    def test_level_facet_counts_five_and_three_level_standards(self):
        other = OccupationFactory(code="4-04-05-02", status="published")
        level(SkillStandardFactory(occupation=other), "T3", weights=[("一", 100)])
        facets = {
            f["name"]: {o["value"]: o["count"] for o in f["options"]}
            for f in self.client.get(f"{API}/occupations/").json()["facets"]
        }
        self.assertEqual(facets["level"], {"5": 1, "3": 1, "1": 1, "T3": 1})
        self.assertEqual(facets["standard"], {"yes": 2})
        found = self.client.get(f"{API}/occupations/", {"level": "T3"}).json()
        self.assertEqual([r["code"] for r in found["results"]], ["4-04-05-02"])
        bad = self.client.get(f"{API}/occupations/", {"level": "T4"})
        self.assertEqual(bad.status_code, 400)

    def test_standards_issued_per_year(self):
        SkillStandardFactory(occupation=None, title="未匹配", issued_on=date(2019, 5, 1))
        rows = list(
            csv.reader(
                io.StringIO(
                    self.client.get("/insights/standards-per-year.csv").content.decode("utf-8-sig")
                )
            )
        )
        self.assertEqual(rows[0], ["Year", "Standards issued", "Matched to an occupation"])
        self.assertEqual(rows[1:], [["2019", "2", "1"], ["2021", "1", "1"]])
