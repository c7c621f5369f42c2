"""Curators and skill standards: pasting a standard's work requirements as copied from its PDF
(tested with texts built from the requirements file, and broken variants of them), editing a
level's outline on one page, and linking an unmatched standard to an occupation."""

import csv
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from catalogue.models import (
    Occupation,
    OccupationalFunction,
    Requirement,
    SkillStandard,
    StandardLevel,
    WorkContent,
)
from catalogue.outline_paste import parse_pasted_outline, standard_outline_paste

from .factories import OccupationFactory, SkillStandardFactory

REQUIREMENTS = Path(settings.BASE_DIR) / "data" / "cn_skill_standard_requirements.csv"
HEADER = "职业功能 工作内容 技能要求 相关知识要求"


def requirement_rows(code: str) -> list[dict]:
    with REQUIREMENTS.open(encoding="utf-8", newline="") as file:
        return [row for row in csv.DictReader(file) if row["code_in_standard"] == code]


def paste_text(rows: list[dict]) -> str:
    """The rows as a copy of the standard's table reads: a heading per level, the table's
    header, a line per function and work content, then the skill items and the knowledge
    items, each numbered from x.y.1."""
    lines, level, function, content = [], None, None, None
    for row in rows:
        if row["level"] != level:
            level, function, content = row["level"], None, None
            lines += [f"3.{len({r['level'] for r in rows[: rows.index(row) + 1]})} {level}", HEADER]
        if row["function_no"] != function:
            function = row["function_no"]
            lines.append(f"{function}. {row['function_zh']}")
        if row["content_no"] != content:
            content = row["content_no"]
            lines.append(f"{content} {row['content_zh']}")
        lines.append(f"{row['item_no']} {row['text_zh']}")
    return "\n".join(lines) + "\n"


# 数据库运行管理员 2025: four levels, every function named, every item numbered.
DATABASE_ADMIN = "4-04-05-04"


