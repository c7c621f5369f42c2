import csv
import datetime
import io
import json
import tempfile
from datetime import timedelta
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalogue import versioning
from catalogue.models import Announcement, OccupationTask, SkillStandard, Source, StandardLevel

from .factories import SourceFactory, build_standard_outline
from .helpers import index_for_search, snapshot
from .search_corpus import build_competitors

API = "/api/v1"


class ApiTestCase(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        build_competitors()
        standard = SkillStandard.objects.get(occupation__slug="ai-trainer")
        build_standard_outline(standard, levels=2, functions=1, contents=1, requirements=1)
        index_for_search()

    def get(self, path, params=None, status=200):
        response = self.client.get(path, params or {})
        self.assertEqual(response.status_code, status, response.content[:300])
        self.assertEqual(response["Content-Type"], "application/json")
        return response.json()


class EndpointTests(ApiTestCase):
    def test_occupation_list_items(self):
        data = self.get(f"{API}/occupations/", {"q": "训练师"})
        self.assertEqual(data["count"], 1)
        item = data["results"][0]
        self.assertEqual(
            {k: item[k] for k in ["code", "slug", "name_zh", "name_en", "is_digital", "is_green"]},
            {
                "code": "4-04-05-05",
                "slug": "ai-trainer",
                "name_zh": "人工智能训练师",
                "name_en": "AI trainer",
                "is_digital": True,
                "is_green": False,
            },
        )
        self.assertEqual(item["url"], "http://testserver/api/v1/occupations/ai-trainer/")
        self.assertEqual(item["html_url"], "http://testserver/occupations/ai-trainer/")
        self.assertIn("facets", data)
        self.assertEqual(
            self.get(f"{API}/occupations/", {"q": "suply chain"})["suggestion"], "supply chain"
        )

    def test_occupation_detail_has_everything_the_page_has(self):
        data = self.get(f"{API}/occupations/ai-trainer/")
        self.assertEqual([g["code"] for g in data["classification_path"]], ["4", "4-04", "4-04-05"])
        self.assertEqual(data["job_types"][0]["name_zh"], "数据标注员")
        self.assertEqual(data["alternate_titles"][0]["title"], "artificial intelligence trainer")
        self.assertEqual(data["announcement"]["key"], "batch-2")
        standard = data["skill_standards"][0]
        self.assertEqual([level["level"] for level in standard["levels"]], [2, 1])
        content = standard["levels"][0]["functions"][0]["work_contents"][0]
        self.assertEqual(content["skill_requirements"][0]["text_zh"], "skill要求2-0-0-0")
        self.assertEqual(content["knowledge_requirements"][0]["text_zh"], "knowledge要求2-0-0-0")
        self.assertTrue(any(q["speaker_name"] == "Liu Xiaowei" for q in data["quotes"]))
        self.assertEqual(data["quotes"][0]["source"]["key"], "internet-plus-new-employment-space")
        self.assertEqual(data["source_page"], 217)

    def test_other_endpoints(self):
        tree = self.get(f"{API}/classification/")
        four = next(g for g in tree if g["code"] == "4")
        self.assertEqual(four["middle_groups"][0]["code"], "4-01")
        announcements = self.get(f"{API}/announcements/")
        self.assertEqual([a["batch_number"] for a in announcements], [1, 2, 3])
        self.assertEqual(
            self.get(f"{API}/announcements/batch-3/")["occupations"][0]["slug"], "internet-marketer"
        )
        sources = self.get(f"{API}/sources/")
        self.assertEqual(sum(len(s["quotes"]) for s in sources), 9)
        self.assertEqual(len(self.get(f"{API}/quotes/")), 9)
        figures = self.get(f"{API}/figures/")
        self.assertEqual(figures[0]["value"], "6230000.0000")
        suggestions = self.get(f"{API}/autocomplete/", {"q": "训练"})["results"]
        self.assertEqual(suggestions[0]["url"], "/occupations/ai-trainer/")

    def test_schema_and_docs_are_served_from_the_app(self):
        schema = self.client.get(f"{API}/schema/")
        self.assertEqual(schema.status_code, 200)
        self.assertIn(b"/api/v1/occupations/{slug}/", schema.content)
        docs = self.client.get(f"{API}/docs/").content.decode()
        self.assertIn("/static/drf_spectacular_sidecar/swagger-ui-dist/", docs)
        self.assertNotIn("cdn", docs.lower())


class SameAsThePagesTests(ApiTestCase):
    """The API's lists and the pages' lists agree: same rows, same order."""

    def test_filters_and_search_give_the_same_rows(self):
        for params in [
            {},
            {"q": "师"},
            {"q": "人工智能", "major": "4"},
            {"digital": "yes", "sort": "name"},
            {"q": "supply chain"},
            {"q": "4-04"},
            {"announcement": "batch-2", "sort": "newest"},
            {"level": "2"},
            {"q": "rgznxls"},
            {"page": "2"},
        ]:
            with self.subTest(params=params):
                page = self.client.get(reverse("catalogue:occupation-list"), params).context[
                    "occupations"
                ]
                api = self.get(f"{API}/occupations/", params)["results"]
                self.assertEqual([r["slug"] for r in api], [o.slug for o in page])


class ErrorTests(ApiTestCase):
    def test_bad_parameters_answer_400_naming_them(self):
        for params, name in [
            ({"major": "x"}, "major"),
            ({"minor": "4-04"}, "minor"),
            ({"digital": "maybe"}, "digital"),
            ({"sort": "x"}, "sort"),
            ({"page": "x"}, "page"),
            ({"page": "0"}, "page"),
            ({"page_size": "0"}, "page_size"),
            ({"page_size": "101"}, "page_size"),
            ({"format": "xml"}, "format"),
            ({"format": "csv", "page": "x"}, "page"),
            # Digits int() refuses, or reads as other numbers, though str.isdigit() says yes.
            ({"page": "²"}, "page"),
            ({"page": "①"}, "page"),
            ({"page": "٣"}, "page"),
            ({"page_size": "²"}, "page_size"),
        ]:
            with self.subTest(params=params):
                data = self.get(f"{API}/occupations/", params, status=400)
                self.assertEqual(list(data["errors"]), [name])
                self.assertTrue(data["errors"][name][0])

    def test_unknown_records_and_addresses_answer_404_json(self):
        self.assertIn("detail", self.get(f"{API}/occupations/no-such-slug/", status=404))
        self.assertIn("detail", self.get(f"{API}/announcements/batch-99/", status=404))
        self.assertEqual(self.get(f"{API}/no-such-endpoint/", status=404), {"detail": "Not found."})
        self.assertIn(
            "past the last page",
            self.get(f"{API}/occupations/", {"page": "99"}, status=404)["detail"],
        )

    def test_drafts_are_not_in_the_api(self):
        from catalogue.models import Occupation

        Occupation.objects.filter(slug="ai-trainer").update(status="draft")
        self.get(f"{API}/occupations/ai-trainer/", status=404)
        self.assertEqual(self.get(f"{API}/occupations/", {"q": "训练师"})["count"], 0)

    @override_settings(ROOT_URLCONF="tests.error_urls")
    def test_server_errors_on_api_urls_are_json(self):
        self.client.raise_request_exception = False
        response = self.client.get(f"{API}/broken/")
        self.assertEqual(response.status_code, 500)
        self.assertEqual(response.json()["detail"], "The catalogue could not answer this request.")


class PaginationTests(ApiTestCase):
    def test_pages_are_bounded_and_linked(self):
        data = self.get(f"{API}/occupations/", {"page_size": "5", "page": "2"})
        self.assertEqual(len(data["results"]), 5)
        self.assertIn("page=3", data["next"])
        self.assertIn("page=1", data["previous"])
        self.assertEqual(self.get(f"{API}/occupations/", {"page_size": "100"})["page_size"], 100)

    def test_query_count_is_the_same_for_any_page(self):
        def count(params):
            with CaptureQueriesContext(connection) as queries:
                self.get(f"{API}/occupations/", params)
            return len(queries)

        # another search first: it reads the facets' groups and batches, kept for the version
        count({"q": "管理"})
        self.assertEqual(count({"q": "训练师"}), count({"q": "师", "page_size": "100"}))
        self.get(f"{API}/occupations/supply-chain-manager/")  # prepares the record's statement
        with CaptureQueriesContext(connection) as queries:
            self.get(f"{API}/occupations/ai-trainer/")
        # Another with a skill standard, but with no outline under it
        with CaptureQueriesContext(connection) as fewer:
            self.get(f"{API}/occupations/information-security-tester/")
        self.assertEqual(len(queries), 2)  # the catalogue version and the record
        self.assertEqual(len(fewer), 2)


class CachingTests(ApiTestCase):
    def test_conditional_get_and_cache_control(self):
        response = self.client.get(f"{API}/occupations/ai-trainer/")
        self.assertEqual(response["Cache-Control"], "public, max-age=60")
        again = self.client.get(
            f"{API}/occupations/ai-trainer/", HTTP_IF_NONE_MATCH=response["ETag"]
        )
        self.assertEqual(again.status_code, 304)
        self.assertEqual(self.client.get(f"{API}/occupations/nope/")["Cache-Control"], "no-cache")


def empty_catalogue():
    from catalogue import models

    for model in [
        models.Quote,
        models.Figure,
        models.SkillStandard,
        models.Occupation,
        models.Announcement,
        models.MinorGroup,
        models.MiddleGroup,
        models.MajorGroup,
        models.Source,
    ]:
        model.objects.all().delete()


class ExportTests(ApiTestCase):
    def rows(self, response):
        self.assertTrue(response.streaming)
        return b"".join(response.streaming_content).decode("utf-8")

    def test_csv_is_utf8_with_bom_quoted_and_in_list_order(self):
        from catalogue.models import Occupation

        Occupation.objects.filter(slug="ai-trainer").update(
            definition_en='Trains models, "labels" data\nand tests them'
        )
        response = self.client.get("/occupations/export.csv", {"q": "人工智能"})
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn('filename="occupations-search.csv"', response["Content-Disposition"])
        text = self.rows(response)
        self.assertTrue(text.startswith("\ufeffcode,slug,name_zh"))
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
        page = self.client.get(reverse("catalogue:occupation-list"), {"q": "人工智能"}).context[
            "occupations"
        ]
        self.assertEqual([r["slug"] for r in rows], [o.slug for o in page])
        trainer = next(r for r in rows if r["slug"] == "ai-trainer")
        self.assertEqual(trainer["name_zh"], "人工智能训练师")
        self.assertEqual(trainer["definition_en"], 'Trains models, "labels" data\nand tests them')

    def test_jsonl_from_the_api_and_the_page_agree(self):
        api = self.rows(self.client.get(f"{API}/occupations/", {"major": "4", "format": "jsonl"}))
        page = self.rows(self.client.get("/occupations/export.jsonl", {"major": "4"}))
        self.assertEqual(api, page)
        rows = [json.loads(line) for line in api.splitlines()]
        self.assertEqual(len(rows), self.get(f"{API}/occupations/", {"major": "4"})["count"])
        self.assertIn("人工智能训练师", api)  # not escaped to \\u

    def test_export_catalogue_round_trip(self):
        from catalogue.models import Occupation

        OccupationTask.objects.create(
            occupation=Occupation.objects.get(slug="ai-trainer"), text_zh="任务"
        )
        # A time whose milliseconds are 000 and microseconds are not (one in a thousand): cut
        # to the millisecond, it came back as another time.
        Occupation.objects.filter(slug="ai-trainer").update(
            updated_at=datetime.datetime(2026, 11, 24, 0, 21, 25, 456, tzinfo=datetime.UTC)
        )
        with tempfile.TemporaryDirectory() as tmp:
            first, second = Path(tmp, "first.json"), Path(tmp, "second.json")
            call_command("export_catalogue", first, stdout=io.StringIO())
            empty_catalogue()
            self.assertFalse(Occupation.objects.exists())
            with self.captureOnCommitCallbacks(execute=True):
                call_command("loaddata", first, verbosity=0)
            call_command("export_catalogue", second, stdout=io.StringIO())
            self.assertEqual(first.read_text(), second.read_text())
        self.assertEqual(StandardLevel.objects.count(), 2)
        self.assertTrue(snapshot()["catalogue_occupation"])


class ListExportTests(ApiTestCase):
    def test_every_api_list_streams_csv_and_jsonl(self):
        for name, count in [("quotes", 9), ("figures", 15), ("announcements", 3), ("sources", 4)]:
            for export_format in ["csv", "jsonl"]:
                with self.subTest(endpoint=name, format=export_format):
                    response = self.client.get(f"{API}/{name}/", {"format": export_format})
                    self.assertEqual(response.status_code, 200)
                    self.assertTrue(response.streaming)
                    self.assertIn(
                        f'filename="{name}.{export_format}"', response["Content-Disposition"]
                    )
                    text = b"".join(response.streaming_content).decode("utf-8")
                    if export_format == "jsonl":
                        self.assertEqual(len(text.splitlines()), count)
                    else:
                        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
                        self.assertEqual(len(rows), count)
        quotes = b"".join(self.client.get(f"{API}/quotes/", {"format": "csv"}).streaming_content)
        rows = list(csv.DictReader(io.StringIO(quotes.decode("utf-8").lstrip("\ufeff"))))
        self.assertEqual(json.loads(rows[0]["source"])["key"], "internet-plus-new-employment-space")
        self.assertEqual(
            self.get(f"{API}/quotes/", {"format": "xml"}, status=400)["errors"].keys(), {"format"}
        )

    def test_streamed_exports_answer_if_modified_since(self):
        response = self.client.get("/occupations/export.csv")
        self.assertIn("Last-Modified", response)
        again = self.client.get(
            "/occupations/export.csv", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]
        )
        self.assertEqual(again.status_code, 304)
        api = self.client.get(
            f"{API}/quotes/", {"format": "jsonl"}, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]
        )
        self.assertEqual(api.status_code, 304)


