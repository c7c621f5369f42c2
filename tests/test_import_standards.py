"""The skill standards' import: OSTA's list, the weight tables and the extracted requirements,
on small files each test writes from rows of the project's data/ files (some deliberately
broken), and on the whole data when the classification's file can be found."""

import csv
import io
import os
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TestCase

from catalogue.imports import ImportFileError
from catalogue.imports_standards import (
    REQUIREMENT_COLUMNS,
    REQUIREMENTS_FILE,
    STANDARD_COLUMNS,
    STANDARDS_FILE,
    WEIGHT_COLUMNS,
    WEIGHTS_FILE,
    skill_standards_import,
)
from catalogue.models import (
    FunctionWeight,
    Occupation,
    OccupationalFunction,
    Requirement,
    SkillStandard,
    StandardLevel,
    WorkContent,
)

from .helpers import snapshot

DATA = Path(settings.BASE_DIR) / "data"


def real_rows(name: str, keep) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as file:
        return [row for row in csv.DictReader(file) if keep(row)]


def csv_text(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# 人工智能训练师 2021, 互联网营销师 (its printed code differs from the 2022 one), 信息安全测试员
# in two standards (2021, and a 2025 job type), one the list leaves unmatched, and one matched
# to an occupation this catalogue does not hold.
OSTA_IDS = {"453", "457", "456", "977"}
UNMATCHED_NAMES = {"公共营养师"}
ABSENT_NAMES = {"招聘师"}


def standard_rows():
    return real_rows(
        STANDARDS_FILE,
        lambda r: (
            r["osta_id"] in OSTA_IDS
            or r["name_zh"] in UNMATCHED_NAMES
            or r["name_zh"] in ABSENT_NAMES
        ),
    )


def weight_rows():
    return real_rows(
        WEIGHTS_FILE,
        lambda r: (
            r["osta_code"] in {"4-04-05-05", "4-04-04-04"}
            or r["source_file"] == "chinajob_skill_standard_extra.pdf"
        ),
    )


def requirement_rows():
    return real_rows(REQUIREMENTS_FILE, lambda r: r["code_in_standard"] == "4-04-05-05")


class StandardsImportTestCase(TestCase):
    fixtures = ["seed"]

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self._tmp.cleanup)
        self.folder = Path(self._tmp.name)
        self.write(
            standards=standard_rows(), weights=weight_rows(), requirements=requirement_rows()
        )

    def write(self, *, standards=None, weights=None, requirements=None):
        for name, columns, rows in [
            (STANDARDS_FILE, STANDARD_COLUMNS, standards),
            (WEIGHTS_FILE, WEIGHT_COLUMNS, weights),
            (REQUIREMENTS_FILE, REQUIREMENT_COLUMNS, requirements),
        ]:
            if rows is not None:
                (self.folder / name).write_text(csv_text(columns, rows), encoding="utf-8")

    def run_import(self, **kwargs):
        return skill_standards_import(data_dir=self.folder, **kwargs)


