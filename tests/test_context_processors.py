"""The language switcher's addresses are Django's translate_url()'s, whatever the page."""

from django.conf import settings
from django.test import RequestFactory, SimpleTestCase
from django.urls import resolve, set_script_prefix, translate_url
from django.utils import translation

from catalogue.context_processors import in_each_language, site

URLS = [
    "/",
    "/occupations/ai-trainer/",
    "/zh-hans/occupations/ai-trainer/",
    "/occupations/?q=%E6%95%B0%E6%8D%AE&major=4",
    "/zh-hans/occupations/export.csv?q=ai",
    "/zh-hans/standards/osta-474/compare/?levels=5,3",
    "/api/v1/occupations/ai-trainer/",
    "/no/such/page/",
    "/occupations/not%20a%20slug/",
]


class InEachLanguageTests(SimpleTestCase):
    def test_as_translate_url(self):
        for language in ("en", "zh-hans"):
            for url in URLS:
                with self.subTest(url=url, language=language), translation.override(language):
                    self.assertEqual(
                        in_each_language(url),
                        {code: translate_url(url, code) for code, _name in settings.LANGUAGES},
                    )

    def test_the_handlers_match_serves_only_for_its_own_address(self):
        request = RequestFactory().get("/zh-hans/occupations/ai-trainer/", {"q": "x"})
        with translation.override("zh-hans"):
            request.resolver_match = resolve(request.path_info)
            switcher = {lang["code"]: lang["switch_url"] for lang in site(request)["languages"]}
        self.assertEqual(switcher["en"], "/occupations/ai-trainer/?q=x")
        # Under a script prefix, as translate_url() has it (the prefixed path resolves to
        # nothing).
        request = RequestFactory().get("/occupations/ai-trainer/", SCRIPT_NAME="/catalogue")
        request.resolver_match = resolve(request.path_info)
        set_script_prefix("/catalogue/")
        self.addCleanup(set_script_prefix, "/")
        languages = site(request)["languages"]
        self.assertEqual(
            [lang["switch_url"] for lang in languages],
            [translate_url(request.path, code) for code, _name in settings.LANGUAGES],
        )