class PasteParserTests(TestCase):
    def test_a_copy_of_the_table_gives_back_the_files_outline(self):
        rows = requirement_rows(DATABASE_ADMIN)
        parsed = parse_pasted_outline(paste_text(rows))
        self.assertEqual(parsed.problems, [])
        self.assertEqual(
            [level.name for level in parsed.levels], list(dict.fromkeys(r["level"] for r in rows))
        )
        items = [
            (
                level.name,
                f["number"],
                f["name_zh"],
                c["number"],
                c["name_zh"],
                i["kind"],
                i["number"],
                i["text_zh"],
            )
            for level in parsed.levels
            for f in level.functions
            for c in f["contents"]
            for i in c["items"]
        ]
        expected = [
            (
                r["level"],
                r["function_no"],
                r["function_zh"],
                r["content_no"],
                r["content_zh"],
                r["kind"],
                r["item_no"],
                r["text_zh"],
            )
            for r in rows
        ]
        self.assertEqual(sorted(items), sorted(expected))
        self.assertEqual(len(items), 314)

    def test_the_files_own_problems_are_found_by_line(self):
        # 人工智能训练师: level 5's third function has no name, and one knowledge list of
        # level 3 starts at 1.1.2 (its 1.1.1 is missing in the source).
        text = paste_text(requirement_rows("4-04-05-05"))
        lines = text.splitlines()
        problems = [(p.line, p.message) for p in parse_pasted_outline(text).problems]
        self.assertIn((lines.index("3. ") + 1, "function 3 has no name"), problems)
        missing = lines.index("1.1.2 业务数据相关流程设计知识") + 1
        self.assertIn(
            (missing, "numbering gap: item 1.1.2 starts a list; 1.1.1 is missing"), problems
        )

    def broken(self, change) -> list[tuple[int, str]]:
        lines = paste_text(requirement_rows(DATABASE_ADMIN)).splitlines()
        lines = change(lines)
        return [(p.line, p.message) for p in parse_pasted_outline("\n".join(lines)).problems]

    def test_a_numbering_gap(self):
        def drop_an_item(lines):
            del lines[lines.index("1.1.2 " + requirement_rows(DATABASE_ADMIN)[1]["text_zh"])]
            return lines

        problems = self.broken(drop_an_item)
        self.assertEqual(len(problems), 1)
        self.assertIn("numbering gap: item 1.1.3 where 1.1.2 was expected", problems[0][1])

    def test_an_item_without_a_work_content(self):
        def drop_a_content(lines):
            at = next(i for i, line in enumerate(lines) if line.startswith("1.2 "))
            del lines[at]
            return lines

        problems = self.broken(drop_a_content)
        self.assertTrue(problems)
        self.assertIn("item 1.2.1 has no work content 1.2 before it", problems[0][1])

    def test_a_level_named_twice(self):
        def rename_a_level(lines):
            at = lines.index("3.2 二级/技师")
            lines[at] = "3.2 一级/高级技师"
            return lines

        problems = self.broken(rename_a_level)
        self.assertIn(
            (lines_at := problems[0][0], "level 一级/高级技师 is named twice (first on line 1)"),
            problems,
        )
        self.assertGreater(lines_at, 1)

    def test_a_function_out_of_order_and_a_content_under_the_wrong_function(self):
        def renumber(lines):
            at = next(i for i, line in enumerate(lines) if line.startswith("2. "))
            lines[at] = "3." + lines[at][2:]
            return lines

        messages = [m for _line, m in self.broken(renumber)]
        self.assertIn("numbering gap: function 3 where 2 was expected", messages)
        self.assertIn("work content 2.1 is not under function 3", messages)

    def test_wrapped_lines_page_markers_and_headers(self):
        text = "\n".join(
            [
                "3.1 五级/初级工",
                HEADER,
                "1. 数据采集和处理",
                "1.1 业务数据采集",
                "1.1.1 能利用设备、工具等完成原始",
                "业务数据采集",
                "续表",
                HEADER,
                "1.1.2 能完成数据库内业务数据采集",
                "1.1.1 业务背景知识",
            ]
        )
        parsed = parse_pasted_outline(text)
        self.assertEqual(parsed.problems, [])
        items = parsed.levels[0].functions[0]["contents"][0]["items"]
        self.assertEqual(
            [(i["kind"], i["number"], i["text_zh"]) for i in items],
            [
                ("skill", "1.1.1", "能利用设备、工具等完成原始业务数据采集"),
                ("skill", "1.1.2", "能完成数据库内业务数据采集"),
                ("knowledge", "1.1.1", "业务背景知识"),
            ],
        )

    def test_nothing_recognisable(self):
        problems = parse_pasted_outline("hello\nworld").problems
        self.assertEqual(
            [str(p) for p in problems],
            [
                "line 1: text before any level, function or item: hello",
                "line 1: no level heading (e.g. 五级/初级工) found",
                "line 2: text before any level, function or item: world",
            ],
        )


class PasteServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.curator = get_user_model().objects.create_superuser("curator", "c@example.org", "pw")
        cls.standard = SkillStandardFactory(key="osta-911", title="数据库运行管理员S")

    def test_saves_every_level_with_history(self):
        text = paste_text(requirement_rows(DATABASE_ADMIN))
        parsed = standard_outline_paste(standard=self.standard, text=text, user=self.curator)
        self.assertTrue(parsed.ok)
        levels = StandardLevel.objects.filter(standard=self.standard)
        self.assertEqual([lv.key for lv in levels], ["4", "3", "2", "1"])
        self.assertEqual({lv.content_status for lv in levels}, {"pasted"})
        items = Requirement.objects.filter(work_content__function__level__standard=self.standard)
        self.assertEqual(items.count(), 314)
        self.assertEqual(
            Requirement.history.filter(history_user=self.curator, history_type="+").count(), 314
        )
        first = items.get(work_content__function__level__level=1, number="1.1.1", kind="skill")
        self.assertEqual(first.work_content.number, "1.1")

    def test_a_text_with_a_problem_saves_nothing(self):
        text = paste_text(requirement_rows(DATABASE_ADMIN)).replace(
            "3.2 二级/技师", "3.2 一级/高级技师"
        )
        parsed = standard_outline_paste(standard=self.standard, text=text, user=self.curator)
        self.assertFalse(parsed.ok)
        self.assertFalse(StandardLevel.objects.filter(standard=self.standard).exists())

    def test_pasting_again_replaces_a_level_and_keeps_english_of_unchanged_text(self):
        rows = [r for r in requirement_rows(DATABASE_ADMIN) if r["level"] == "一级/高级技师"]
        text = paste_text(rows)
        standard_outline_paste(standard=self.standard, text=text, user=self.curator)
        function = OccupationalFunction.objects.get(level__standard=self.standard, number="1")
        function.name_en = "Database operation"
        function.save()
        standard_outline_paste(standard=self.standard, text=text, user=self.curator)
        self.assertEqual(
            OccupationalFunction.objects.get(level__standard=self.standard, number="1").name_en,
            "Database operation",
        )
        self.assertEqual(
            Requirement.objects.filter(
                work_content__function__level__standard=self.standard
            ).count(),
            len(rows),
        )


class PasteAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.curator = get_user_model().objects.create_superuser("curator", "c@example.org", "pw")
        cls.standard = SkillStandardFactory(key="osta-911", title="数据库运行管理员S")

    def setUp(self):
        self.client.force_login(self.curator)
        self.url = reverse("admin:catalogue_skillstandard_paste", args=[self.standard.pk])

    def test_preview_lists_problems_by_line_and_offers_no_save(self):
        text = paste_text(requirement_rows(DATABASE_ADMIN)).replace(
            "3.2 二级/技师", "3.2 一级/高级技师"
        )
        response = self.client.post(self.url, {"text": text, "preview": "1"})
        self.assertContains(response, "level 一级/高级技师 is named twice (first on line 1)")
        self.assertNotContains(response, 'name="save"')
        # Saving anyway (a forged request) saves nothing either.
        response = self.client.post(self.url, {"text": text, "save": "1"})
        self.assertContains(response, "Nothing was saved")
        self.assertFalse(StandardLevel.objects.filter(standard=self.standard).exists())

    def test_preview_then_save(self):
        text = paste_text(requirement_rows(DATABASE_ADMIN))
        response = self.client.post(self.url, {"text": text, "preview": "1"})
        self.assertContains(response, "No problems found")
        self.assertContains(response, 'name="save"')
        self.assertContains(response, "一级/高级技师")
        self.assertEqual(StandardLevel.objects.filter(standard=self.standard).count(), 0)
        response = self.client.post(self.url, {"text": text, "save": "1"})
        self.assertRedirects(
            response, reverse("admin:catalogue_skillstandard_change", args=[self.standard.pk])
        )
        self.assertEqual(StandardLevel.objects.filter(standard=self.standard).count(), 4)
        # Pasting over it again warns that it replaces the outline.
        response = self.client.post(self.url, {"text": text, "preview": "1"})
        self.assertContains(response, "already has an outline")

    def test_change_page_links_to_paste(self):
        response = self.client.get(
            reverse("admin:catalogue_skillstandard_change", args=[self.standard.pk])
        )
        self.assertContains(response, self.url)


class OutlinePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.curator = get_user_model().objects.create_superuser("curator", "c@example.org", "pw")
        standard = SkillStandardFactory(key="osta-453")
        rows = [r for r in requirement_rows("4-04-05-05") if r["level"] == "二级/技师"]
        standard_outline_paste(standard=standard, text=paste_text(rows), user=cls.curator)
        cls.level = StandardLevel.objects.get(standard=standard)
        cls.level.content_status = StandardLevel.Content.EXTRACTED
        cls.level.save()

    def setUp(self):
        self.client.force_login(self.curator)
        self.url = reverse("admin:catalogue_standardlevel_outline", args=[self.level.pk])

    def post_data(self, response, change=None):
        data = {}
        for formset in response.context["formsets"].values():
            for key, value in formset.management_form.initial.items():
                data[f"{formset.prefix}-{key}"] = value
            for form in formset.forms:
                for name, field in form.fields.items():
                    value = form.initial.get(name, field.initial)
                    if hasattr(value, "pk"):
                        value = value.pk
                    if value is None or value is False:
                        continue
                    data[form.add_prefix(name)] = value
        data.update(change or {})
        return data

    def test_one_page_holds_the_whole_level(self):
        response = self.client.get(self.url)
        formsets = response.context["formsets"]
        self.assertEqual(len(formsets["functions"].forms), 4 + 1)
        self.assertEqual(
            len(formsets["contents"].forms),
            WorkContent.objects.filter(function__level=self.level).count() + 1,
        )
        self.assertEqual(
            len(formsets["requirements"].forms),
            Requirement.objects.filter(work_content__function__level=self.level).count() + 2,
        )

    def test_editing_an_item_marks_the_extracted_level_as_edited_with_history(self):
        response = self.client.get(self.url)
        item = (
            Requirement.objects.filter(work_content__function__level=self.level)
            .order_by("pk")
            .first()
        )
        index = next(
            i
            for i, form in enumerate(response.context["formsets"]["requirements"].forms)
            if form.instance.pk == item.pk
        )
        data = self.post_data(
            response, {f"items-{index}-text_en": "Can build a business framework"}
        )
        response = self.client.post(self.url, data)
        self.assertRedirects(response, self.url)
        item.refresh_from_db()
        self.assertEqual(item.text_en, "Can build a business framework")
        self.level.refresh_from_db()
        self.assertEqual(self.level.content_status, "edited")
        self.assertEqual(item.history.first().history_user, self.curator)

    def test_an_invalid_form_saves_nothing(self):
        response = self.client.get(self.url)
        data = self.post_data(response, {"items-0-text_zh": "", "items-0-text_en": "changed"})
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Requirement.objects.filter(text_en="changed").exists())
        self.level.refresh_from_db()
        self.assertEqual(self.level.content_status, "extracted")


class LinkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.curator = get_user_model().objects.create_superuser("curator", "c@example.org", "pw")
        cls.occupation = OccupationFactory(code="4-14-02-01", name_zh="营养师")
        cls.standard = SkillStandardFactory(
            key="osta-1",
            occupation=None,
            title="公共营养师",
            match_method="unmatched",
            unmatched_reason="No occupation of the 2022 classification has this name.",
        )

    def setUp(self):
        self.client.force_login(self.curator)

    def test_unmatched_standards_are_listed_with_their_reason(self):
        response = self.client.get(
            reverse("admin:catalogue_skillstandard_changelist"), {"linked": "no"}
        )
        self.assertContains(response, "公共营养师")
        self.assertContains(response, "No occupation of the 2022 classification has this name.")

    def test_a_curator_links_one_to_an_occupation(self):
        url = reverse("admin:catalogue_skillstandard_change", args=[self.standard.pk])
        form = self.client.get(url).context["adminform"].form
        data = {
            name: ("" if value is None else value)
            for name, value in form.initial.items()
            if name in form.fields and not isinstance(value, list)
        }
        data.update(
            {
                "occupation": self.occupation.pk,
                "levels-TOTAL_FORMS": 0,
                "levels-INITIAL_FORMS": 0,
                "levels-MIN_NUM_FORMS": 0,
                "levels-MAX_NUM_FORMS": 1000,
                "_save": "Save",
            }
        )
        response = self.client.post(url, data)
        self.assertEqual(
            response.status_code,
            302,
            getattr(response, "context", None) and response.context["adminform"].form.errors,
        )
        self.standard.refresh_from_db()
        self.assertEqual(self.standard.occupation, self.occupation)
        self.assertEqual(
            (self.standard.match_method, self.standard.unmatched_reason), ("curator", "")
        )
        self.assertTrue(
            {"occupation", "match_method", "unmatched_reason"} <= set(self.standard.curated_fields)
        )
        self.assertEqual(
            list(Occupation.objects.get(pk=self.occupation.pk).skill_standards.all()),
            [self.standard],
        )
        self.assertEqual(
            SkillStandard.history.filter(id=self.standard.pk).first().history_user, self.curator
        )