class ListImportTests(StandardsImportTestCase):
    def test_every_standard_is_kept_matched_or_not(self):
        report = self.run_import()
        self.assertEqual(SkillStandard.objects.filter(osta_id__isnull=False).count(), 6)
        trainer = SkillStandard.objects.get(osta_id=453)
        self.assertEqual(
            (trainer.occupation.slug, trainer.issued_on.isoformat(), trainer.document_number),
            ("ai-trainer", "2021-10-21", "人社厅发〔2021〕81号"),
        )
        self.assertEqual(trainer.match_method, "exact")
        self.assertEqual(trainer.source.key, "osta-skill-standard-list")
        self.assertIn("cert_id osta-std-453", trainer.source_reference)
        self.assertFalse(trainer.code_differs)

        marketer = SkillStandard.objects.get(osta_id=457)
        self.assertEqual(marketer.code_in_standard, "4-01-02-07")
        self.assertEqual(marketer.occupation.code, "4-01-06-02")
        self.assertTrue(marketer.code_differs)

        unmatched = SkillStandard.objects.get(title="公共营养师")
        self.assertIsNone(unmatched.occupation)
        self.assertEqual(unmatched.match_method, "unmatched")
        self.assertIn(
            "No occupation of the 2022 classification has this name", unmatched.unmatched_reason
        )
        absent = SkillStandard.objects.get(title="招聘师")
        self.assertIsNone(absent.occupation)
        self.assertIn(
            "not in the catalogue (import the classification first)", absent.unmatched_reason
        )
        self.assertEqual(sorted(title for title, *_ in report.unmatched), ["公共营养师", "招聘师"])
        summary = "\n".join(report.lines())
        self.assertIn("standards matched to no occupation: 2", summary)

    def test_a_standard_printed_with_an_occupation_code_says_so_when_unmatched(self):
        rows = standard_rows()
        nutritionist = next(r for r in rows if r["name_zh"] == "公共营养师")
        nutritionist["code_in_standard"] = "4-04-05-05"  # a code the catalogue holds
        self.write(standards=rows)
        self.run_import()
        reason = SkillStandard.objects.get(title="公共营养师").unmatched_reason
        self.assertIn("The code printed in the standard, 4-04-05-05, is 人工智能训练师", reason)
        self.assertIn("matched by name, not by code", reason)

    def test_seed_records_meet_the_list_and_are_not_duplicated(self):
        self.run_import()
        trainer = Occupation.objects.get(slug="ai-trainer")
        self.assertEqual(list(trainer.skill_standards.values_list("key", flat=True)), ["osta-453"])
        # Two standards of 信息安全测试员, newest first, none claiming to replace the other.
        tester = Occupation.objects.get(code="4-04-04-04")
        self.assertEqual(
            [(s.osta_id, s.issued_on.year) for s in tester.skill_standards.all()],
            [(977, 2025), (456, 2021)],
        )

    def test_a_title_only_record_without_an_osta_id_is_completed(self):
        SkillStandard.objects.filter(osta_id=453).update(osta_id=None, key="standard-old")
        report = self.run_import()
        trainer = Occupation.objects.get(slug="ai-trainer")
        self.assertEqual(
            list(trainer.skill_standards.values_list("key", "osta_id")), [("standard-old", 453)]
        )
        self.assertIn("completes the title-only record standard-old", "\n".join(report.lines()))

    def test_second_run_changes_nothing(self):
        self.run_import()
        before = snapshot()
        report = self.run_import()
        self.assertEqual(snapshot(), before)
        self.assertFalse(any(report.created.values()) or any(report.updated.values()))
        self.assertEqual(report.unchanged["skill standards"], 6)
        self.assertEqual(report.unchanged["level outlines"], 5)

    def test_dry_run_changes_nothing_but_reports(self):
        before = snapshot()
        report = self.run_import(dry_run=True)
        self.assertEqual(snapshot(), before)
        self.assertEqual(report.created["skill standards"], 3)
        self.assertTrue(report.lines()[-1].startswith("Dry run"))

    def test_a_curators_link_and_english_text_survive_a_reimport(self):
        self.run_import()
        nutritionist = SkillStandard.objects.get(title="公共营养师")
        trainer = Occupation.objects.get(slug="ai-trainer")
        nutritionist.occupation = trainer
        nutritionist.match_method = SkillStandard.Match.CURATOR
        nutritionist.unmatched_reason = ""
        nutritionist.curated_fields = ["occupation", "match_method", "unmatched_reason"]
        nutritionist.save()
        content = WorkContent.objects.get(
            function__level__standard__osta_id=453, number="1.1", function__level__level=5
        )
        content.name_en = "Business data collection"
        content.save()
        weight = FunctionWeight.objects.get(
            level__standard__osta_id=453, level__level=5, function_zh="数据标注"
        )
        weight.function_en = "Data labelling"
        weight.save()

        report = self.run_import()
        nutritionist.refresh_from_db()
        self.assertEqual((nutritionist.occupation, nutritionist.match_method), (trainer, "curator"))
        self.assertEqual(report.kept_curated["skill standards"], 1)
        self.assertEqual(
            WorkContent.objects.get(
                function__level__standard__osta_id=453, number="1.1", function__level__level=5
            ).name_en,
            "Business data collection",
        )
        self.assertEqual(FunctionWeight.objects.get(pk=weight.pk).function_en, "Data labelling")

    def test_an_outline_a_curator_edited_is_left_alone(self):
        self.run_import()
        level = StandardLevel.objects.get(standard__osta_id=453, scheme="L", level=5)
        level.content_status = StandardLevel.Content.EDITED
        level.save()
        Requirement.objects.filter(work_content__function__level=level).update(text_zh="改过")
        report = self.run_import()
        self.assertEqual(report.kept_curated["level outlines"], 1)
        self.assertFalse(
            Requirement.objects.filter(work_content__function__level=level)
            .exclude(text_zh="改过")
            .exists()
        )


