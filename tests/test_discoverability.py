"""What search engines and link previews read: titles, canonical addresses, alternates, Open
Graph, JSON-LD, sitemap.xml, robots.txt; and what every page weighs."""

import gzip
import json
import re
from xml.etree import ElementTree

from django.contrib.staticfiles import finders
from django.test import TestCase

from catalogue.models import Occupation

from .factories import OccupationFactory
from .helpers import index_for_search

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def head(response) -> str:
    return response.content.decode().split("</head>")[0]


def meta(response, key: str) -> list[str]:
    return re.findall(
        rf'<meta (?:name|property)="{re.escape(key)}" content="([^"]*)">', head(response)
    )


class HeadTests(TestCase):
    fixtures = ["seed"]

    def test_each_page_has_its_own_title_and_description(self):
        pages = [
            "/",
            "/occupations/",
            "/occupations/ai-trainer/",
            "/classification/",
            "/announcements/",
            "/announcements/batch-2/",
            "/sources/internet-plus-new-employment-space/",
            "/insights/",
        ]
        titles, descriptions = set(), set()
        for url in pages:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            titles.add(re.search(r"<title>(.*?)</title>", head(response)).group(1))
            [description] = meta(response, "description")
            self.assertTrue(20 < len(description) <= 200, (url, description))
            descriptions.add(description)
            self.assertEqual(meta(response, "og:title")[0].split(" · ")[0] != "", True)
        self.assertEqual(len(titles), len(pages))
        self.assertEqual(len(descriptions), len(pages))

    def test_canonical_alternates_and_open_graph(self):
        response = self.client.get("/zh-hans/occupations/ai-trainer/", {"utm_source": "x"})
        page = head(response)
        base = "http://testserver"
        self.assertIn(f'<link rel="canonical" href="{base}/zh-hans/occupations/ai-trainer/">', page)
        self.assertIn(
            f'<link rel="alternate" hreflang="en" href="{base}/occupations/ai-trainer/">', page
        )
        self.assertIn(
            f'<link rel="alternate" hreflang="x-default" href="{base}/occupations/ai-trainer/">',
            page,
        )
        self.assertEqual(meta(response, "og:url"), [f"{base}/zh-hans/occupations/ai-trainer/"])
        self.assertEqual(meta(response, "og:locale"), ["zh_CN"])
        self.assertEqual(meta(response, "og:locale:alternate"), ["en_US"])
        self.assertEqual(meta(response, "og:title"), ["人工智能训练师 · AI trainer (4-04-05-05)"])
        self.assertTrue(meta(response, "og:description")[0].startswith("使用智能训练软件"))

    def test_searches_and_filtered_lists_are_not_indexed(self):
        self.assertEqual(meta(self.client.get("/occupations/"), "robots"), [])
        self.assertEqual(
            meta(self.client.get("/occupations/", {"q": "数据"}), "robots"), ["noindex, follow"]
        )

    def test_detail_page_describes_an_occupation_in_json_ld(self):
        response = self.client.get("/occupations/ai-trainer/")
        [block] = re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', response.content.decode()
        )
        data = json.loads(block)
        self.assertEqual(data["@type"], "Occupation")
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(data["name"], "AI trainer")
        self.assertIn("人工智能训练师", data["alternateName"])
        self.assertEqual(data["occupationalCategory"]["codeValue"], "4-04-05-05")
        self.assertIn("2022", data["occupationalCategory"]["inCodeSet"]["name"])
        self.assertEqual(data["url"], "http://testserver/occupations/ai-trainer/")
        self.assertTrue(data["qualifications"])

    def test_json_ld_cannot_close_its_script_element(self):
        OccupationFactory(
            slug="tricky",
            code="4-99-99-01",
            name_zh="</script><script>alert(1)</script>",
            name_en="",
        )
        page = self.client.get("/occupations/tricky/").content.decode()
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1)
        self.assertNotIn("<", block)
        self.assertEqual(json.loads(block)["name"], "</script><script>alert(1)</script>")


class SitemapTests(TestCase):
    fixtures = ["seed"]

    def test_index_lists_the_sections(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        locations = [e.text for e in ElementTree.fromstring(response.content).iter(f"{SITEMAP}loc")]
        self.assertEqual(
            locations,
            [
                f"http://testserver/sitemap-{section}.xml"
                for section in ("pages", "occupations", "announcements", "sources")
            ],
        )

    def test_published_occupations_in_both_languages_with_alternates_and_no_drafts(self):
        OccupationFactory(slug="still-a-draft", code="4-99-99-02", status=Occupation.Status.DRAFT)
        response = self.client.get("/sitemap-occupations.xml")
        tree = ElementTree.fromstring(response.content)
        locations = [e.text for e in tree.iter(f"{SITEMAP}loc")]
        published = Occupation.objects.published().count()
        self.assertEqual(len(locations), 2 * published)
        self.assertIn("http://testserver/occupations/ai-trainer/", locations)
        self.assertIn("http://testserver/zh-hans/occupations/ai-trainer/", locations)
        self.assertFalse([loc for loc in locations if "still-a-draft" in loc])
        first = next(tree.iter(f"{SITEMAP}url"))
        languages = {link.get("hreflang") for link in first.iter(f"{XHTML}link")}
        self.assertEqual(languages, {"en", "zh-hans", "x-default"})
        self.assertIsNotNone(first.find(f"{SITEMAP}lastmod"))

    def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_the_admin(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertIn("Disallow: /admin/", lines)
        self.assertIn("Sitemap: http://testserver/sitemap.xml", lines)


class PageWeightTests(TestCase):
    """Each public page's HTML, CSS and JS together at most 60 KB compressed."""

    fixtures = ["seed"]
    BUDGET = 60 * 1024

    @classmethod
    def setUpTestData(cls):
        index_for_search()
        # A full page of results, each with long names and definitions.
        for n in range(30):
            OccupationFactory(
                code=f"4-99-98-{n:02d}",
                name_zh="数据" * 20 + str(n),
                name_en="data " * 20 + str(n),
                definition_zh="数据分析" * 60,
                definition_en="data analysis " * 60,
                status=Occupation.Status.PUBLISHED,
            )
        index_for_search()

    def assets(self, html: str) -> bytes:
        content = b""
        for path in re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html):
            with open(finders.find(path), "rb") as asset:
                content += gzip.compress(asset.read())
        return content

    def test_public_pages_fit_the_budget(self):
        pages = [
            "/",
            "/occupations/",
            "/occupations/?q=数据",
            "/occupations/ai-trainer/",
            "/classification/",
            "/announcements/",
            "/sources/internet-plus-new-employment-space/",
            "/insights/",
            "/zh-hans/occupations/?q=数据",
        ]
        for url in pages:
            response = self.client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            self.assertEqual(response["Content-Encoding"], "gzip", url)
            html = gzip.decompress(response.content).decode()
            weight = len(response.content) + len(self.assets(html))
            self.assertLess(weight, self.BUDGET, url)
            self.assertIn("site.css", html)

    def test_no_page_asks_another_host_for_anything(self):
        for url in ("/", "/occupations/?q=数据", "/occupations/ai-trainer/", "/insights/"):
            html = self.client.get(url).content.decode()
            # Links to sources are fine; what a page loads (src, stylesheets, icons) is not.
            loaded = re.findall(r'<(?:script|img|iframe)[^>]+src="([^"]+)"', html)
            loaded += re.findall(
                r'<link rel="(?:stylesheet|icon|preload)"[^>]+href="([^"]+)"', html
            )
            self.assertTrue(loaded)
            self.assertEqual([u for u in loaded if not u.startswith("/")], [], url)
