"""What a change refreshes (catalogue.refresh): every source of an occupation's search text is
followed through create, edit, delete and unlink, and every model raises the catalogue version."""

from django.apps import apps
from django.test import TestCase

from catalogue import refresh, versioning
from catalogue.models import (
    AlternateTitle,
    JobType,
    Occupation,
    OccupationalFunction,
    OccupationTask,
    Requirement,
    StandardLevel,
    WorkContent,
)

from .factories import OccupationFactory, QuoteFactory, SkillStandardFactory


def found(query) -> set[str]:
    return set(Occupation.objects.search(query).values_list("slug", flat=True))


class SearchTextSourcesTests(TestCase):
    """Each change commits (captureOnCommitCallbacks) and the search sees its result."""

    def setUp(self):
        self.one = OccupationFactory(slug="one", name_zh="第一职业", name_en="First job")
        self.two = OccupationFactory(slug="two", name_zh="第二职业", name_en="Second job")

    def change(self, action):
        with self.captureOnCommitCallbacks(execute=True):
            action()

    def assert_found(self, query, *slugs):
        self.assertEqual(found(query), set(slugs), query)

    def test_occupation(self):
        self.change(lambda: OccupationFactory(slug="three", name_en="Quarry blaster"))
        self.assert_found("quarry", "three")
        three = Occupation.objects.get(slug="three")
        three.name_en = "Tunnel blaster"
        self.change(three.save)
        self.assert_found("quarry")
        self.assert_found("tunnel", "three")
        self.change(three.delete)
        self.assert_found("tunnel")

    def check_child(self, model, text_field, **fields):
        """Create, edit, move to another occupation (unlink from the first), delete."""
        row = model(occupation=self.one, **{text_field: "harbour pilot"}, **fields)
        self.change(row.save)
        self.assert_found("harbour pilot", "one")
        setattr(row, text_field, "canal pilot")
        self.change(row.save)
        self.assert_found("harbour pilot")
        self.assert_found("canal pilot", "one")
        row.occupation = self.two
        self.change(row.save)
        self.assert_found("canal pilot", "two")
        self.change(row.delete)
        self.assert_found("canal pilot")

    def test_alternate_title(self):
        self.check_child(AlternateTitle, "title")

    def test_job_type(self):
        self.check_child(JobType, "name_en", name_zh="工种")

    def test_task(self):
        self.check_child(OccupationTask, "text_en")

    def outline(self, occupation):
        level = StandardLevel.objects.create(
            standard=SkillStandardFactory(occupation=occupation), level=3
        )
        function = OccupationalFunction.objects.create(level=level, name_zh="职业功能")
        return WorkContent.objects.create(function=function, name_zh="工作内容")

    def test_requirement(self):
        first, second = self.outline(self.one), self.outline(self.two)
        requirement = Requirement(
            work_content=first, kind="skill", text_zh="能够", text_en="splice rope"
        )
        self.change(requirement.save)
        self.assert_found("splice rope", "one")
        requirement.text_en = "splice cable"
        self.change(requirement.save)
        self.assert_found("splice cable", "one")
        self.assert_found("splice rope")
        requirement.work_content = second
        self.change(requirement.save)
        self.assert_found("splice cable", "two")
        # A whole work content moved to another occupation's standard takes its requirements.
        second.function = first.function
        self.change(second.save)
        self.assert_found("splice cable", "one")
        # Deleting the standard deletes its outline, requirements included.
        self.change(first.function.level.standard.delete)
        self.assert_found("splice cable")

    def test_quote(self):
        quote = QuoteFactory(text="The night shift never ends")
        self.change(lambda: quote.occupations.add(self.one))
        self.assert_found("night shift", "one")
        quote.text = "The day shift never ends"
        self.change(quote.save)
        self.assert_found("night shift")
        self.assert_found("day shift", "one")
        self.change(lambda: self.two.quotes.add(quote))  # linked from the occupation's side
        self.assert_found("day shift", "one", "two")
        self.change(lambda: quote.occupations.remove(self.one))
        self.assert_found("day shift", "two")
        self.change(lambda: self.two.quotes.remove(quote))
        self.assert_found("day shift")
        self.change(lambda: quote.occupations.set([self.one, self.two]))
        self.assert_found("day shift", "one", "two")
        self.change(quote.occupations.clear)
        self.assert_found("day shift")
        self.change(lambda: quote.occupations.add(self.one))
        self.change(quote.delete)
        self.assert_found("day shift")

    def test_quote_links_edited_in_the_admin(self):
        """The occupation's "quotes about this occupation" rows are saved and deleted as rows
        of the link table, which Django sends no signals for; the occupation's own save in the
        same form refreshes it."""
        from django.contrib.auth import get_user_model
        from django.urls import reverse

        from .test_admin import as_posted

        quote = QuoteFactory(text="The night shift never ends")
        self.change(lambda: quote.occupations.add(self.one))
        self.client.force_login(
            get_user_model().objects.create_superuser("c", "c@example.org", "pw")
        )
        url = reverse("admin:catalogue_occupation_change", args=[self.one.pk])
        data = {**as_posted(self.client.get(url)), "Quote_occupations-0-DELETE": "on"}
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertFalse(self.one.quotes.exists())
        self.assert_found("night shift")
        data = {
            **as_posted(self.client.get(url)),
            "Quote_occupations-TOTAL_FORMS": 1,
            "Quote_occupations-0-quote": quote.pk,
            "Quote_occupations-0-occupation": self.one.pk,
        }
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assert_found("night shift", "one")


class RegistryTests(TestCase):
    def test_every_model_is_registered_or_exempt(self):
        for model in apps.get_app_config("catalogue").get_models(include_auto_created=True):
            with self.subTest(model._meta.label):
                if model._meta.model_name.startswith("historical"):
                    continue  # written with the rows they record
                self.assertTrue(
                    model._meta.label in refresh.REGISTRY or model._meta.label in refresh.EXEMPT,
                    f"{model._meta.label}: say in catalogue.refresh what a change to it refreshes",
                )

    def test_a_search_path_leads_to_occupations(self):
        for label, feeds in refresh.REGISTRY.items():
            if feeds.search:
                with self.subTest(label):
                    model = apps.get_model(label)
                    model._base_manager.values_list(feeds.search, flat=True).query.sql_with_params()

    def test_a_bulk_write_refreshes_as_a_save_would(self):
        occupation = OccupationFactory(slug="one", name_en="First job")
        before = versioning.current().number
        Occupation.objects.filter(pk=occupation.pk).update(name_en="Lighthouse keeper")
        self.assertEqual(found("lighthouse"), set())
        refresh.bulk_changed(Occupation, [occupation])
        self.assertEqual(found("lighthouse"), {"one"})
        self.assertGreater(versioning.current().number, before)