class WeightsAndOutlineTests(StandardsImportTestCase):
    def test_ai_trainer_weights_for_five_levels(self):
        self.run_import()
        levels = StandardLevel.objects.filter(standard__osta_id=453)
        self.assertEqual([lv.key for lv in levels], ["5", "4", "3", "2", "1"])
        five = levels.get(level=5)
        self.assertEqual(
            list(five.weights.values_list("function_zh", "weight_pct")),
            [("数据标注", 60), ("数据采集和处理", 30), ("智能系统运维", 10)],
        )
        standard = SkillStandard.objects.get(osta_id=453)
        self.assertEqual(standard.weights_file, "人工智能训练师_国家职业技能标准_2021_mirror.pdf")
        self.assertEqual(standard.weights_source.key, "skill-standard-weight-tables")

    def test_unjoinable_weight_rows_are_reported_and_skipped(self):
        report = self.run_import()
        self.assertFalse(FunctionWeight.objects.filter(source_node_id__contains="育婴员").exists())
        skipped = "\n".join(report.skipped)
        self.assertIn("chinajob_skill_standard_extra.pdf (育婴员, 2015) join no standard", skipped)
        self.assertRegex(skipped, r"cn_skill_standard_weights.csv, lines \d+–\d+")

    def test_outline_keeps_numbers_problems_and_sources_as_extracted(self):
        self.run_import()
        standard = SkillStandard.objects.get(osta_id=453)
        self.assertEqual(standard.text_source.key, "skill-standard-requirements-extracted")
        items = Requirement.objects.filter(work_content__function__level__standard=standard)
        self.assertEqual(items.count(), 162)
        self.assertEqual(items.filter(structure_ok=False).count(), 34)
        self.assertEqual(items.exclude(note="").count(), 87)
        self.assertEqual(
            set(
                StandardLevel.objects.filter(standard=standard).values_list(
                    "content_status", flat=True
                )
            ),
            {"extracted"},
        )
        # Level 5's third function has no name in the source: kept empty, not invented.
        unnamed = OccupationalFunction.objects.get(
            level__standard=standard, level__level=5, number="3"
        )
        self.assertEqual(unnamed.name_zh, "")
        first = items.get(work_content__function__level__level=5, number="1.1.1", kind="skill")
        self.assertEqual(first.text_zh, "能利用设备、工具等完成原始业务数据采集")
        self.assertEqual(first.work_content.number, "1.1")
        self.assertEqual(first.work_content.function.number, "1")
        self.assertTrue(first.source_line.endswith("4-04-05-05.jsonl line 17"))
        marker = items.get(work_content__function__level__level=5, text_zh__endswith="续表")
        self.assertIn("续表", marker.note)  # the page marker is kept in the text and noted


