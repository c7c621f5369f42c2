"""Which language comes first: the helper, and the templates, insights, filters and
structured data that follow it."""

import datetime
import json
import re
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings
from django.utils import translation
from django.utils.autoreload import file_changed

from catalogue import insights
from catalogue.facets import facet_counts
from catalogue.filters import OccupationFilter, level_choices
from catalogue.languages import (
    english_first,
    first_language,
    first_name,
    in_page_order,
    interface_word,
    page_language,
)
from catalogue.models import Occupation
from catalogue.seo import occupation_json_ld

from .factories import AnnouncementFactory, MajorGroupFactory, OccupationFactory

PAGES = {"zh-hans": "Chinese page", "en": "English page"}


class HelperTests(SimpleTestCase):
    def test_chinese_first_on_chinese_pages_english_first_on_english_ones(self):
        expected = {
            "zh-hans": (
                "zh-Hans",
                False,
                "软件",
                "zh-Hans",
                [("zh-Hans", "软件"), ("en", "Software")],
            ),
            "en": ("en", True, "Software", "en", [("en", "Software"), ("zh-Hans", "软件")]),
        }
        for language, (page, first, name, tag, order) in expected.items():
            with self.subTest(PAGES[language]), translation.override(language):
                self.assertEqual(page_language(), page)
                self.assertIs(english_first("Software"), first)
                self.assertEqual(first_name("软件", "Software"), name)
                self.assertEqual(first_language("Software"), tag)
                self.assertEqual(in_page_order("软件", "Software"), order)

    def test_without_english_the_chinese_comes_first_everywhere(self):
        for language in PAGES:
            with self.subTest(PAGES[language]), translation.override(language):
                self.assertIs(english_first(""), False)
                self.assertEqual(first_name("软件", ""), "软件")
                self.assertEqual(first_language(""), "zh-Hans")
                self.assertEqual(in_page_order("软件", ""), [("zh-Hans", "软件")])
                self.assertEqual(in_page_order("", "Software"), [("en", "Software")])

    def test_the_template_tags_follow_the_helper(self):
        template = Template(
            "{% load catalogue %}{% chinese_page as ZH %}{{ ZH }}|"
            "{% names_in_page_order '软件' 'Software' %}|{% names_in_page_order '软件' '' %}|"
            "{{ 'Software'|english_first }}|{% bilingual '软件' 'Software' %}"
        )
        expected = {
            "zh-hans": 'True|软件 · Software|软件|False|<span lang="zh-Hans">软件</span> '
            '<span lang="en" class="name-alt">Software</span>',
            "en": 'False|Software · 软件|软件|True|<span lang="en">Software</span> '
            '<span lang="zh-Hans" class="name-alt">软件</span>',
        }
        for language, output in expected.items():
            with self.subTest(PAGES[language]), translation.override(language):
                self.assertEqual(template.render(Context()), output)

    def test_interface_words_and_marks_are_kept_per_language_and_forgotten_with_catalogues(self):
        mark = Template(
            "{% load catalogue %}{% translation_mark 'catalogue_translation' 'reviewed' %}"
        )
        for language, (word, label) in {
            "zh-hans": ("主要工作任务", "本目录的翻译，已审校"),
            "en": ("Main tasks", "catalogue translation, reviewed"),
        }.items():
            with self.subTest(PAGES[language]), translation.override(language):
                self.assertEqual(interface_word(language, "Main tasks"), word)
                self.assertIn(f'title="{label}"', mark.render(Context()))
                self.assertIn(f'lang="{page_language()}"', mark.render(Context()))
        with override_settings(LOCALE_PATHS=[]), translation.override("zh-hans"):
            # Without the catalogue's own translations, as Django reads them again.
            self.assertEqual(interface_word("zh-hans", "Main tasks"), "Main tasks")
        self.assertEqual(interface_word("zh-hans", "Main tasks"), "主要工作任务")
        # And when the development server sees a catalogue compiled anew.
        interface_word.cache_clear()
        interface_word("zh-hans", "Main tasks")
        file_changed.send(sender=None, file_path=Path("locale/zh_Hans/LC_MESSAGES/django.mo"))
        self.assertEqual(interface_word.cache_info().currsize, 0)


class FollowersTests(TestCase):
    """The insights, the filters' labels and the JSON-LD put first what the helper says."""

    @classmethod
    def setUpTestData(cls):
        MajorGroupFactory(code="4", name_en="Social production and life service personnel")
        batch = AnnouncementFactory(key="b1", batch_number=1, date=datetime.date(2019, 4, 1))
        cls.occupation = OccupationFactory(
            code="4-04-05-01",
            name_zh="人工智能训练师",
            name_en="AI trainer",
            definition_zh="使用智能训练软件的人员。",
            definition_en="Uses training software.",
            announcement=batch,
        )

    def visible(self):
        return Occupation.objects.visible_to(AnonymousUser())

    def test_insights_label_groups_and_batches_in_the_page_language(self):
        expected = {
            "zh-hans": ("4 社会生产服务和生活服务人员", "2019-04-01 第"),
            "en": ("4 Social production and life service personnel", "Batch 1, 2019-04-01"),
        }
        for language, (group, batch) in expected.items():
            with self.subTest(PAGES[language]), translation.override(language):
                groups = insights.groups(self.visible()).chart
                self.assertIn(f'lang="{page_language()}">{group}</text>', groups)
                self.assertIn(
                    f'lang="{page_language()}">{batch}', insights.batches(self.visible()).chart
                )

    def test_facet_labels_follow_the_page_language(self):
        expected = {
            "zh-hans": ("4 社会生产服务和生活服务人员", "五级/初级工", "初级"),
            "en": (
                "4 Social production and life service personnel",
                "Level 5 / Junior worker",
                "Junior (of three levels)",
            ),
        }
        for language, (major, level, tier) in expected.items():
            with self.subTest(PAGES[language]), translation.override(language):
                facets = facet_counts(
                    OccupationFilter(
                        None, queryset=self.visible(), request=RequestFactory().get("/")
                    )
                ).facets
                majors = next(f for f in facets if f["name"] == "major")["options"]
                self.assertEqual([o["label"] for o in majors], [major])
                choices = dict(level_choices())
                self.assertEqual((choices["5"], choices["T1"]), (level, tier))

    def test_json_ld_names_and_describes_in_the_page_language_first(self):
        request = RequestFactory().get("/")
        expected = {
            "zh-hans": ("人工智能训练师", ["AI trainer"], "使用智能训练软件的人员。"),
            "en": ("AI trainer", ["人工智能训练师"], "Uses training software."),
        }
        for language, (name, alternates, description) in expected.items():
            with self.subTest(PAGES[language]), translation.override(language):
                script = occupation_json_ld(self.occupation, request)
                data = json.loads(re.search(r">(.*)</script>", script).group(1))
                self.assertEqual(
                    (data["name"], data["alternateName"], data["description"]),
                    (name, alternates, description),
                )

    def test_json_ld_without_an_english_name_is_chinese_first_on_english_pages(self):
        Occupation.objects.filter(pk=self.occupation.pk).update(name_en="")
        occupation = Occupation.objects.get(pk=self.occupation.pk)
        with translation.override("en"):
            script = occupation_json_ld(occupation, RequestFactory().get("/"))
        data = json.loads(re.search(r">(.*)</script>", script).group(1))
        self.assertEqual(
            (data["name"], data["description"]), ("人工智能训练师", "使用智能训练软件的人员。")
        )
        self.assertNotIn("alternateName", data)
