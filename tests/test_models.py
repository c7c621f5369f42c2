from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.test import TestCase

from catalogue.models import (
    MajorGroup,
    MiddleGroup,
    MinorGroup,
    Occupation,
    Quote,
    StandardLevel,
)

from .factories import (
    MinorGroupFactory,
    OccupationFactory,
    QuoteFactory,
    SkillStandardFactory,
    SourceFactory,
)


class DatabaseConstraintTests(TestCase):
    """Bad rows are refused by PostgreSQL itself, whatever code wrote them."""

    @classmethod
    def setUpTestData(cls):
        cls.minor = MinorGroupFactory(code="4-04-05")

    def assertRejected(self, create):
        with self.assertRaises((IntegrityError, DataError)), transaction.atomic():
            create()

    def test_group_code_formats(self):
        for code in ["44", "x", ""]:
            with self.subTest(code=code):
                self.assertRejected(
                    lambda code=code: MajorGroup.objects.create(code=code, name_zh="大类")
                )
        for code in ["4-4", "404", "4-04-"]:
            with self.subTest(code=code):
                self.assertRejected(
                    lambda code=code: MiddleGroup.objects.create(
                        code=code, major_group_id="4", name_zh="中类"
                    )
                )

    def test_group_codes_sit_inside_their_parent(self):
        MajorGroup.objects.create(code="5", name_zh="农、林、牧、渔业生产及辅助人员")
        self.assertRejected(
            lambda: MiddleGroup.objects.create(code="5-01", major_group_id="4", name_zh="中类")
        )
        self.assertRejected(
            lambda: MinorGroup.objects.create(
                code="4-05-01", middle_group_id="4-04", name_zh="小类"
            )
        )

    def test_occupation_code_format_and_uniqueness(self):
        for code in ["4-04-05-5", "4-04-05-055", "4 04 05 05", "4-04-05-0S"]:
            with self.subTest(code=code):
                self.assertRejected(
                    lambda code=code: OccupationFactory(code=code, minor_group=self.minor)
                )
        OccupationFactory(code="4-04-05-05", minor_group=self.minor)
        self.assertRejected(lambda: OccupationFactory(code="4-04-05-05", minor_group=self.minor))

    def test_occupation_code_matches_its_minor_group(self):
        other = MinorGroupFactory(code="4-04-04")
        self.assertRejected(lambda: OccupationFactory(code="4-04-05-05", minor_group=other))
        self.assertRejected(lambda: OccupationFactory(code="4-04-05-05", minor_group=None))

    def test_uncoded_occupations_may_share_the_absence_of_a_code(self):
        OccupationFactory(code="", minor_group=None)
        OccupationFactory(code=None, minor_group=None)
        self.assertEqual(Occupation.objects.filter(code__isnull=True).count(), 2)

    def test_only_occupations_of_the_classification_have_codes(self):
        self.assertRejected(
            lambda: OccupationFactory(
                kind=Occupation.Kind.ROLE, code="4-04-05-09", minor_group=self.minor
            )
        )
        OccupationFactory(kind=Occupation.Kind.ROLE, code=None, minor_group=None)

    def test_slug_is_ascii_and_names_are_required(self):
        self.assertRejected(lambda: OccupationFactory(slug="人工智能"))
        self.assertRejected(lambda: OccupationFactory(slug="Bad Slug"))
        self.assertRejected(lambda: OccupationFactory(name_zh=""))

    def test_standard_levels_are_one_to_five_and_unique(self):
        standard = SkillStandardFactory()
        for level in [0, 6]:
            with self.subTest(level=level):
                self.assertRejected(
                    lambda level=level: StandardLevel.objects.create(standard=standard, level=level)
                )
        StandardLevel.objects.create(standard=standard, level=5)
        self.assertRejected(lambda: StandardLevel.objects.create(standard=standard, level=5))

    def test_a_corrected_reading_needs_its_note(self):
        self.assertRejected(lambda: QuoteFactory(corrected_text="Fixed", correction_note=""))


class PassageValidationTests(TestCase):
    """Quotes and figures must stand verbatim in their source's archived text."""

    @classmethod
    def setUpTestData(cls):
        cls.source = SourceFactory(archived_text="Intro. “The work is new,” she said.")

    def test_position_is_found_when_left_empty(self):
        quote = Quote(source=self.source, text="The work is new", speaker_name="Ms. Li")
        quote.full_clean()
        self.assertEqual(quote.position, 8)

    def test_text_not_in_the_source_is_refused(self):
        quote = Quote(source=self.source, text="The work is old", speaker_name="Ms. Li")
        with self.assertRaises(ValidationError) as raised:
            quote.full_clean()
        self.assertIn("text", raised.exception.message_dict)

    def test_wrong_position_is_refused_with_the_right_one(self):
        quote = Quote(source=self.source, text="The work is new", speaker_name="Ms. Li", position=3)
        with self.assertRaises(ValidationError) as raised:
            quote.full_clean()
        self.assertIn("it first appears at 8", raised.exception.message_dict["position"][0])


class OccupationStrTests(TestCase):
    def test_str_and_url(self):
        occupation = OccupationFactory.build(
            name_zh="人工智能训练师", name_en="AI trainer", slug="ai-trainer"
        )
        self.assertEqual(str(occupation), "人工智能训练师 (AI trainer)")
        self.assertEqual(occupation.get_absolute_url(), "/occupations/ai-trainer/")


def test_no_help_text_shows_a_document_number_without_its_source():
    """An example like 人社厅发〔2020〕17号 reads as a fact: help texts give none."""
    import re

    from django.apps import apps

    document_number = re.compile(r"〔\d{4}〕\s*\d+\s*号")
    for model in apps.get_app_config("catalogue").get_models():
        for field in model._meta.get_fields():
            text = str(getattr(field, "help_text", ""))
            assert not document_number.search(text), f"{model.__name__}.{field.name}: {text}"
