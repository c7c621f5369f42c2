"""The narrow search rows (SearchRow) that the list's facets count: PostgreSQL keeps each a copy
of its occupation, and of whether it has a standard and which levels, whatever writes them."""

import re
from importlib import import_module

from django.db import connection
from django.db.models import Exists, OuterRef
from django.test import TestCase

from catalogue.filters import HAS_STANDARD, LEVELS, has_level
from catalogue.models import Occupation, SearchRow, SkillStandard, StandardLevel
from catalogue.search.query import parse

from .factories import AnnouncementFactory, OccupationFactory, SkillStandardFactory
from .helpers import index_for_search

# The columns migration 0018's trigger copies.
COPIED = import_module("catalogue.migrations.0018_search_rows").COPIED


def bits(*keys: str) -> int:
    return sum(1 << StandardLevel.level_bit(*StandardLevel.parse_key(key)) for key in keys)


class CopyTests(TestCase):
    def assert_copied(self, occupation):
        expected = Occupation.objects.filter(pk=occupation.pk).values(*COPIED).get()
        self.assertEqual(SearchRow.objects.filter(pk=occupation.pk).values(*COPIED).get(), expected)

    def test_an_occupation_is_copied_when_written_and_gone_when_deleted(self):
        with self.captureOnCommitCallbacks(execute=True):  # its search document, on commit
            occupation = OccupationFactory(name_zh="人工智能训练师", name_en="AI trainer")
        self.assert_copied(occupation)
        self.assertIn("训练", SearchRow.objects.get(pk=occupation.pk).search_vector)
        occupation.name_zh = "供应链管理师"
        occupation.name_en = "Supply chain manager"
        occupation.is_digital = True
        occupation.status = Occupation.Status.DRAFT
        occupation.announcement = AnnouncementFactory()
        with self.captureOnCommitCallbacks(execute=True):
            occupation.save()
        self.assert_copied(occupation)
        self.assertNotIn("训练", SearchRow.objects.get(pk=occupation.pk).search_vector)
        # A bulk update and plain SQL too: no Python is involved in the copy.
        Occupation.objects.filter(pk=occupation.pk).update(code=None, is_green=True)
        self.assert_copied(occupation)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE catalogue_occupation SET name_en = 'Chain planner' WHERE id = %s",
                [occupation.pk],
            )
        self.assert_copied(occupation)
        occupation.delete()
        self.assertFalse(SearchRow.objects.filter(pk=occupation.pk).exists())

    def test_bulk_created_occupations_are_copied(self):
        created = Occupation.objects.bulk_create(
            [Occupation(name_zh=f"职业{n}", slug=f"bulk-{n}") for n in range(3)]
        )
        for occupation in created:
            self.assert_copied(occupation)