class BadFileTests(StandardsImportTestCase):
    def assertRejected(self, name: str, line: int, reason: str, **files):
        self.write(**files)
        before = snapshot()
        with self.assertRaises(ImportFileError) as raised:
            self.run_import()
        self.assertEqual((raised.exception.path.name, raised.exception.line), (name, line))
        self.assertIn(reason, str(raised.exception))
        self.assertEqual(snapshot(), before)

    def test_bad_rows_of_the_list(self):
        cases = [
            ("issued", "2021-13-40", "issued must be a date"),
            ("osta_id", "x1", "osta_id must be a number"),
            ("match", "by code", "unknown match"),
            ("same_code", "0", "same_code is 0 but"),
            ("source", "", "source is empty"),
        ]
        for column, value, reason in cases:
            with self.subTest(column=column):
                rows = standard_rows()
                trainer = next(i for i, r in enumerate(rows) if r["osta_id"] == "453")
                rows[trainer][column] = value
                self.assertRejected(STANDARDS_FILE, trainer + 2, reason, standards=rows)

    def test_duplicate_osta_id(self):
        rows = standard_rows()
        rows.append(dict(rows[0]))
        self.assertRejected(STANDARDS_FILE, len(rows) + 1, "duplicate osta_id", standards=rows)

    def test_bad_rows_of_the_weights(self):
        cases = [
            ("level_code", "L6", "level_code must be L5–L1 or T1–T3"),
            ("level", "三级/高级工", "does not name level_code"),
            ("weight_pct", "6O", "weight_pct must be a whole number"),
            ("group_sum", "99", "group_sum 99 is not the level's sum of weights, 100"),
            ("sum_ok", "0", "sum_ok is 0 but the level's weights sum to 100"),
            ("function_zh", "", "function_zh is empty"),
        ]
        for column, value, reason in cases:
            with self.subTest(column=column):
                rows = weight_rows()
                rows[0][column] = value
                self.assertRejected(WEIGHTS_FILE, 2, reason, weights=rows)

    def test_a_function_twice_in_one_level(self):
        rows = weight_rows()
        rows[1]["function_zh"] = rows[0]["function_zh"]
        self.assertRejected(WEIGHTS_FILE, 3, "is listed twice for this level", weights=rows)

    def test_bad_rows_of_the_requirements(self):
        cases = [
            ("item_no", "2.1.1", "is not a number under content 1.1"),
            ("content_no", "2.1", "is not a number under function 1"),
            ("level", "六级", "unknown level"),
            ("kind", "both", "kind must be skill or knowledge"),
            ("structure_ok", "yes", "structure_ok must be 0 or 1"),
            ("text_zh", "", "has no text"),
        ]
        for column, value, reason in cases:
            with self.subTest(column=column):
                rows = requirement_rows()
                first = next(i for i, r in enumerate(rows) if r["level"] == "五级/初级工")
                rows[first][column] = value
                self.assertRejected(REQUIREMENTS_FILE, first + 2, reason, requirements=rows)

    def test_a_function_named_two_ways_and_an_item_twice(self):
        rows = requirement_rows()
        first = next(i for i, r in enumerate(rows) if r["level"] == "五级/初级工")
        rows[first + 1]["function_zh"] = "别的名字"
        self.assertRejected(
            REQUIREMENTS_FILE, first + 3, "function 1 is named '别的名字' here", requirements=rows
        )
        rows = requirement_rows()
        rows.insert(first + 1, dict(rows[first]))
        self.assertRejected(REQUIREMENTS_FILE, first + 3, "is listed twice", requirements=rows)

    def test_a_missing_file_and_a_wrong_header(self):
        (self.folder / WEIGHTS_FILE).write_text("code,level\n4-04-05-05,L5\n", encoding="utf-8")
        with self.assertRaisesMessage(ImportFileError, "cn_skill_standard_weights.csv, line 1"):
            self.run_import()
        (self.folder / WEIGHTS_FILE).unlink()
        with self.assertRaisesMessage(ImportFileError, "cannot be read"):
            self.run_import()


