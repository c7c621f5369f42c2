from django.db.models import F
from django.test import SimpleTestCase, TestCase

from catalogue import codes
from catalogue.models import Occupation

from .factories import OccupationFactory


class CodeStructureTests(SimpleTestCase):
    LEVELS = {
        "major": ("4", []),
        "middle": ("4-04", ["4"]),
        "minor": ("4-04-05", ["4", "4-04"]),
        "occupation": ("4-04-05-01", ["4", "4-04", "4-04-05"]),
    }

    def test_each_level(self):
        for name, (code, parents) in self.LEVELS.items():
            with self.subTest(level=name):
                self.assertEqual(codes.level(code), name)
                self.assertEqual(codes.parents(code), parents)
                self.assertEqual(len(code), codes.LENGTHS[name])
                self.assertEqual(codes.prefix("4-04-05-01", name), code)
                for parent in parents:
                    self.assertTrue(codes.is_under(code, parent))
                self.assertFalse(codes.is_under(code, code))

    def test_malformed_codes(self):
        for code in [
            "",
            None,
            "x",
            "44",
            "4-4",
            "4-04-5",
            "4-04-05-1",
            "4-04-05-01-01",
            "4--04",
            " 4",
        ]:
            with self.subTest(code=code):
                self.assertIsNone(codes.level(code))
                self.assertEqual(codes.parents(code), [])

    def test_a_prefix_is_none_where_the_code_is_too_short(self):
        self.assertIsNone(codes.prefix(None, "major"))
        self.assertIsNone(codes.prefix("4-04", "minor"))
        self.assertEqual(codes.prefix("4-04", "major"), "4")

    def test_a_group_is_not_a_prefix_of_a_longer_number(self):
        # 4-0 is the start of 4-04 as text, not a group of it.
        self.assertFalse(codes.is_under("4-04-05", "4-0"))
        self.assertFalse(codes.is_under("1-01", "1-0"))
        self.assertFalse(codes.is_under(None, "4"))

    def test_sql_and_orm_prefixes_have_each_levels_length(self):
        for name in codes.GROUP_LEVELS:
            with self.subTest(level=name):
                self.assertEqual(
                    codes.prefix_sql(name, "b.code"), f"LEFT(b.code, {codes.LENGTHS[name]})"
                )


class CodeQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        for code in ["4-04-05-01", "4-04-06-01", "4-05-01-01", "2-02-01-01"]:
            OccupationFactory(code=code)
        OccupationFactory(code=None, minor_group=None)

    def test_under_selects_the_rows_of_a_group(self):
        for group, expected in [
            ("4", {"4-04-05-01", "4-04-06-01", "4-05-01-01"}),
            ("4-04", {"4-04-05-01", "4-04-06-01"}),
            ("4-04-05", {"4-04-05-01"}),
            ("4-0", set()),
            ("9", set()),
        ]:
            with self.subTest(group=group):
                rows = Occupation.objects.filter(codes.under(group))
                self.assertEqual(set(rows.values_list("code", flat=True)), expected)

    def test_the_orm_prefix_agrees_with_the_python_one(self):
        for name in codes.GROUP_LEVELS:
            with self.subTest(level=name):
                rows = Occupation.objects.exclude(code=None).annotate(
                    group=codes.prefix_expression(name)
                )
                for code, group in rows.values_list("code", "group"):
                    self.assertEqual(group, codes.prefix(code, name))

    def test_under_takes_an_expression(self):
        # What the constraints use: the code is under the row's own minor group.
        self.assertEqual(
            Occupation.objects.exclude(code=None).filter(codes.under(F("minor_group"))).count(),
            4,
        )