class TrigramTests(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        index_for_search()

    def test_three_characters_find_in_the_trigrams_what_their_bigrams_find_as_a_phrase(self):
        row = SearchRow.objects.get(occupation__slug="ai-trainer")
        words = set(re.findall(r"'([^']*)'", row.trigrams))
        self.assertLessEqual({"训练师", "人工智", "工智能", "数据标", "标注员"}, words)
        self.assertEqual({len(word) for word in words}, {3})
        queries = ["训练师", "营销师", "供应链", "管理员", "信息安", "工程技", "互联网", "平台"]
        for query in queries:
            with self.subTest(query=query):
                parsed = parse(query)
                self.assertEqual(parsed.trigram_search is not None, len(query) == 3)
                self.assertEqual(
                    set(SearchRow.objects.matching(parsed).values_list("pk", flat=True)),
                    set(Occupation.objects.matching(parsed).values_list("pk", flat=True)),
                )
        self.assertTrue(SearchRow.objects.matching(parse("训练师")).exists())

    def test_a_three_character_run_beside_other_words_is_split_between_the_indexes(self):
        parsed = parse("训练师 trainer")
        matched = SearchRow.objects.matching(parsed)
        self.assertIn("trigrams", str(matched.query))
        self.assertIn("search_vector", str(matched.query))
        self.assertEqual(
            set(matched.values_list("pk", flat=True)),
            set(Occupation.objects.matching(parsed).values_list("pk", flat=True)),
        )


class StandardTests(TestCase):
    def setUp(self):
        self.one = OccupationFactory()
        self.two = OccupationFactory()

    def row(self, occupation) -> tuple[bool, int]:
        row = SearchRow.objects.get(pk=occupation.pk)
        return row.has_standard, row.levels

    def test_every_level_has_its_own_bit_in_the_facets_order(self):
        self.assertEqual(
            [StandardLevel.level_bit(*StandardLevel.parse_key(key)) for key in LEVELS],
            list(range(8)),
        )
        standard = SkillStandardFactory(occupation=self.one)
        StandardLevel.objects.bulk_create(
            [StandardLevel(standard=standard, scheme="L", level=n) for n in range(1, 6)]
            + [StandardLevel(standard=standard, scheme="T", level=n) for n in range(1, 4)]
        )
        self.assertEqual(self.row(self.one), (True, 0b1111_1111))

    def test_standards_and_levels_are_followed_through_every_change(self):
        self.assertEqual(self.row(self.one), (False, 0))
        standard = SkillStandardFactory(occupation=self.one)
        self.assertEqual(self.row(self.one), (True, 0))
        level = StandardLevel.objects.create(standard=standard, level=5)
        StandardLevel.objects.create(standard=standard, scheme="T", level=2)
        self.assertEqual(self.row(self.one), (True, bits("5", "T2")))
        level.level = 3
        level.save()
        self.assertEqual(self.row(self.one), (True, bits("3", "T2")))
        # A second standard's levels add to the first's; losing one keeps the other's.
        other = SkillStandardFactory(occupation=self.one)
        StandardLevel.objects.create(standard=other, level=3)
        StandardLevel.objects.create(standard=other, level=1)
        self.assertEqual(self.row(self.one), (True, bits("3", "1", "T2")))
        level.delete()
        self.assertEqual(self.row(self.one), (True, bits("3", "1", "T2")))
        # Moved to another occupation: both rows change.
        standard.occupation = self.two
        standard.save()
        self.assertEqual(self.row(self.one), (True, bits("3", "1")))
        self.assertEqual(self.row(self.two), (True, bits("T2")))
        # Unmatched, then deleted with its levels.
        SkillStandard.objects.filter(pk=other.pk).update(occupation=None)
        self.assertEqual(self.row(self.one), (False, 0))
        standard.delete()
        self.assertEqual(self.row(self.two), (False, 0))

    def test_an_occupations_deletion_unmatches_its_standards_and_leaves_the_others(self):
        standard = SkillStandardFactory(occupation=self.one)
        StandardLevel.objects.create(standard=standard, level=4)
        SkillStandardFactory(occupation=self.two)
        self.one.delete()
        self.assertFalse(SearchRow.objects.filter(pk=self.one.pk).exists())
        self.assertEqual(self.row(self.two), (True, 0))

    def test_truncated_levels_are_cleared(self):
        standard = SkillStandardFactory(occupation=self.one)
        StandardLevel.objects.create(standard=standard, level=4)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no checks pending, as TRUNCATE asks
            cursor.execute("TRUNCATE catalogue_standardlevel CASCADE")
        self.assertEqual(self.row(self.one), (True, 0))


class SeedTests(TestCase):
    fixtures = ["seed"]

    def test_every_row_agrees_with_the_occupations_and_their_standards(self):
        levels = {key: has_level(key) for key in LEVELS}
        occupations = Occupation.objects.annotate(has_standard=HAS_STANDARD, **levels)
        self.assertTrue(SkillStandard.objects.filter(occupation__isnull=False).exists())
        self.assertEqual(
            {
                o.pk: (o.has_standard, sum(bits(key) for key in LEVELS if getattr(o, key)))
                for o in occupations
            },
            {r.pk: (r.has_standard, r.levels) for r in SearchRow.objects.all()},
        )
        self.assertFalse(
            Occupation.objects.filter(~Exists(SearchRow.objects.filter(pk=OuterRef("pk"))))
        )
