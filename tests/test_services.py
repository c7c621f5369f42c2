from django.test import TestCase

from catalogue import services
from catalogue.models import Occupation

from .factories import OccupationFactory


class SlugTests(TestCase):
    def test_slugs_come_from_english_or_pinyin(self):
        self.assertEqual(services.slugify_name(name_en="AI Trainer (L3)"), "ai-trainer-l3")
        self.assertEqual(
            services.slugify_name(name_zh="供应链管理师"), "gong-ying-lian-guan-li-shi"
        )
        self.assertEqual(services.slugify_name(name_zh="🙂"), "occupation")

    def test_taken_slugs_get_the_code_then_a_number(self):
        taken = {"mei-fa-shi"}
        self.assertEqual(
            services.occupation_slug(name_zh="美发师", code="4-10-03-02", taken=taken),
            "mei-fa-shi-4-10-03-02",
        )
        self.assertEqual(services.occupation_slug(name_zh="美发师", taken=taken), "mei-fa-shi-2")
        self.assertEqual(services.occupation_slug(name_zh="美发师", taken=taken), "mei-fa-shi-3")
        self.assertIn("mei-fa-shi-3", taken)


class PublishTests(TestCase):
    def test_publish_and_unpublish_count_what_changed(self):
        drafts = [OccupationFactory(status="draft") for _ in range(2)]
        OccupationFactory(status="published")
        everything = Occupation.objects.all()
        self.assertEqual(services.occupation_publish(occupations=everything), 2)
        self.assertEqual(services.occupation_publish(occupations=everything), 0)
        self.assertEqual(services.occupation_unpublish(occupations=everything), 3)
        self.assertEqual(drafts[0].history.count(), 3)  # created, published, unpublished

    def test_unknown_status_is_refused(self):
        with self.assertRaises(ValueError):
            services.occupation_set_status(occupations=Occupation.objects.all(), status="gone")
