"""The read logic: each queryset method and selector, its result and its number of queries."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import TestCase
from django.utils import timezone

from catalogue.models import (
    AlternateTitle,
    Announcement,
    Figure,
    MajorGroup,
    Occupation,
    Quote,
    SkillStandard,
    Source,
)
from catalogue.querysets import related_model
from catalogue.selectors import catalogue_summary

from .factories import (
    AnnouncementFactory,
    FigureFactory,
    MajorGroupFactory,
    OccupationFactory,
    QuoteFactory,
    SkillStandardFactory,
    SourceFactory,
    build_standard_outline,
)

ANONYMOUS = AnonymousUser()


class ReadLogicTests(TestCase):
    """Two batches, each with published occupations and one draft; a source with quotes and
    figures that cite both kinds; standards, one of them with its outline."""

    @classmethod
    def setUpTestData(cls):
        cls.staff = get_user_model().objects.create_user("curator", is_staff=True)
        cls.source = SourceFactory(key="source-a")
        cls.old = AnnouncementFactory(
            key="old", batch_number=1, date=datetime.date(2019, 4, 1), source=cls.source
        )
        cls.new = AnnouncementFactory(key="new", batch_number=2, date=datetime.date(2020, 2, 1))
        cls.published = [
            OccupationFactory(code="4-04-05-01", announcement=cls.old, is_digital=True),
            OccupationFactory(code="4-04-05-02", announcement=cls.old),
            OccupationFactory(code="2-02-10-01", announcement=cls.new, is_green=True),
        ]
        cls.draft = OccupationFactory(
            code="4-04-05-03", announcement=cls.new, status=Occupation.Status.DRAFT
        )
        cls.proposed = OccupationFactory(
            code=None, kind=Occupation.Kind.PROPOSED, announcement=cls.new, minor_group=None
        )
        outlined = SkillStandardFactory(
            occupation=cls.published[0], issued_on=datetime.date(2021, 5, 1)
        )
        build_standard_outline(outlined, levels=1, functions=1, contents=1, requirements=1)
        SkillStandardFactory(occupation=cls.published[2], issued_on=datetime.date(2021, 6, 1))
        SkillStandardFactory(occupation=cls.draft, issued_on=datetime.date(2022, 1, 1))
        SkillStandardFactory(occupation=None, issued_on=datetime.date(2022, 3, 1))
        SkillStandardFactory(occupation=None, issued_on=None)
        for position in (2, 1):
            quote = QuoteFactory(source=cls.source, position=position)
            quote.occupations.add(cls.published[0], cls.draft)
        for position, featured in [(2, True), (1, False)]:
            figure = FigureFactory(source=cls.source, position=position, featured=featured)
            figure.occupations.add(cls.published[1], cls.draft)
        cls.other_source = SourceFactory(key="source-0")
        QuoteFactory(source=cls.other_source, position=5)

    def anonymous(self):
        return Occupation.objects.visible_to(ANONYMOUS)

    # --- related models --------------------------------------------------------------------

    def test_related_model_follows_forward_reverse_and_default_names(self):
        self.assertIs(related_model(Occupation, "alternate_titles"), AlternateTitle)
        self.assertIs(related_model(Source, "quote_set"), Quote)
        self.assertIs(related_model(Source, "figure_set__occupations"), Occupation)
        self.assertIs(related_model(Announcement, "occupations"), Occupation)

    # --- occupations -----------------------------------------------------------------------

    def test_count_per_major_group_counts_the_uncoded_under_none(self):
        with self.assertNumQueries(1):
            counts = self.anonymous().count_per_major_group()
        self.assertEqual(counts, {"4": 2, "2": 1, None: 1})
        staff = Occupation.objects.visible_to(self.staff).count_per_major_group()
        self.assertEqual(staff["4"], 3)

    def test_proposed_and_imported(self):
        self.assertEqual(list(Occupation.objects.proposed()), [self.proposed])
        self.assertFalse(Occupation.objects.imported().exists())
        Occupation.objects.filter(pk=self.published[1].pk).update(imported_at=timezone.now())
        self.assertEqual(list(Occupation.objects.imported()), [self.published[1]])

    def test_with_standard_titles_reads_the_standards_with_the_occupations(self):
        occupation = Occupation.objects.get(code="4-04-05-01")
        SkillStandardFactory(occupation=occupation, title="乙", issued_on=None)
        SkillStandardFactory(occupation=occupation, title="甲", issued_on=datetime.date(2023, 5, 1))
        occupations = Occupation.objects.order_by("code").with_standard_titles()
        # One query, whether read whole or in chunks (as downloads stream them); newest first,
        # the undated last; each standard's values as the database gives them, and its
        # occupation the one it was read with.
        for read in [list, lambda queryset: list(queryset.iterator(chunk_size=2))]:
            with self.subTest(read=read), self.assertNumQueries(1):
                standards = {o.code: list(o.skill_standards.all()) for o in read(occupations)}
                self.assertEqual(
                    [(s.title, s.issued_on) for s in standards["4-04-05-01"]][::2],
                    [("甲", datetime.date(2023, 5, 1)), ("乙", None)],
                )
                self.assertEqual(standards["4-04-05-01"][1].issued_on.year, 2021)
                self.assertEqual(standards["4-04-05-02"], [])
                first = standards["4-04-05-01"][0]
                self.assertEqual(first.occupation.code, "4-04-05-01")
            self.assertEqual(first.key, SkillStandard.objects.get(pk=first.pk).key)

    # --- announcements ---------------------------------------------------------------------

    def test_with_occupation_counts_counts_what_the_user_may_see(self):
        counts = {
            a.key: a.occupation_count
            for a in Announcement.objects.with_occupation_counts(self.anonymous())
        }
        self.assertEqual(counts, {"old": 2, "new": 2})
        staff = Occupation.objects.visible_to(self.staff)
        counts = {
            a.key: a.occupation_count for a in Announcement.objects.with_occupation_counts(staff)
        }
        self.assertEqual(counts, {"old": 2, "new": 3})

    def test_newest_first(self):
        self.assertEqual([a.key for a in Announcement.objects.newest_first()], ["new", "old"])

    def test_timeline_is_newest_first_with_visible_occupations_in_two_queries(self):
        for n in range(3):  # more batches, no more queries
            AnnouncementFactory(key=f"more-{n}", batch_number=10 + n)
        with self.assertNumQueries(2):
            timeline = {
                a.key: [o.code for o in a.occupations.all()]
                for a in Announcement.objects.timeline(ANONYMOUS)
            }
        self.assertEqual(list(timeline)[-2:], ["new", "old"])
        self.assertEqual(timeline["old"], ["4-04-05-01", "4-04-05-02"])
        # The draft is hidden; the proposed one (no code) comes last.
        self.assertEqual(timeline["new"], ["2-02-10-01", None])
        staff = {a.key: len(a.occupations.all()) for a in Announcement.objects.timeline(self.staff)}
        self.assertEqual(staff["new"], 3)

    def test_for_page_brings_the_source_and_the_occupations(self):
        with self.assertNumQueries(2):
            announcement = Announcement.objects.for_page(ANONYMOUS).get(key="old")
            self.assertEqual(announcement.source, self.source)
            self.assertEqual(len(announcement.occupations.all()), 2)

    def test_with_standard_coverage(self):
        coverage = {
            a.key: (a.total, a.standardised, a.with_weights, a.with_levels)
            for a in Announcement.objects.with_standard_coverage(self.anonymous())
        }
        self.assertEqual(coverage, {"old": (2, 1, 1, 1), "new": (2, 1, 0, 0)})
        staff = Occupation.objects.visible_to(self.staff)
        self.assertEqual(
            Announcement.objects.with_standard_coverage(staff).get(key="new").standardised, 2
        )

    # --- groups, standards -----------------------------------------------------------------

    def test_with_flag_counts(self):
        counts = {
            m.code: (m.total, m.digital, m.green)
            for m in MajorGroup.objects.with_flag_counts(self.anonymous())
        }
        self.assertEqual(counts, {"2": (1, 0, 1), "4": (2, 1, 0)})
        staff = Occupation.objects.visible_to(self.staff)
        self.assertEqual(MajorGroup.objects.with_flag_counts(staff).get(code="4").total, 3)

    def test_count_per_year_counts_unmatched_standards_and_hides_drafts(self):
        with self.assertNumQueries(1):
            years = SkillStandard.objects.count_per_year(self.anonymous())
        self.assertEqual(
            years,
            [
                {"year": 2021, "n": 2, "matched": 2},
                {"year": 2022, "n": 1, "matched": 0},
                {"year": None, "n": 1, "matched": 0},
            ],
        )
        staff = SkillStandard.objects.count_per_year(Occupation.objects.visible_to(self.staff))
        self.assertEqual(staff[1], {"year": 2022, "n": 2, "matched": 1})

    # --- sources, quotes, figures ----------------------------------------------------------

    def test_source_for_page_in_five_queries(self):
        SourceFactory(key="source-z")  # more sources, no more queries
        with self.assertNumQueries(5):
            sources = {s.key: s for s in Source.objects.for_page(ANONYMOUS)}
            source = sources["source-a"]
            quotes = [
                (q.position, [o.code for o in q.occupations.all()]) for q in source.quote_set.all()
            ]
            figures = [
                (f.position, [o.code for o in f.occupations.all()]) for f in source.figure_set.all()
            ]
        self.assertEqual(quotes, [(1, ["4-04-05-01"]), (2, ["4-04-05-01"])])
        self.assertEqual(figures, [(1, ["4-04-05-02"]), (2, ["4-04-05-02"])])

    def test_source_with_quotes_in_three_queries(self):
        with self.assertNumQueries(3):
            sources = list(Source.objects.order_by("key").with_quotes(self.staff))
            quotes = [
                (q.source.key, q.position, len(q.occupations.all()))
                for s in sources
                for q in s.quote_set.all()
            ]
        self.assertEqual(quotes, [("source-0", 5, 0), ("source-a", 1, 2), ("source-a", 2, 2)])

    def test_passages_in_source_order_and_for_list(self):
        self.assertEqual(
            [(q.source.key, q.position) for q in Quote.objects.in_source_order()],
            [("source-0", 5), ("source-a", 1), ("source-a", 2)],
        )
        with self.assertNumQueries(2):
            figures = [
                (f.source.key, f.position, [o.code for o in f.occupations.all()])
                for f in Figure.objects.for_list(ANONYMOUS)
            ]
        self.assertEqual(
            figures, [("source-a", 1, ["4-04-05-02"]), ("source-a", 2, ["4-04-05-02"])]
        )

    def test_featured_figures(self):
        self.assertEqual([f.position for f in Figure.objects.featured()], [2])

    # --- selectors -------------------------------------------------------------------------

    def test_catalogue_summary_counts_groups_and_leaves_out_proposed(self):
        MajorGroupFactory(
            code="1", name_zh="党的机关、国家机关、群众团体和社会组织、企事业单位负责人"
        )
        with self.assertNumQueries(3):
            groups, total = catalogue_summary(ANONYMOUS)
        self.assertEqual(
            [(g.code, g.occupation_count) for g in groups], [("1", 0), ("2", 1), ("4", 2)]
        )
        # Three published, coded occupations; the proposed one is not counted.
        self.assertEqual(total, 3)
        groups, total = catalogue_summary(self.staff)
        self.assertEqual(total, 4)