class ProvenanceApiTests(ApiTestCase):
    """The API says where each part of a record comes from, as the page does."""

    def test_detail_gives_origins_flags_and_each_parts_source(self):
        from catalogue.models import Occupation

        trainer = Occupation.objects.get(slug="ai-trainer")
        source = SourceFactory(key="final-edition")
        OccupationTask.objects.create(
            occupation=trainer, position=2, text_zh="二", source=source, note="stray characters"
        )
        OccupationTask.objects.create(occupation=trainer, position=1, text_zh="一", source=source)
        data = self.get(f"{API}/occupations/ai-trainer/")
        self.assertEqual(
            (data["name_zh_origin"], data["name_en_origin"]), ("official", "source_article")
        )
        self.assertEqual(
            data["data_flags"],
            [
                {
                    "code": "draft_edition",
                    "label": "from the draft edition; may differ from the final book",
                }
            ],
        )
        self.assertEqual([t["text_zh"] for t in data["tasks"]], ["一", "二"])
        self.assertEqual(data["tasks"][1]["note"], "stray characters")
        self.assertEqual(data["tasks"][0]["source"]["key"], "final-edition")
        job_type = data["job_types"][0]
        self.assertEqual(job_type["source"]["key"], "kangvcar-jobe-ontology-catalog-occupations-py")
        self.assertEqual(job_type["name_en_origin"], "catalogue_translation")
        self.assertEqual(data["alternate_titles"][0]["kind"], "source_article")

    def test_announcements_give_status_document_and_dates_with_sources(self):
        from catalogue.models import Announcement

        Announcement.objects.filter(key="batch-2").update(
            document_number="人社厅发〔2020〕17号",
            official_url="https://example.org/notice",
            date_source="the batch list",
            other_date="2020-02-25",
            other_date_source="JobE, a fallback date",
        )
        data = self.get(f"{API}/announcements/batch-2/")
        self.assertEqual(
            {k: data[k] for k in ["status", "document_number", "official_url", "other_date"]},
            {
                "status": "published",
                "document_number": "人社厅发〔2020〕17号",
                "official_url": "https://example.org/notice",
                "other_date": "2020-02-25",
            },
        )
        self.assertEqual(data["other_date_source"], "JobE, a fallback date")

    def test_exports_carry_the_tasks_in_order(self):
        from catalogue.models import Occupation

        trainer = Occupation.objects.get(slug="ai-trainer")
        OccupationTask.objects.create(occupation=trainer, position=2, text_zh="评测算法")
        OccupationTask.objects.create(occupation=trainer, position=1, text_zh="标注数据")
        response = self.client.get("/occupations/export.csv", {"q": "人工智能训练师"})
        text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
        row = next(r for r in csv.DictReader(io.StringIO(text)) if r["slug"] == "ai-trainer")
        self.assertEqual(row["tasks"], "标注数据\n评测算法")
        jsonl = self.client.get(f"{API}/occupations/", {"q": "人工智能训练师", "format": "jsonl"})
        lines = b"".join(jsonl.streaming_content).decode("utf-8").splitlines()
        record = next(json.loads(line) for line in lines if '"ai-trainer"' in line)
        self.assertEqual(record["tasks"], ["标注数据", "评测算法"])

    def test_a_change_to_a_quote_is_a_new_download(self):
        from catalogue.models import CatalogueVersion, Occupation, Quote

        # The catalogue as it stood an hour ago, and a download of its quotes then.
        an_hour_ago = timezone.now() - timedelta(hours=1)
        for model in (Occupation, Announcement, Source, Quote):
            model.objects.update(updated_at=an_hour_ago)
        CatalogueVersion.objects.update(changed_at=an_hour_ago)
        first = self.client.get(f"{API}/quotes/", {"format": "csv"})
        self.assertEqual(first["Last-Modified"], self.client.get("/")["Last-Modified"])

        quote = Quote.objects.order_by("pk").first()
        quote.speaker_role = "edited since"
        quote.save()
        again = self.client.get(
            f"{API}/quotes/", {"format": "csv"}, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
        )
        self.assertEqual(again.status_code, 200)
        self.assertIn("edited since", b"".join(again.streaming_content).decode())
        self.assertNotEqual(again["Last-Modified"], first["Last-Modified"])


