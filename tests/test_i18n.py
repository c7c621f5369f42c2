"""Two languages: the addresses, the switcher, the order of names, and complete catalogues."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.test import TestCase

from .factories import OccupationFactory
from .helpers import index_for_search

LOCALE = Path(settings.BASE_DIR) / "locale"
PO_FILE = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"


class LanguageAddressTests(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        index_for_search()

    def test_english_is_unprefixed_and_chinese_lives_under_zh_hans(self):
        english = self.client.get("/occupations/ai-trainer/")
        chinese = self.client.get("/zh-hans/occupations/ai-trainer/")
        self.assertContains(english, '<html lang="en">')
        self.assertContains(english, "Where this record comes from")
        self.assertContains(chinese, '<html lang="zh-Hans">')
        self.assertContains(chinese, "本条目的来源")
        self.assertNotContains(chinese, "Where this record comes from")

    def test_the_address_decides_the_language_not_the_browser(self):
        response = self.client.get("/occupations/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
        self.assertContains(response, '<html lang="en">')
        self.assertEqual(response.status_code, 200)

    def test_switcher_points_at_the_same_page_with_its_search_and_filters(self):
        response = self.client.get("/occupations/", {"q": "训练师", "digital": "yes"})
        self.assertContains(
            response,
            'href="/zh-hans/occupations/?q=%E8%AE%AD%E7%BB%83%E5%B8%88&amp;digital=yes" '
            'hreflang="zh-Hans" lang="zh-Hans"',
        )
        chinese = self.client.get("/zh-hans/occupations/ai-trainer/")
        self.assertContains(chinese, 'href="/occupations/ai-trainer/" hreflang="en" lang="en"')
        self.assertContains(chinese, '<span aria-current="page" lang="zh-Hans">简体中文</span>')

    def test_names_come_in_the_page_language_first(self):
        english = self.client.get("/occupations/ai-trainer/").content.decode()
        chinese = self.client.get("/zh-hans/occupations/ai-trainer/").content.decode()
        h1 = '<h1><span lang="en">AI trainer</span> <span lang="zh-Hans" class="name-alt">'
        self.assertIn(h1 + "人工智能训练师</span></h1>", english)
        self.assertIn(
            '<h1><span lang="zh-Hans">人工智能训练师</span> '
            '<span lang="en" class="name-alt">AI trainer</span></h1>',
            chinese,
        )

    def test_a_name_without_english_shows_chinese_then_pinyin_in_both_languages(self):
        OccupationFactory(
            slug="no-english",
            code="4-99-99-03",
            name_zh="区块链应用操作员",
            name_en="",
        )
        for prefix in ("", "/zh-hans"):
            response = self.client.get(f"{prefix}/occupations/", {"major": "4"})
            self.assertContains(
                response,
                '<span lang="zh-Hans">区块链应用操作员</span> <span lang="zh-Latn-pinyin" '
                'class="name-alt">qū kuài liàn yìng yòng cāo zuò yuán</span>',
            )

    def test_links_on_chinese_pages_stay_in_chinese(self):
        response = self.client.get("/zh-hans/")
        self.assertContains(response, 'href="/zh-hans/occupations/"')
        self.assertContains(response, 'href="/zh-hans/insights/"')

    def test_the_api_answers_alike_whatever_the_accept_language(self):
        english = self.client.get("/api/v1/occupations/ai-trainer/")
        chinese = self.client.get("/api/v1/occupations/ai-trainer/", HTTP_ACCEPT_LANGUAGE="zh")
        self.assertEqual(english.json(), chinese.json())
        self.assertNotIn("/zh-hans/", chinese.content.decode())

    def test_facet_and_sort_labels_are_translated(self):
        response = self.client.get("/zh-hans/occupations/", {"q": "训练师"})
        for label in ("大类", "数字职业（S）", "相关度", "排序方式"):
            self.assertContains(response, label)


def test_every_message_is_translated_and_none_is_fuzzy():
    with PO_FILE.open("rb") as po:
        catalog = read_po(po)
    untranslated = [m.id for m in catalog if m.id and not all(_strings(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert len(catalog) > 250


def _strings(string):
    return string if isinstance(string, tuple) else (string,)


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext's xgettext")
def test_the_catalogue_holds_every_string_of_the_code_and_templates(tmp_path):
    """makemessages run on a copy of the project finds nothing new to translate: no string
    on a page is left in English in the Chinese interface."""
    root = Path(settings.BASE_DIR)
    for name in ("catalogue", "config", "templates", "locale"):
        shutil.copytree(root / name, tmp_path / name, ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(root / "manage.py", tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    with (tmp_path / "locale/zh_Hans/LC_MESSAGES/django.po").open("rb") as po:
        fresh = read_po(po)
    missing = [m.id for m in fresh if m.id and (m.fuzzy or not all(_strings(m.string)))]
    assert missing == []
    # The Jinja2 templates' strings, ``_("…")``, are read like any template's.
    jinja = {
        text.replace('\\"', '"')
        for path in (root / "templates" / "jinja2").rglob("*.html")
        for text in re.findall(r'_\("((?:[^"\\]|\\.)*)"\)', path.read_text())
    }
    assert len(jinja) > 50
    assert jinja - {m.id for m in fresh} == set()


def test_translations_compile_without_gettext(tmp_path, settings, monkeypatch):
    """Where msgfmt is not installed, the catalogue still compiles (with Babel)."""
    shutil.copytree(LOCALE, tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.setattr(shutil, "which", lambda name: None)
    call_command("compiletranslations", verbosity=0)
    with (tmp_path / "locale/zh_Hans/LC_MESSAGES/django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    assert compiled.gettext("Main tasks") == "主要工作任务"
    assert compiled.ngettext("%(counter)s quote", "%(counter)s quotes", 5) == "%(counter)s 条引语"
