from django.contrib.auth import get_user_model
from django.db import connection
from django.template import RequestContext, Template
from django.test import RequestFactory, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from catalogue.models import AlternateTitle, JobType, Occupation, OccupationTask, StandardLevel

from .factories import (
    AnnouncementFactory,
    FigureFactory,
    OccupationFactory,
    QuoteFactory,
    SkillStandardFactory,
    SourceFactory,
    build_standard_outline,
)
from .helpers import index_for_search


class SeededPagesTests(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        index_for_search()

    def test_home_shows_search_groups_announcements_and_figures(self):
        response = self.client.get("/")
        self.assertContains(response, 'role="search"')
        self.assertContains(response, "社会生产服务和生活服务人员")
        self.assertContains(response, "第二批 16个新职业")
        self.assertContains(response, "200,000,000")
        self.assertContains(response, "manage.py import_data")

    def test_home_drops_the_hint_once_the_classification_was_imported(self):
        from django.utils import timezone

        Occupation.objects.filter(slug="ai-trainer").update(imported_at=timezone.now())
        response = self.client.get("/")
        self.assertNotContains(response, "manage.py import_data")
        self.assertContains(response, 'href="/announcements/batch-3/"')

    def test_list_is_paginated_in_code_order(self):
        response = self.client.get(reverse("catalogue:occupation-list"))
        codes = [o.code for o in response.context["occupations"]]
        self.assertEqual(codes[:2], ["2-02-38-07", "4-01-06-02"])
        self.assertEqual(response.context["paginator"].count, Occupation.objects.count())

    def test_list_query_matches_names_titles_job_types_and_codes(self):
        cases = {
            "训练师": "ai-trainer",
            "supply chain": "supply-chain-manager",
            "数据标注员": "ai-trainer",
            "anchor with goods": "internet-marketer",
            "4-04-04": "information-security-tester",
        }
        for query, slug in cases.items():
            with self.subTest(query=query):
                response = self.client.get(reverse("catalogue:occupation-list"), {"q": query})
                self.assertIn(slug, [o.slug for o in response.context["occupations"]])

    def test_hostile_queries_answer_a_normal_page(self):
        for query in ["   ", "x" * 10_000, "a\x00b", "🙂", '"', "'; DROP TABLE x; --", "%_\\"]:
            with self.subTest(query=query[:20]):
                response = self.client.get(reverse("catalogue:occupation-list"), {"q": query})
                self.assertEqual(response.status_code, 200)

    def test_detail_shows_the_record_with_citations(self):
        response = self.client.get(reverse("catalogue:occupation-detail", args=["ai-trainer"]))
        self.assertContains(response, "人工智能训练师")
        self.assertContains(response, "4-04-05-05")
        self.assertContains(response, "软件和信息技术服务人员")  # classification path
        self.assertContains(response, "数据标注员")
        self.assertContains(response, "Liu Xiaowei")
        self.assertContains(response, "I like to be called an AI trainer.")
        self.assertContains(response, "National vocational skill standard")
        self.assertContains(response, "Its issue date and document number are not in the catalogue")
        self.assertContains(
            response,
            reverse("catalogue:source-detail", args=["internet-plus-new-employment-space"]),
        )

    def test_damaged_quote_shows_its_corrected_reading_marked(self):
        response = self.client.get(
            reverse("catalogue:occupation-detail", args=["supply-chain-manager"])
        )
        self.assertContains(response, "Corrected reading")
        self.assertContains(response, "[‘]fight on multiple lines’")

    def test_source_page_lists_its_quotes_and_figures(self):
        response = self.client.get(
            reverse("catalogue:source-detail", args=["internet-plus-new-employment-space"])
        )
        self.assertContains(response, "He Wei")
        self.assertContains(response, "34,630,000")
        self.assertContains(response, "Archived text")


class DraftVisibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.draft = OccupationFactory(status=Occupation.Status.DRAFT, slug="hidden-draft")

    def test_drafts_are_not_found_by_the_public(self):
        self.assertEqual(self.client.get(self.draft.get_absolute_url()).status_code, 404)
        listed = self.client.get(reverse("catalogue:occupation-list")).context["occupations"]
        self.assertNotIn(self.draft, listed)

    def test_staff_see_drafts(self):
        staff = get_user_model().objects.create_user("staff", is_staff=True)
        self.client.force_login(staff)
        self.assertContains(self.client.get(self.draft.get_absolute_url()), "draft")


@override_settings(CATALOGUE_PAGE_CACHE=False)
class HomeCountsTests(TestCase):
    """The home page's counts are the same for every visitor: counted once a catalogue version,
    counted again after any change, and never shared with staff, who count drafts too."""

    @classmethod
    def setUpTestData(cls):
        OccupationFactory(code="4-04-05-05")
        OccupationFactory(code="4-04-05-06", status=Occupation.Status.DRAFT)

    def home(self):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/")
        return response.context["occupation_count"], len(queries)

    def test_counted_once_a_version_and_again_after_a_change(self):
        (first, first_queries), (again, again_queries) = self.home(), self.home()
        self.assertEqual((first, again), (1, 1))
        self.assertLess(again_queries, first_queries)  # the counts came from the cache
        OccupationFactory(code="4-04-05-07")  # a save raises the catalogue version
        self.assertEqual(self.home()[0], 2)

    def test_staff_count_drafts_and_do_not_share_their_counts(self):
        self.home()
        self.client.force_login(get_user_model().objects.create_user("staff", is_staff=True))
        self.assertEqual(self.home()[0], 2)
        self.client.logout()
        self.assertEqual(self.home()[0], 1)


class DetailQueryCountTests(TestCase):
    """The detail page costs the same number of queries however much an occupation has: the
    catalogue version and the record (catalogue.records), once the record's statement is
    prepared on the connection (the first detail request on it prepares it)."""

    def setUp(self):
        self.client.get(OccupationFactory(code="4-04-05-99").get_absolute_url())

    def count_queries(self, occupation):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(occupation.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_query_count_is_constant(self):
        empty = OccupationFactory(code="4-04-05-01")
        SkillStandardFactory(occupation=empty)  # a standard with no outline yet
        full = OccupationFactory(code="4-04-05-02")
        source = SourceFactory()
        for n in range(30):
            OccupationTask.objects.create(occupation=full, position=n, text_zh=f"任务{n}")
            JobType.objects.create(occupation=full, position=n, name_zh=f"工种{n}")
            AlternateTitle.objects.create(occupation=full, title=f"title {n}")
            QuoteFactory(source=source).occupations.add(full)
            FigureFactory(source=SourceFactory()).occupations.add(full)
            full.related.add(OccupationFactory(code=f"4-04-05-{n + 10}"))
        for _ in range(2):
            build_standard_outline(SkillStandardFactory(occupation=full))
        self.assertEqual(StandardLevel.objects.filter(standard__occupation=full).count(), 10)

        self.assertEqual(self.count_queries(full), 2)
        self.assertEqual(self.count_queries(empty), 2)
        # The outline comes with the standards: a bare record costs the same, not fewer.
        without = OccupationFactory(code="4-04-05-03")
        self.assertEqual(self.count_queries(without), self.count_queries(empty))
        response = self.client.get(full.get_absolute_url())
        self.assertContains(response, "工种29")
        self.assertContains(response, "五级/初级工")
        self.assertContains(response, "knowledge要求1-1-1-1")


class FrameTests(TestCase):
    """Every page's frame is one Jinja2 template; a page of Django's templates fills its blocks
    through templates/base.html."""

    def render(self, page):
        request = RequestFactory().get("/about/")
        return Template(page).render(RequestContext(request, {}))

    def test_a_block_the_page_fills_replaces_the_frames_own(self):
        html = self.render(
            '{% extends "base.html" %}{% block title %}A <b>title</b>{% endblock %}'
            "{% block header_search %}{% endblock %}{% block content %}<p>body</p>{% endblock %}"
        )
        self.assertIn("<title>A <b>title</b> · Occupations catalogue</title>", html)
        self.assertNotIn('role="search"', html)  # filled with nothing
        self.assertIn('<main id="main" class="wrap" tabindex="-1">\n    <p>body</p>\n', html)
        self.assertTrue(html.endswith("</html>\n"))

    def test_a_block_the_page_leaves_keeps_the_frames_own(self):
        html = self.render('{% extends "base.html" %}{% block content %}body{% endblock %}')
        self.assertIn("<title>Occupations catalogue · Occupations catalogue</title>", html)
        self.assertIn('role="search"', html)
        self.assertIn('<meta property="og:type" content="website">', html)
        # The frame's own words are trusted, as a Django template's are: not escaped.
        self.assertIn("content=\"A bilingual catalogue of China's occupations", html)

    def test_static_files_follow_their_settings(self):
        page = '{% extends "base.html" %}{% block content %}body{% endblock %}'
        self.assertIn('href="/static/css/site.css"', self.render(page))
        storage = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        with self.settings(STATIC_URL="/elsewhere/", STORAGES={"staticfiles": storage}):
            self.assertIn('href="/elsewhere/css/site.css"', self.render(page))
        self.assertIn('href="/static/css/site.css"', self.render(page))

    def test_an_occupations_page_escapes_its_names_once_in_every_part_of_the_head(self):
        occupation = OccupationFactory(
            name_en="R&D <lead>", definition_en='Leads R&D\'s "work".', code="4-04-05-09"
        )
        html = self.client.get(occupation.get_absolute_url()).content.decode()
        self.assertIn("<title>R&amp;D &lt;lead&gt; · 测试职业", html)
        self.assertIn('<meta property="og:title" content="R&amp;D &lt;lead&gt; · 测试职业', html)
        description = "Leads R&amp;D&#x27;s &quot;work&quot;."
        self.assertIn(f'<meta name="description" content="{description}">', html)
        self.assertIn(f'<meta property="og:description" content="{description}">', html)
        self.assertIn('<h1><span lang="en">R&amp;D &lt;lead&gt;</span>', html)


@override_settings(ROOT_URLCONF="tests.error_urls")
class ErrorPageTests(TestCase):
    def test_404_looks_like_the_site(self):
        response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Page not found", status_code=404)
        self.assertContains(response, "site-header", status_code=404)

    def test_500_looks_like_the_site_and_hides_the_error(self):
        self.client.raise_request_exception = False
        response = self.client.get("/broken/")
        self.assertEqual(response.status_code, 500)
        self.assertContains(response, "Something went wrong", status_code=500)
        self.assertNotContains(response, "must not see", status_code=500)


class ImportedRecordPagesTests(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        from catalogue.models import Announcement, DataIssue

        cls.batch = Announcement.objects.get(key="batch-2")
        cls.batch.data_issues = [DataIssue.INCOMPLETE_BATCH]
        cls.batch.save()
        cls.unnamed = OccupationFactory(
            code="4-04-05-06",
            name_zh="区块链应用操作员",
            name_en="",
            slug="qu-kuai-lian",
            announcement=cls.batch,
            data_issues=[DataIssue.DRAFT_EDITION],
            source_notes="checked against page 217",
        )
        index_for_search()

    def test_announcement_timeline_lists_batches_with_their_occupations(self):
        response = self.client.get(reverse("catalogue:announcement-list"))
        self.assertContains(response, "第二批 16个新职业")
        self.assertContains(response, "人工智能训练师")
        self.assertContains(response, "batch list is missing names")
        labels = [a.label for a in response.context["announcements"]]
        self.assertEqual(labels[0], "第三批 9个新职业")  # newest first

    def test_announcement_page_links_its_sources(self):
        response = self.client.get(self.batch.get_absolute_url())
        self.assertContains(response, 'href="http://jszp.org/news/news_show/id/14535.html"')
        self.assertContains(response, "known to the month")
        self.assertContains(response, "区块链应用操作员")

    def test_detail_shows_path_flags_announcement_and_provenance(self):
        response = self.client.get(reverse("catalogue:occupation-detail", args=["ai-trainer"]))
        self.assertContains(response, 'href="/occupations/?q=4-04-05"')
        self.assertContains(response, "A digital occupation (数字职业)")
        self.assertContains(response, self.batch.get_absolute_url())
        self.assertContains(response, "page 217")
        self.assertContains(response, "cn_occupations_2022.csv, 2022_draft")

    def test_a_record_without_english_name_shows_pinyin_and_says_so(self):
        response = self.client.get(self.unnamed.get_absolute_url())
        self.assertContains(response, "qū kuài liàn yìng yòng cāo zuò yuán")
        self.assertContains(response, "No curated English name yet")
        listed = self.client.get(reverse("catalogue:occupation-list"), {"q": "区块链"})
        self.assertContains(listed, "No curated English name yet")

    def test_data_issues_are_shown_to_everyone_and_curation_notes_to_curators(self):
        url = self.unnamed.get_absolute_url()
        Occupation.objects.filter(pk=self.unnamed.pk).update(curation_notes="Check the code.")
        response = self.client.get(url)
        self.assertContains(response, "Known problems of this record")
        self.assertContains(response, "from the draft edition")
        self.assertContains(response, "checked against page 217")
        self.assertNotContains(response, "Check the code.")
        staff = get_user_model().objects.create_user("staff", is_staff=True)
        self.client.force_login(staff)
        self.assertContains(self.client.get(url), "Check the code.")

    def test_detail_names_who_curated_it_last(self):
        user = get_user_model().objects.create_user("mei")
        self.unnamed._history_user = user
        self.unnamed.name_en = "Blockchain application operator"
        self.unnamed.save()
        response = self.client.get(self.unnamed.get_absolute_url())
        self.assertContains(response, "last edited by mei on")


class ListPagesQueryCountTests(TestCase):
    """The home page and the pages listing occupations under announcements or quotes query once
    per list, not per row."""

    fixtures = ["seed"]

    def count(self, url):
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(queries)

    def test_more_rows_do_not_mean_more_queries(self):
        from catalogue.models import Announcement, Quote, Source

        urls = [
            reverse("catalogue:home"),
            reverse("catalogue:announcement-list"),
            Announcement.objects.get(key="batch-2").get_absolute_url(),
            Source.objects.get(key="internet-plus-new-employment-space").get_absolute_url(),
        ]
        before = [self.count(url) for url in urls]
        batch = Announcement.objects.get(key="batch-2")
        quote = Quote.objects.filter(source__key="internet-plus-new-employment-space").first()
        for n in range(10):
            occupation = OccupationFactory(code=f"4-04-05-{n + 60}", announcement=batch)
            quote.occupations.add(occupation)
            AnnouncementFactory(key=f"more-{n}", batch_number=n + 60)
            FigureFactory(source=quote.source, featured=True)
        self.assertEqual([self.count(url) for url in urls], before)


class ProvenancePagesTests(TestCase):
    """Each part of a record names where it comes from, on the public page."""

    fixtures = ["seed"]

    def test_chinese_names_the_catalogue_translated_are_marked_as_such(self):
        role = self.client.get("/occupations/job-information-auditor/")
        self.assertContains(role, "Chinese name: the catalogue's translation")
        self.assertContains(role, "<dt>Chinese name</dt><dd>catalogue translation</dd>", html=True)
        official = self.client.get("/occupations/ai-trainer/")
        self.assertNotContains(official, "Chinese name: the catalogue")

    def test_every_english_name_says_where_it_comes_from(self):
        about = ' · <a href="/about/translations/">about the translations</a>'
        for slug, origin in [
            ("ai-trainer", "source article"),
            ("all-media-operator", "catalogue translation, unreviewed" + about),
            ("shared-employees", "curator's translation, unreviewed" + about),
        ]:
            with self.subTest(slug=slug):
                response = self.client.get(f"/occupations/{slug}/")
                self.assertContains(response, f"<dt>English name</dt><dd>{origin}</dd>", html=True)

    def test_no_record_claims_it_was_curated_from_seed_data(self):
        imported = OccupationFactory(imported_at=timezone.now())
        for url in ["/occupations/ai-trainer/", imported.get_absolute_url()]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertNotContains(response, "seed data")
                self.assertContains(response, "not edited by a curator")

    def test_a_final_edition_definition_says_so(self):
        source = SourceFactory(key="final", title="中华人民共和国职业分类大典（2022年版）")
        occupation = OccupationFactory(
            definition_zh="从事数据库运行管理的人员。",
            definition_source=source,
            data_issues=["definition_cut"],
        )
        response = self.client.get(occupation.get_absolute_url())
        self.assertContains(response, "the draft&#x27;s definition is cut short")
        self.assertContains(response, 'href="/sources/final/"')

    def test_a_proposed_occupation_is_marked_and_not_in_the_classification(self):
        from catalogue.models import Announcement

        counted_before = self.client.get("/").context["occupation_count"]
        batch = Announcement.objects.create(
            key="batch-8",
            batch_number=8,
            label="第八批（公示中）",
            status=Announcement.Status.PUBLIC_CONSULTATION,
            comment_start="2026-07-02",
            comment_end="2026-07-17",
        )
        proposed = OccupationFactory(
            kind=Occupation.Kind.PROPOSED, code=None, minor_group=None, announcement=batch
        )
        index_for_search()
        uncoded_before = self.client.get("/classification/").context["uncoded"]
        page = self.client.get(proposed.get_absolute_url())
        self.assertContains(page, "Proposed occupation, not part of the classification.")
        self.assertContains(page, "public consultation 2026-07-02 to 2026-07-17")
        self.assertContains(self.client.get(batch.get_absolute_url()), "Under public consultation")
        listed = self.client.get(reverse("catalogue:occupation-list"), {"q": proposed.name_zh})
        self.assertContains(listed, "proposed: under public consultation")
        self.assertEqual(self.client.get("/").context["occupation_count"], counted_before)
        proposed.delete()
        self.assertEqual(self.client.get("/classification/").context["uncoded"], uncoded_before)

    def test_the_announcement_page_gives_document_status_address_and_both_dates(self):
        from catalogue.models import Announcement

        Announcement.objects.filter(key="batch-2").update(
            document_number="人社厅发〔2020〕17号",
            official_url="https://example.org/notice",
            date_source="cn_new_occupations.csv: 新华社",
            other_date="2020-02-25",
            other_date_source="JobE, a fallback date",
        )
        response = self.client.get("/announcements/batch-2/")
        self.assertContains(response, "人社厅发〔2020〕17号")
        self.assertContains(response, "<dt>Status</dt><dd>published</dd>", html=True)
        self.assertContains(response, 'href="https://example.org/notice"')
        self.assertContains(response, "Source of this date: cn_new_occupations.csv: 新华社")
        self.assertContains(response, "2020-02-25")
        self.assertContains(response, "JobE, a fallback date")

    def test_figures_say_what_their_source_says(self):
        from catalogue.models import Figure

        fuzhou = Figure.objects.get(place="Fuzhou", unit="people")
        self.assertIn("reports it carried out", fuzhou.counts)
        for figure in Figure.objects.filter(excerpt__contains="34.63 million"):
            with self.subTest(value=figure.value):
                self.assertIn("Research Report on short video platforms", figure.counts)


class OccupationListPageTests(TestCase):
    def test_each_row_gives_its_newest_standard_and_how_many_more_in_the_pages_language(self):
        from datetime import date

        occupation = OccupationFactory(name_zh="测试员", name_en="Tester")
        SkillStandardFactory(occupation=occupation, title="旧标准", issued_on=date(2019, 1, 1))
        SkillStandardFactory(occupation=occupation, title="新标准", issued_on=date(2024, 5, 6))
        SkillStandardFactory(occupation=occupation, title="另一标准")
        pages = {"/occupations/": "(and 2 more)", "/zh-hans/occupations/": "（另有 2 个）"}
        for url, more in pages.items():
            # The language a page activates is put back after it, for the tests that follow.
            with self.subTest(url=url), translation.override(None):
                response = self.client.get(url)
                self.assertContains(response, '<time datetime="2024-05-06">2024-05-06</time>')
                self.assertContains(response, more)
                self.assertContains(response, "1 个职业" if "zh" in url else "1 occupation")
