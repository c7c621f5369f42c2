"""address() answers as reverse() does, in every language, under a script prefix and another
URLconf."""

from django.http import HttpResponse
from django.test import SimpleTestCase, override_settings
from django.urls import NoReverseMatch, include, path, reverse, set_script_prefix
from django.utils import translation

from catalogue.addresses import address, bound_address

LINKS = [
    ("catalogue:home", []),
    ("catalogue:occupation-list", []),
    ("catalogue:occupation-detail", ["ai-trainer"]),
    ("catalogue:source-detail", ["gb-t-6565-2015_2"]),
    ("catalogue:standard-compare", ["4-04-05-05"]),
    ("api:docs", []),
]

# Another URLconf (ROOT_URLCONF = this module) where an occupation's page is elsewhere.
urlpatterns = [
    path(
        "elsewhere/",
        include(([path("<slug:slug>/", HttpResponse, name="occupation-detail")], "catalogue")),
    )
]


class AddressTests(SimpleTestCase):
    def assert_as_reverse(self):
        for viewname, args in LINKS:
            with self.subTest(viewname=viewname, language=translation.get_language()):
                self.assertEqual(address(viewname, *args), reverse(viewname, args=args))

    def test_as_reverse_in_every_language(self):
        for language in ("en", "zh-hans"):
            with translation.override(language):
                self.assert_as_reverse()

    def test_bound_to_a_page_as_unbound(self):
        for language in ("en", "zh-hans"):
            with translation.override(language):
                url = bound_address()
                for viewname, args in LINKS:
                    self.assertEqual(url(viewname, *args), reverse(viewname, args=args))

    def test_under_a_script_prefix(self):
        set_script_prefix("/catalogue/")
        self.addCleanup(set_script_prefix, "/")
        with translation.override("zh-hans"):
            self.assert_as_reverse()
        self.assertEqual(address("catalogue:home"), "/catalogue/")

    def test_follows_another_urlconf(self):
        self.assertEqual(address("catalogue:occupation-detail", "a"), "/occupations/a/")
        with override_settings(ROOT_URLCONF=__name__):
            self.assertEqual(address("catalogue:occupation-detail", "a"), "/elsewhere/a/")
        self.assertEqual(address("catalogue:occupation-detail", "a"), "/occupations/a/")

    def test_a_view_whose_arguments_are_no_slugs_is_reversed_as_reverse_would(self):
        with translation.override("zh-hans"):
            self.assertEqual(
                address("catalogue:occupation-export", "csv"),
                "/zh-hans/occupations/export.csv",
            )
            with self.assertRaises(NoReverseMatch):
                address("catalogue:occupation-export", "xlsx")

    def test_what_is_not_a_slug_is_reversed_as_reverse_would(self):
        with self.assertRaises(NoReverseMatch):
            address("catalogue:occupation-detail", "not a slug")
        self.assertEqual(address("catalogue:occupation-detail", 7), "/occupations/7/")