class FormulaInjectionTests(ApiTestCase):
    """Text that a spreadsheet would run as a formula is written to CSV as text (a leading
    apostrophe); JSON Lines and the API keep it as it is."""

    HOSTILE = ['=HYPERLINK("http://evil.example")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]

    def csv_cells(self, response) -> list[str]:
        text = b"".join(response.streaming_content) if response.streaming else response.content
        return [
            cell for row in csv.reader(io.StringIO(text.decode().lstrip("\ufeff"))) for cell in row
        ]

    def test_csv_cells_that_would_run_as_formulas_are_text(self):
        from catalogue.models import Figure, Occupation, Quote

        for value in self.HOSTILE:
            with self.subTest(value):
                Occupation.objects.filter(slug="ai-trainer").update(definition_en=value)
                Quote.objects.filter(pk=Quote.objects.order_by("pk").first().pk).update(
                    speaker_role=value
                )
                Figure.objects.filter(pk=Figure.objects.order_by("pk").first().pk).update(
                    counts=value
                )
                for url, params in [
                    ("/occupations/export.csv", {}),
                    (f"{API}/occupations/", {"format": "csv"}),
                    (f"{API}/quotes/", {"format": "csv"}),
                    ("/insights/figures.csv", {}),
                ]:
                    versioning.bump()  # updates send no signals: the pages cached go
                    cells = self.csv_cells(self.client.get(url, params))
                    hostile = [c for c in cells if value in c]
                    self.assertTrue(hostile, (url, value))
                    for cell in hostile:
                        self.assertFalse(cell.startswith(("=", "+", "-", "@")), (url, cell))
                        self.assertEqual(cell, f"'{value}")
                jsonl = self.client.get(f"{API}/quotes/", {"format": "jsonl"})
                self.assertIn(json.dumps(value), b"".join(jsonl.streaming_content).decode())

    def test_numbers_stay_numbers(self):
        from catalogue.exports import spreadsheet_safe

        for number in ["-2", "-0.5", "+3", "-1,000.25"]:
            self.assertEqual(spreadsheet_safe(number), number)
        self.assertEqual(spreadsheet_safe("-2+3"), "'-2+3")
        self.assertEqual(spreadsheet_safe("\t=1"), "'\t=1")
