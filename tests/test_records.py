"""The detail page's record in one prepared statement (catalogue.records) gives what the ORM
gives, row for row, and prepares its statement once a connection."""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from catalogue.models import (
    AlternateTitle,
    JobType,
    Occupation,
    OccupationTask,
    SearchSynonym,
    StandardLevel,
)
from catalogue.records import occupation_record
from tests.factories import (
    AnnouncementFactory,
    FigureFactory,
    OccupationFactory,
    QuoteFactory,
    SkillStandardFactory,
    SourceFactory,
    build_standard_outline,
)

ANONYMOUS = AnonymousUser()


def fields(instances, names):
    return [tuple(getattr(i, name) for name in names) for i in instances]


class OccupationRecordTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.source = SourceFactory(published_on=date(2024, 5, 1), url="https://example.org/a")
        cls.other_source = SourceFactory(title="A first source")
        batch = AnnouncementFactory(date=date(2022, 6, 14), document_number="人社厅发〔2022〕1号")
        cls.occupation = OccupationFactory(
            code="4-04-05-05",
            announcement=batch,
            source=cls.source,
            definition_source=cls.other_source,
            definition_zh="定义",
            data_issues=["definition_cut_short"],
        )
        o = cls.occupation
        for n in (3, 1, 2):
            OccupationTask.objects.create(
                occupation=o, position=n, text_zh=f"任务{n}", source=cls.source
            )
        AlternateTitle.objects.create(occupation=o, title="b title", source=cls.other_source)
        AlternateTitle.objects.create(occupation=o, title="a title")
        JobType.objects.create(occupation=o, position=2, name_zh="工种二", announcement=batch)
        JobType.objects.create(occupation=o, position=1, name_zh="工种一", source=cls.source)
        SearchSynonym.objects.create(occupation=o, term="ai trainer", language="en", reason="x")
        # Quotes and figures in source order (by title), then position.
        QuoteFactory(source=cls.source, position=5).occupations.add(o)
        QuoteFactory(source=cls.other_source, position=9).occupations.add(o)
        FigureFactory(source=cls.source, position=1, value=Decimal("4.2")).occupations.add(o)
        older = SkillStandardFactory(
            occupation=o, issued_on=date(2019, 1, 1), weights_source=cls.source
        )
        build_standard_outline(older, levels=2)
        SkillStandardFactory(occupation=o, issued_on=date(2023, 1, 1))
        cls.published = OccupationFactory(code="4-04-05-20", name_zh="乙")
        cls.draft = OccupationFactory(code="4-04-05-10", status=Occupation.Status.DRAFT)
        o.related.add(cls.published, cls.draft)

    def test_the_record_holds_what_the_orm_gives_in_the_same_order(self):
        o = Occupation.objects.get(pk=self.occupation.pk)
        record = occupation_record(slug=o.slug, user=ANONYMOUS)
        own = [
            f.attname for f in Occupation._meta.concrete_fields if not f.name.startswith("search_")
        ]
        self.assertEqual(fields([record], own), fields([o], own))
        self.assertEqual(record.minor_group.path, o.minor_group.path)
        self.assertEqual(record.announcement.date, date(2022, 6, 14))
        self.assertEqual(record.source.published_on, date(2024, 5, 1))
        self.assertEqual(record.definition_source.key, self.other_source.key)
        for name, columns in {
            "tasks": ["position", "text_zh", "source_id"],
            "alternate_titles": ["title", "source_id"],
            "job_types": ["position", "name_zh", "announcement_id", "source_id"],
            "search_synonyms": ["term", "language", "reason"],
            "quotes": ["pk", "source_id", "position", "text"],
            "figures": ["pk", "value", "source_id"],
        }.items():
            with self.subTest(name):
                expected = getattr(o, name).order_by(*self.orders[name])
                self.assertEqual(
                    fields(getattr(record, name).all(), columns), fields(expected, columns)
                )
        self.assertEqual([t.position for t in record.tasks.all()], [1, 2, 3])
        self.assertEqual(record.figures.all()[0].value, Decimal("4.2000"))
        self.assertEqual(record.tasks.all()[0].source.title, self.source.title)
        self.assertEqual(
            record.job_types.all()[1].announcement.document_number, "人社厅发〔2022〕1号"
        )

    orders = {
        "tasks": ["position", "id"],
        "alternate_titles": ["title", "id"],
        "job_types": ["position", "id"],
        "search_synonyms": ["language", "term", "id"],
        "quotes": ["source", "position", "pk"],
        "figures": ["source", "position", "pk"],
    }

    def test_standards_newest_first_with_their_outlines_and_sources(self):
        record = occupation_record(slug=self.occupation.slug, user=ANONYMOUS)
        newer, older = record.skill_standards.all()
        self.assertEqual([newer.issued_on.year, older.issued_on.year], [2023, 2019])
        self.assertEqual([lv.level for lv in older.outline_levels], [2, 1])
        self.assertEqual(older.weights_source.key, self.source.key)
        first = StandardLevel.objects.get(standard=older, level=2)
        self.assertEqual(
            [w.weight_pct for w in older.outline_levels[0].weight_rows],
            list(first.weights.order_by("position", "id").values_list("weight_pct", flat=True)),
        )
        self.assertTrue(older.outline_levels[0].weight_rows)
        self.assertTrue(older.levels_with_outline[0].outline_functions[0].outline_contents)
        self.assertEqual(newer.outline_levels, [])

    def test_related_occupations_as_the_user_may_see_them(self):
        anonymous = occupation_record(slug=self.occupation.slug, user=ANONYMOUS)
        self.assertEqual([r.pk for r in anonymous.related.all()], [self.published.pk])
        staff = get_user_model().objects.create_user("curator", is_staff=True)
        seen = occupation_record(slug=self.occupation.slug, user=staff)
        self.assertEqual([r.code for r in seen.related.all()], ["4-04-05-10", "4-04-05-20"])

    def test_drafts_only_for_staff(self):
        self.assertIsNone(occupation_record(slug=self.draft.slug, user=ANONYMOUS))
        self.assertIsNone(occupation_record(slug="no-such-slug", user=ANONYMOUS))
        staff = get_user_model().objects.create_user("curator", is_staff=True)
        self.assertEqual(occupation_record(slug=self.draft.slug, user=staff).pk, self.draft.pk)

    def test_the_last_edit_by_a_curator(self):
        self.assertIsNone(occupation_record(slug=self.published.slug, user=ANONYMOUS).last_curated)
        curator = get_user_model().objects.create_user("editor")
        self.published.name_en = "Edited"
        self.published._history_user = curator
        self.published.save()
        curated = occupation_record(slug=self.published.slug, user=ANONYMOUS).last_curated
        self.assertEqual(curated.history_user.get_username(), "editor")
        latest = self.published.history.filter(history_user__isnull=False).first()
        self.assertEqual(curated.history_date, latest.history_date)

    def test_reading_it_again_runs_one_query_and_no_other(self):
        occupation_record(slug=self.occupation.slug, user=ANONYMOUS)
        with CaptureQueriesContext(connection) as queries:
            record = occupation_record(slug=self.occupation.slug, user=ANONYMOUS)
            for name in ("tasks", "alternate_titles", "job_types", "quotes", "figures", "related"):
                list(getattr(record, name).all())
            levels = [s.outline_levels for s in record.skill_standards.all()]
            path = record.minor_group.path
        self.assertEqual(len(queries), 1)
        self.assertTrue(queries[0]["sql"].startswith("EXECUTE catalogue_record_public("))
        self.assertEqual([len(lv) for lv in levels], [0, 2])
        self.assertEqual([g.code for g in path], ["4", "4-04", "4-04-05"])


class PreparedStatementTests(TestCase):
    def setUp(self):
        # Prepared statements outlive transactions: start from a connection that has none.
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        connection._prepared.clear()

    def prepared(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'test%'")
            return [name for (name,) in cursor.fetchall()]

    def run_it(self, value):
        with connection.cursor() as cursor:
            connection.execute_prepared(cursor, "test_double", "SELECT $1::int * 2", [value])
            return cursor.fetchone()[0]

    def test_prepared_once_a_connection_then_executed(self):
        with CaptureQueriesContext(connection) as first:
            self.assertEqual(self.run_it(2), 4)
        self.assertEqual(self.prepared(), ["test_double"])
        self.assertEqual(len(first), 3)  # asked, prepared, executed
        with CaptureQueriesContext(connection) as again:
            self.assertEqual(self.run_it(21), 42)
        self.assertEqual([q["sql"] for q in again], ["EXECUTE test_double(21)"])

    def test_a_statement_the_connection_already_has_is_not_prepared_twice(self):
        self.run_it(1)
        connection._prepared.clear()  # as a pooled connection handed to a new wrapper
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.run_it(5), 10)
        self.assertEqual(len(queries), 2)  # asked, executed