class CommandTests(StandardsImportTestCase):
    def test_summary_lists_unmatched_standards_and_progress(self):
        out, err = StringIO(), StringIO()
        call_command("import_skill_standards", str(self.folder), stdout=out, stderr=err)
        text = out.getvalue()
        self.assertIn("skill standards: 3 were created, 3 updated, 0 unchanged", text)
        self.assertIn("公共营养师 (4-14-02-01, 2021-12-02): No occupation", text)
        self.assertIn("skill standards:", err.getvalue())  # progress lines

    def test_dry_run_and_errors(self):
        out = StringIO()
        call_command(
            "import_skill_standards", str(self.folder), "--dry-run", stdout=out, stderr=StringIO()
        )
        self.assertIn("Dry run: nothing was written.", out.getvalue())
        self.assertFalse(SkillStandard.objects.filter(title="公共营养师").exists())
        rows = standard_rows()
        rows[0]["issued"] = "yesterday"
        self.write(standards=rows)
        with self.assertRaisesMessage(
            CommandError, "cn_skill_standards.csv, line 2: issued must be a date"
        ):
            call_command(
                "import_skill_standards", str(self.folder), stdout=StringIO(), stderr=StringIO()
            )
        with self.assertRaisesMessage(CommandError, "is not a file"):
            call_command("import_skill_standards", str(self.folder / "nowhere"), stdout=StringIO())

    def test_reads_the_projects_data_folder_by_default(self):
        with self.settings(CATALOGUE_DATA_DIR=None):
            from catalogue.imports_standards import default_data_dir

            self.assertEqual(default_data_dir(), DATA)
        with self.settings(CATALOGUE_DATA_DIR=str(self.folder)):
            self.assertEqual(default_data_dir(), self.folder)


def classification_dir() -> Path | None:
    """Where the classification's file is: CATALOGUE_DATA_DIR, data/, or shared/data beside."""
    for folder in [
        os.environ.get("CATALOGUE_DATA_DIR"),
        DATA,
        Path(settings.BASE_DIR).parent / "shared" / "data",
    ]:
        if folder and (Path(folder) / "cn_occupations_2022.csv").is_file():
            return Path(folder)
    return None


@pytest.mark.skipif(classification_dir() is None, reason="no cn_occupations_2022.csv to import")
class RealStandardsDataTests(TestCase):
    """The project's data/ files on top of the seed and the whole classification."""

    fixtures = ["seed"]

    def test_the_whole_data(self):
        call_command(
            "import_classification", str(classification_dir()), stdout=StringIO(), stderr=StringIO()
        )
        out = StringIO()
        call_command("import_skill_standards", str(DATA), stdout=out, stderr=StringIO())
        self.assertEqual(SkillStandard.objects.count(), 702)
        self.assertEqual(SkillStandard.objects.filter(occupation__isnull=True).count(), 44)
        with_date_and_number = (
            Occupation.objects.filter(skill_standards__issued_on__isnull=False)
            .exclude(skill_standards__document_number="")
            .distinct()
        )
        self.assertGreaterEqual(with_date_and_number.count(), 600)
        with_weights = Occupation.objects.filter(
            skill_standards__levels__weights__isnull=False
        ).distinct()
        self.assertGreaterEqual(with_weights.count(), 380)
        self.assertEqual(FunctionWeight.objects.count(), 8214 - 13)  # 育婴员's file joins nothing
        self.assertEqual(Requirement.objects.count(), 1120)
        self.assertEqual(Requirement.objects.filter(structure_ok=False).count(), 56)
        self.assertIn("standards matched to no occupation: 44", out.getvalue())

        before = snapshot()
        call_command("import_skill_standards", str(DATA), stdout=StringIO(), stderr=StringIO())
        self.assertEqual(snapshot(), before)
