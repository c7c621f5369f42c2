"""The language switcher's addresses are Django's translate_url()'s, whatever the page."""

from django.conf import settings
from django.test import SimpleTestCase
from django.urls import translate_url
from django.utils import translation

from catalogue.context_processors import in_each_language

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
