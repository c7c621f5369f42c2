"""The benchmarks' synthetic catalogue carries what real records carry, in the real shares."""

from io import StringIO

from django.core.management import call_command
from django.db.models import Count
from django.test import TestCase

from catalogue.management.commands.generate_synthetic_catalogue import (
    OUTLINES,
    STANDARDS,
    WEIGHTS,
)
from catalogue.models import Occupation, Requirement, SkillStandard, StandardLevel

COUNT = 200


class SyntheticCatalogueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("generate_synthetic_catalogue", "--count", str(COUNT), stdout=StringIO())

    def test_every_occupation_has_tasks_titles_and_job_types(self):
        self.assertEqual(Occupation.objects.count(), COUNT)
        for part in ["tasks", "alternate_titles", "job_types"]:
            with self.subTest(part):
                self.assertFalse(Occupation.objects.filter(**{part: None}).exists())
        counts = Occupation.objects.annotate(n=Count("tasks")).values_list("n", flat=True)
        self.assertTrue(all(3 <= n <= 10 for n in counts))

    def test_standards_weights_and_outlines_come_in_the_real_shares(self):
        standards = SkillStandard.objects.all()
        self.assertEqual(standards.count(), round(STANDARDS * COUNT))
        self.assertFalse(standards.filter(issued_on=None).exists())
        self.assertFalse(standards.filter(document_number="").exists())
        weighted = standards.filter(levels__weights__isnull=False).distinct()
        self.assertEqual(weighted.count(), round(WEIGHTS * COUNT))
        outlined = standards.filter(levels__functions__isnull=False).distinct()
        self.assertEqual(outlined.count(), max(1, round(OUTLINES * COUNT)))
        self.assertTrue(set(outlined) <= set(weighted))

    def test_an_outline_has_five_levels_each_down_to_requirements(self):
        standard = SkillStandard.objects.filter(levels__functions__isnull=False).first()
        levels = StandardLevel.objects.filter(standard=standard)
        self.assertEqual(sorted(levels.values_list("level", flat=True)), [1, 2, 3, 4, 5])
        for level in levels:
            with self.subTest(level=level.level):
                requirements = Requirement.objects.filter(work_content__function__level=level)
                self.assertEqual(
                    set(requirements.values_list("kind", flat=True)), {"skill", "knowledge"}
                )
        for levels_weights in standard.levels.annotate(total=Count("weights")):
            self.assertGreaterEqual(levels_weights.total, 4)

    def test_weights_of_a_level_sum_to_100(self):
        for level in StandardLevel.objects.prefetch_related("weights")[:20]:
            with self.subTest(level=level.pk):
                self.assertEqual(sum(w.weight_pct for w in level.weights.all()), 100)
