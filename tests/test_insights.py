"""/insights/: charts drawn from the catalogue, each with its table and CSV."""

import csv
import io
import re

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from catalogue.charts import Row, Series, bar_chart
from catalogue.models import Occupation, Source

from .factories import OccupationFactory


class InsightsPageTests(TestCase):
    fixtures = ["seed"]

    def test_every_chart_is_an_svg_image_with_a_name_a_table_and_a_csv(self):
        response = self.client.get("/insights/")
        page = response.content.decode()
        charts = re.findall(
            r'<svg class="chart"[^>]*role="img" aria-labelledby="([\w-]+)-title', page
        )
        self.assertEqual(
            charts,
            ["batches", "groups", "standards", "standards-per-year", "figures", "percentages"],
        )
        for slug in charts:
            self.assertIn(f'<title id="{slug}-title">', page)
            self.assertIn(f'<desc id="{slug}-desc">', page)
            self.assertIn(f'href="/insights/{slug}.csv"', page)
        self.assertEqual(page.count("<table>"), 7)
        self.assertNotIn('<script src="http', page)

    def test_batch_chart_counts_the_published_occupations_of_each_batch(self):
        rows = self.csv("batches")
        second = next(row for row in rows if row[0] == "第二批 16个新职业")
        published = Occupation.objects.published().filter(announcement__key="batch-2").count()
        self.assertEqual(int(second[2]), published)
        OccupationFactory(
            code="4-99-99-01", status=Occupation.Status.DRAFT, announcement=second_batch()
        )
        self.assertEqual(int(self.row("batches", "第二批 16个新职业")[2]), published)

    def test_group_shares_are_digital_and_green_over_all_in_the_group(self):
        fourth = self.row("groups", "4")
        total, digital, green = (
            Occupation.objects.published().filter(code__startswith="4-").count(),
            Occupation.objects.published().filter(code__startswith="4-", is_digital=True).count(),
            Occupation.objects.published().filter(code__startswith="4-", is_green=True).count(),
        )
        self.assertEqual([int(fourth[4]), int(fourth[5]), int(fourth[7])], [total, digital, green])
        self.assertEqual(fourth[6], f"{100 * digital / total:.1f}")

    def test_standard_coverage_counts_standards_and_level_content(self):
        rows = self.csv("standards")
        self.assertEqual(
            rows[0][2:],
            [
                "Occupations in the catalogue",
                "With a skill standard",
                "With a weight table",
                "With level-by-level requirements",
            ],
        )
        self.assertEqual(sum(int(row[3]) for row in rows[1:]), 3)
        self.assertEqual(sum(int(row[4]) for row in rows[1:]), 0)
        self.assertEqual(sum(int(row[5]) for row in rows[1:]), 0)

    def test_figures_are_cited_with_their_excerpt(self):
        rows = self.csv("figures")
        self.assertEqual(rows[0][-3:], ["Excerpt", "Source", "Source address"])
        first = rows[1]
        self.assertEqual(first[0], "200,000,000")
        self.assertIn("200 million", first[5])
        self.assertEqual(
            first[6], Source.objects.get(key="internet-plus-new-employment-space").title
        )
        page = self.client.get("/insights/").content.decode()
        self.assertIn('href="/sources/internet-plus-new-employment-space/"', page)

    def test_chinese_insights_and_csv_headers(self):
        response = self.client.get("/zh-hans/insights/")
        self.assertContains(response, "各批次发布的新职业")
        rows = self.csv("groups", prefix="/zh-hans")
        self.assertEqual(rows[0][:4], ["代码", "大类（中文）", "大类（英文）", "英文名称"])

    def test_query_count_does_not_grow_with_the_catalogue(self):
        with CaptureQueriesContext(connection) as before:
            self.client.get("/insights/")
        for n in range(10):
            OccupationFactory(code=f"4-99-99-{n:02d}", is_digital=True, announcement=second_batch())
        with CaptureQueriesContext(connection) as after:
            self.client.get("/insights/")
        self.assertEqual(len(before), len(after))
        self.assertLessEqual(len(after), 6)

    def test_unknown_chart_is_404(self):
        self.assertEqual(self.client.get("/insights/nothing.csv").status_code, 404)

    def csv(self, slug, prefix=""):
        response = self.client.get(f"{prefix}/insights/{slug}.csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        text = response.content.decode()
        self.assertTrue(text.startswith("\ufeff"))
        return list(csv.reader(io.StringIO(text[1:])))

    def row(self, slug, first):
        return next(row for row in self.csv(slug) if row[0] == first)


def second_batch():
    from catalogue.models import Announcement

    return Announcement.objects.get(key="batch-2")


def test_bar_chart_scales_to_the_largest_value_and_escapes_labels():
    svg = bar_chart(
        [Row("<b>a</b>", [50]), Row("b", [100]), Row("c", [None])],
        [Series("n", "#000", "x")],
        title="T & t",
        description="D",
        chart_id="c",
    )
    widths = re.findall(r'<rect x="0" y="[\d.]+" width="([\d.]+)"', svg)
    assert widths == ["150.0", "300.0", "0.0"]
    assert "&lt;b&gt;a&lt;/b&gt;" in svg and "<b>" not in svg
    assert "T &amp; t" in svg
    assert "–" in svg  # a missing value is shown as a dash, not as zero


def test_long_labels_are_shortened_counting_chinese_as_double_width():
    svg = bar_chart(
        [Row("职" * 40, [1])], [Series("n", "#000", "x")], title="t", description="d", chart_id="c"
    )
    label = re.search(r'<text x="0"[^>]*>([^<]*)</text>', svg).group(1)
    assert label == "职" * 26 + "…"
    assert "职" * 40 in svg  # whole in the row's <title>
