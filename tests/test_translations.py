"""The catalogue's translations: the files' import and check, on small files each test writes,
and the check on the files the project ships."""

import csv
import tempfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TestCase

from catalogue.data_imports import import_all
from catalogue.imports import ImportFileError
from catalogue.models import (
    JobType,
    MajorGroup,
    MiddleGroup,
    MinorGroup,
    Occupation,
    OccupationTask,
    ReviewStatus,
    SearchTerm,
    TextOrigin,
)
from catalogue.translations import (
    KINDS,
    TRANSLATIONS_DIR,
    curator_edited_english,
    glossary_problems,
    read_glossary,
    translations_check,
    translations_import,
)

from .helpers import snapshot

MEDIA_OPERATOR = "综合利用各种媒介技术和渠道，采用数据分析、创意策划等方式，从事对信息进行加工、匹配、分发、传播、反馈等工作的人员。"
TRAINER_DEFINITION = "使用智能训练软件，从事人工智能产品使用数据库管理、算法参数设置、人机交互设计、性能测试跟踪等工作的人员。"


def row(code="", zh="", en="", status="unreviewed", note="", **key):
    return {"code": code, "zh": zh, "en": en, "status": status, "note": note, **key}


# A small, consistent set of files for the seed catalogue's records.
FILES = {
    "occupation_names": [
        row("4-04-05-05", "人工智能训练师", "Artificial intelligence trainer"),
        row("4-13-01-05", "全媒体运营师", "Omnimedia operator"),
        row("", "招聘信息审核员", "Recruitment information reviewer"),
    ],
    "occupation_definitions": [
        row("4-04-05-05", TRAINER_DEFINITION, "People who use intelligent training software."),
        row("4-13-01-05", MEDIA_OPERATOR, "People who process and spread information."),
    ],
    "group_names": [
        row("4", "社会生产服务和生活服务人员", "Social production and life service workers"),
        row("4-04", "信息传输、软件和信息技术服务人员", "Information technology service workers"),
    ],
    "task_texts": [row("4-13-01-05", "策划内容", "Plan content.", position="1")],
    "job_type_names": [
        {
            "occupation_code": "4-04-05-05",
            "zh": "数据标注员",
            "en": "Data annotator",
            "status": "unreviewed",
            "note": "",
        }
    ],
}
GLOSSARY = [
    {"zh": "训练师", "en": "trainer", "note": ""},
    {"zh": "运营师", "en": "operator", "note": ""},
    {"zh": "服务人员", "en": "service workers; service personnel", "note": ""},
]


def write_files(folder: Path, files: dict, glossary=GLOSSARY) -> Path:
    for name, rows in files.items():
        kind = KINDS[name]
        with open(folder / kind.file, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, kind.columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows([{c: r.get(c, "") for c in kind.columns} for r in rows])
    if glossary is not None:
        with open(folder / "glossary.csv", "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, ["zh", "en", "note"], lineterminator="\n")
            writer.writeheader()
            writer.writerows(glossary)
    return folder


def complete_files(**changes) -> dict:
    """Files that translate every record of the seed catalogue that needs it."""
    groups = [
        row(g.code, g.name_zh, f"Group {g.code} service workers")
        for model in (MajorGroup, MiddleGroup, MinorGroup)
        for g in model.objects.order_by("code")
    ]
    names, definitions = [], []
    for o in Occupation.objects.all():
        if o.name_en_origin not in {"source_article", "curator"}:
            names.append(row(o.code or "", o.name_zh, f"Occupation {o.slug}"))
        if o.definition_zh:
            definitions.append(row(o.code or "", o.definition_zh, f"Definition of {o.slug}."))
    return {
        **FILES,
        "occupation_names": names,
        "occupation_definitions": definitions,
        "group_names": groups,
        **changes,
    }


class TranslationFilesTestCase(TestCase):
    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        media = Occupation.objects.get(code="4-13-01-05")
        OccupationTask.objects.create(occupation=media, position=1, text_zh="策划内容")

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def files(self, **changes) -> Path:
        """The small set of files, with some kinds' rows replaced."""
        return write_files(self.folder, {**FILES, **changes})


class TranslationImportTests(TranslationFilesTestCase):
    def test_writes_each_text_with_its_origin_and_status_and_counts_it(self):
        report = translations_import(data_dir=self.files())
        media = Occupation.objects.get(code="4-13-01-05")
        self.assertEqual(
            (media.name_en, media.name_en_origin, media.name_en_review),
            ("Omnimedia operator", TextOrigin.CATALOGUE_TRANSLATION, ReviewStatus.UNREVIEWED),
        )
        self.assertEqual(media.definition_en, "People who process and spread information.")
        self.assertEqual(media.definition_en_origin, TextOrigin.CATALOGUE_TRANSLATION)
        self.assertEqual(MajorGroup.objects.get(code="4").name_en_origin, "catalogue_translation")
        task = media.tasks.get()
        self.assertEqual(
            (task.text_en, task.text_en_origin), ("Plan content.", "catalogue_translation")
        )
        annotator = JobType.objects.get(name_zh="数据标注员")
        self.assertEqual(annotator.name_en, "Data annotator")
        self.assertEqual(
            dict(report.updated),
            {
                "occupation names": 1,
                "occupation definitions": 2,
                "group names": 2,
                "tasks": 1,
                "job types": 1,
            },
        )
        self.assertEqual(report.kept[("occupation names", "a source article's English")], 2)
        self.assertEqual(report.unplaced, [])
        # Each change is in the record's history.
        self.assertEqual(
            media.history.first().history_change_reason,
            f"import_translations {self.folder.name}",
        )

    def test_the_queries_do_not_grow_with_the_rows(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        media = Occupation.objects.get(code="4-13-01-05")
        for position in range(2, 7):
            OccupationTask.objects.create(
                occupation=media, position=position, text_zh=f"任务{position}"
            )

        def count(positions):
            tasks = [row("4-13-01-05", "策划内容", "Plan content.", position="1")]
            tasks += [
                row("4-13-01-05", f"任务{p}", f"Task {p}.", position=str(p)) for p in positions
            ]
            with CaptureQueriesContext(connection) as queries:
                translations_import(data_dir=self.files(task_texts=tasks), dry_run=True)
            return len(queries)

        self.assertEqual(count([2]), count([2, 3, 4, 5, 6]))

    def test_a_second_run_changes_nothing(self):
        translations_import(data_dir=self.files())
        before = snapshot()
        report = translations_import(data_dir=self.files())
        self.assertEqual(snapshot(), before)
        self.assertEqual(sum(report.updated.values()), 0)
        self.assertEqual(report.unchanged["occupation names"], 1)

    def test_the_english_a_source_gives_wins(self):
        translations_import(data_dir=self.files())
        trainer = Occupation.objects.get(code="4-04-05-05")
        self.assertEqual(
            (trainer.name_en, trainer.name_en_origin), ("AI trainer", TextOrigin.SOURCE_ARTICLE)
        )
        reviewer = Occupation.objects.get(name_zh="招聘信息审核员")
        self.assertEqual(reviewer.name_en, "Job information auditor")

    def test_a_bad_row_names_its_file_and_line_and_changes_nothing(self):
        before = snapshot()
        bad = [*FILES["group_names"], row("4-04-05", "软件和信息技术服务人员", "Software", "done")]
        with self.assertRaises(ImportFileError) as raised:
            translations_import(data_dir=self.files(group_names=bad))
        self.assertEqual(str(raised.exception).split(":")[0], "group_names.csv, line 4")
        self.assertIn("status must be unreviewed or reviewed, not 'done'", str(raised.exception))
        self.assertEqual(snapshot(), before)

    def test_malformed_files_are_refused_whole(self):
        cases = {
            "a repeated record": [*FILES["group_names"], FILES["group_names"][0]],
            "a bad code": [row("4-4", "社会生产服务和生活服务人员", "Workers")],
            "no Chinese": [row("4", "", "Workers")],
            "reviewed without English": [row("4", "社会生产服务和生活服务人员", "", "reviewed")],
        }
        before = snapshot()
        for label, rows in cases.items():
            with self.subTest(label), self.assertRaises(ImportFileError) as raised:
                translations_import(data_dir=self.files(group_names=rows))
            self.assertIn("group_names.csv, line", str(raised.exception))
        self.assertEqual(snapshot(), before)

    def test_stale_rows_are_reported_and_not_written(self):
        groups = [
            row("4", "社会生产服务和生活服务人员", "Social production and life service workers"),
            row("4-04", "信息传输和软件服务人员", "Information technology service workers"),
        ]
        report = translations_import(data_dir=self.files(group_names=groups))
        self.assertEqual(MiddleGroup.objects.get(code="4-04").name_en, "")
        self.assertEqual(MajorGroup.objects.get(code="4").name_en[:6], "Social")
        [(file, line, failure, reason)] = report.unplaced
        self.assertEqual((file, line, failure), ("group_names.csv", 3, "stale"))
        self.assertIn("«信息传输、软件和信息技术服务人员»", reason)
        self.assertIn("group_names.csv: 1 stale", "\n".join(report.lines()))

    def test_rows_for_records_not_in_the_catalogue_are_listed(self):
        names = [*FILES["occupation_names"], row("9-99-99-99", "不存在的职业", "Nothing")]
        report = translations_import(data_dir=self.files(occupation_names=names))
        self.assertEqual(
            report.unplaced,
            [("occupation_names.csv", 5, "missing", "no occupation 9-99-99-99 in the catalogue")],
        )

    def test_an_occupation_filed_under_anothers_code_is_found_without_its_code(self):
        # The source files 全媒体运营员 under 4-13-01-05 too; the catalogue keeps it uncoded.
        names = [*FILES["occupation_names"], row("4-13-01-05", "全媒体运营员", "All-media worker")]
        report = translations_import(data_dir=self.files(occupation_names=names))
        self.assertEqual(
            report.unplaced,
            [
                (
                    "occupation_names.csv",
                    5,
                    "missing",
                    "no occupation 4-13-01-05 with this Chinese; the code is another's",
                )
            ],
        )
        from .factories import OccupationFactory

        other = OccupationFactory(
            code=None, minor_group=None, slug="all-media-worker", name_zh="全媒体运营员"
        )
        translations_import(data_dir=self.files(occupation_names=names))
        other.refresh_from_db()
        self.assertEqual(other.name_en, "All-media worker")
        self.assertEqual(Occupation.objects.get(code="4-13-01-05").name_en, "Omnimedia operator")

    def test_curated_and_reviewed_english_is_kept(self):
        media = Occupation.objects.get(code="4-13-01-05")
        media.curated_fields = ["name_en"]
        media.definition_en, media.definition_en_review = "Reviewed.", ReviewStatus.REVIEWED
        media.definition_en_origin = TextOrigin.CATALOGUE_TRANSLATION
        media.save()
        report = translations_import(data_dir=self.files())
        media.refresh_from_db()
        self.assertEqual((media.name_en, media.definition_en), ("All-media operator", "Reviewed."))
        self.assertEqual(report.kept[("occupation names", "English a curator changed")], 1)
        self.assertEqual(report.kept[("occupation definitions", "a reviewed translation")], 1)
        # A reviewed row does replace it.
        reviewed = [row("4-13-01-05", MEDIA_OPERATOR, "Reviewed again.", "reviewed")]
        translations_import(data_dir=self.files(occupation_definitions=reviewed))
        media.refresh_from_db()
        self.assertEqual(media.definition_en, "Reviewed again.")

    def test_a_dry_run_writes_nothing(self):
        before = snapshot()
        report = translations_import(data_dir=self.files(), dry_run=True)
        self.assertEqual(report.updated["occupation names"], 1)
        self.assertEqual(snapshot(), before)
        self.assertIn("Dry run: nothing was written.", report.lines())

    def test_the_search_finds_the_new_english(self):
        translations_import(data_dir=self.files())
        found = Occupation.objects.search("omnimedia").values_list("code", flat=True)
        self.assertEqual(list(found), ["4-13-01-05"])
        self.assertTrue(SearchTerm.objects.filter(term="omnimedia").exists())

    def test_the_command_prints_the_summary_and_fails_on_a_bad_file(self):
        out = StringIO()
        call_command("import_translations", self.files(), stdout=out, stderr=StringIO())
        self.assertIn("occupation names: 1 records were updated", out.getvalue())
        self.assertIn("a source article's English kept on 2 records", out.getvalue())
        (self.folder / "group_names.csv").write_text("code,zh\n4,人员\n", encoding="utf-8")
        with self.assertRaises(CommandError) as raised:
            call_command("import_translations", self.folder, stdout=StringIO(), stderr=StringIO())
        self.assertIn(
            "group_names.csv, line 1: missing column(s) en, status, note", str(raised.exception)
        )


class CuratorEditTests(TestCase):
    def test_english_a_curator_writes_becomes_the_curators_and_reviewed(self):
        occupation = Occupation(name_en="New", name_en_origin="catalogue_translation")
        curator_edited_english(occupation, ["name_en"], ["name_en", "definition_en"])
        self.assertEqual(
            (occupation.name_en_origin, occupation.name_en_review), ("curator", "reviewed")
        )

    def test_unless_the_curator_set_the_origin_too(self):
        occupation = Occupation(name_en="From the article", name_en_origin="source_article")
        curator_edited_english(occupation, ["name_en", "name_en_origin"], ["name_en"])
        self.assertEqual(occupation.name_en_origin, "source_article")


class GlossaryTests(TestCase):
    def terms(self, rows):
        with tempfile.TemporaryDirectory() as folder:
            path = write_files(Path(folder), {}, glossary=rows) / "glossary.csv"
            return read_glossary(path)

    def test_a_name_must_use_the_glossary_english_of_its_terms(self):
        terms, problems = self.terms(
            [
                {"zh": "工程技术人员", "en": "engineer", "note": ""},
                {"zh": "技术人员", "en": "technician", "note": ""},
                {"zh": "修理工", "en": "repairer", "note": "Exception: 锁具修理工 (Locksmith)."},
                {"zh": "工", "en": "worker", "note": "single characters are guidance"},
                {"zh": "…的人员", "en": "People who …", "note": "a pattern: guidance"},
            ]
        )
        self.assertEqual(problems, [])
        self.assertEqual([t.zh for t in terms], ["工程技术人员", "技术人员", "修理工"])
        cases = {
            ("人工智能工程技术人员", "Artificial intelligence engineer"): 0,
            # The longer term decides: not also 技术人员 'technician'.
            ("人工智能工程技术人员", "Artificial intelligence technician"): 1,
            ("农业技术人员", "Agricultural technicians"): 0,
            ("农业技术人员", "Agricultural specialist"): 1,
            ("锁具修理工", "Locksmith"): 0,
            ("钟表修理工", "Watch mender"): 1,
            ("焊工", "Welder"): 0,
        }
        for (zh, en), expected in cases.items():
            with self.subTest(zh=zh, en=en):
                self.assertEqual(len(glossary_problems(zh, en, terms)), expected)

    def test_a_repeated_term_is_a_problem(self):
        _, problems = self.terms([{"zh": "技术员", "en": "technician", "note": ""}] * 2)
        self.assertEqual(
            [(p.line, p.reason) for p in problems], [(3, "«技术员» is also on line 2")]
        )


class TranslationCheckTests(TranslationFilesTestCase):
    def complete(self, **changes) -> dict:
        return complete_files(**changes)

    def check(self, **changes):
        return translations_check(data_dir=write_files(self.folder, self.complete(**changes)))

    def test_consistent_files_pass(self):
        result = self.check()
        self.assertEqual([str(p) for p in result.problems], [])

    def test_every_problem_names_its_file_line_and_reason(self):
        names = self.complete()["occupation_names"]
        # Not in the catalogue, and, ignoring case, a source article's name: AI trainer.
        names += [row("4-99-99-99", "不存在的职业", "Ai Trainer")]
        groups = [r for r in self.complete()["group_names"] if r["code"] != "4-04"]
        groups += [row("4-04", "信息传输和软件服务人员", "Information technology workers")]
        media = next(r for r in names if r["code"] == "4-13-01-05")
        media["en"] = "All-media runner"
        result = self.check(occupation_names=names, group_names=groups)
        problems = {(p.path.name, p.line, p.reason) for p in result.problems}
        line = 2 + names.index(media)
        self.assertIn(
            (
                "occupation_names.csv",
                line,
                "glossary: «运营师» is “operator” (glossary line 3), not in “All-media runner”",
            ),
            problems,
        )
        self.assertIn(
            (
                "occupation_names.csv",
                len(names) + 1,
                "duplicate English name “Ai Trainer”: also the name of 4-04-05-05 人工智能训练师",
            ),
            problems,
        )
        stale = [p for p in problems if p[0] == "group_names.csv" and p[2].startswith("stale")]
        self.assertEqual(len(stale), 1)
        self.assertEqual(stale[0][1], len(groups) + 1)
        self.assertIn(
            "occupation_names.csv: 1 rows name records the catalogue does not hold; "
            "not checked against the catalogue",
            result.notes,
        )

    def test_a_record_left_without_english_is_a_problem(self):
        groups = [r for r in self.complete()["group_names"] if r["code"] != "4-04-05"]
        definitions = [
            r for r in self.complete()["occupation_definitions"] if r["code"] != "4-10-08-01"
        ]
        result = self.check(group_names=groups, occupation_definitions=definitions)
        self.assertEqual(
            sorted(p.reason for p in result.problems),
            [
                "untranslated: 4-10-08-01 网约配送员 has no English definition",
                "untranslated: minor group 4-04-05 软件和信息技术服务人员 has no English name",
            ],
        )

    def test_a_row_without_english_is_a_problem(self):
        result = self.check(task_texts=[row("4-13-01-05", "策划内容", "", position="1")])
        self.assertEqual(
            [(p.path.name, p.line, p.reason) for p in result.problems],
            [("task_texts.csv", 2, "untranslated: no English")],
        )

    def test_the_command_exits_with_an_error_and_lists_the_problems(self):
        write_files(self.folder, self.complete())
        out = StringIO()
        call_command("check_translations", self.folder, stdout=out)
        self.assertIn("are consistent", out.getvalue())
        (self.folder / "glossary.csv").unlink()
        with self.assertRaises(CommandError):
            call_command("check_translations", self.folder, stdout=out)
        self.assertIn("glossary.csv: the glossary is missing", out.getvalue())


class ShippedTranslationsTests(TestCase):
    """The files in data/translations against the seed catalogue (and, with
    CATALOGUE_DATA_DIR, the whole classification): no problem of any kind."""

    fixtures = ["seed"]

    def assert_consistent(self):
        result = translations_check(data_dir=TRANSLATIONS_DIR)
        problems = [str(p) for p in result.problems]
        self.assertEqual(
            problems[:40], [], f"{len(problems)} problems; run manage.py check_translations"
        )

    def test_the_shipped_files_are_consistent(self):
        self.assert_consistent()

    def test_the_shipped_files_translate_the_whole_catalogue(self):
        # Everything in data/, as make run imports it: every record has its English, no row is
        # stale, no glossary term is left out.
        import_all(folder=Path(settings.CATALOGUE_DATA_DIR))
        self.assert_consistent()


def parse_csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(content.decode("utf-8-sig").splitlines()))


def csv_bytes(rows: list[dict], columns: list[str]) -> bytes:
    out = StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


class CuratorRoundTripTests(TranslationFilesTestCase):
    """Export what needs review from the admin, edit it, import it back."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from django.contrib.auth import get_user_model

        cls.curator = get_user_model().objects.create_superuser("curator", "c@example.org", "pw")

    def setUp(self):
        super().setUp()
        translations_import(data_dir=self.files())
        self.client.force_login(self.curator)

    def export(self, kind="occupation_names") -> list[dict]:
        from django.urls import reverse

        url = reverse("admin:catalogue_occupation_translations_export", args=[kind])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="{kind}-to-review.csv"'
        )
        return parse_csv(b"".join(response.streaming_content))

    def upload(self, rows, kind="occupation_names", name=None, follow=True):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        name = name or f"{kind}-to-review.csv"
        content = csv_bytes(rows, KINDS[kind].columns)
        return self.client.post(
            reverse("admin:catalogue_occupation_translations"),
            {"kind": "", "file": SimpleUploadedFile(name, content, "text/csv")},
            follow=follow,
        )

    def test_the_export_holds_what_is_untranslated_or_unreviewed(self):
        rows = {(r["code"], r["zh"]): r for r in self.export()}
        self.assertEqual(rows[("4-13-01-05", "全媒体运营师")]["en"], "Omnimedia operator")
        self.assertEqual(rows[("4-13-01-05", "全媒体运营师")]["status"], "unreviewed")
        # English from a source article is not a translation to review.
        self.assertNotIn(("4-04-05-05", "人工智能训练师"), rows)
        groups = {r["code"]: r for r in self.export("group_names")}
        self.assertEqual(groups["4-04-05"]["en"], "")  # untranslated
        self.assertEqual(groups["4"]["status"], "unreviewed")

    def test_a_reviewed_file_comes_back_with_its_history(self):
        rows = self.export()
        for r in rows:
            if r["code"] == "4-13-01-05":
                r.update(en="All-media operations specialist", status="reviewed")
            if r["code"] == "4-10-08-01":
                r["status"] = "reviewed"
        response = self.upload(rows)
        self.assertContains(response, "2 records updated")
        media = Occupation.objects.get(code="4-13-01-05")
        self.assertEqual(
            (media.name_en, media.name_en_origin, media.name_en_review),
            ("All-media operations specialist", "curator", "reviewed"),
        )
        delivery = Occupation.objects.get(code="4-10-08-01")
        self.assertEqual(
            (delivery.name_en, delivery.name_en_origin, delivery.name_en_review),
            ("Online delivery worker", "catalogue_translation", "reviewed"),
        )
        latest = media.history.first()
        self.assertEqual(latest.history_user, self.curator)
        self.assertEqual(
            latest.history_change_reason, "translations reviewed: occupation_names-to-review.csv"
        )
        self.assertEqual(media.history.all()[1].name_en, "Omnimedia operator")
        # Reviewed, it leaves the next export, and a later data import keeps it.
        self.assertNotIn("4-13-01-05", [r["code"] for r in self.export()])
        translations_import(data_dir=self.files())
        media.refresh_from_db()
        self.assertEqual(media.name_en, "All-media operations specialist")

    def test_a_bad_file_names_each_line_and_saves_nothing(self):
        rows = self.export()
        rows[0]["status"] = "ok"
        rows[1]["code"] = "9-99-99-99"
        before = snapshot()
        response = self.upload(rows)
        self.assertEqual(response.status_code, 200)
        errors = response.context["errors"]
        self.assertEqual(
            errors[0],
            "occupation_names-to-review.csv, line 2: status must be unreviewed or reviewed, "
            "not 'ok'",
        )
        self.assertIn("occupation_names-to-review.csv, line 3: no occupation 9-99-99-99", errors[1])
        self.assertContains(response, "Nothing was saved")
        self.assertEqual(snapshot(), before)

    def test_a_stale_row_is_refused_and_the_others_saved(self):
        rows = self.export()
        for r in rows:
            r["status"] = "reviewed"
        media = Occupation.objects.get(code="4-13-01-05")
        media.name_zh = "全媒体运营员"  # the classification renamed it since the export
        media.save()
        response = self.upload(rows)
        messages = [str(m) for m in response.context["messages"]]
        stale = [m for m in messages if m.startswith("Refused as stale")]
        line = 2 + [r["code"] for r in rows].index("4-13-01-05")
        self.assertIn(f"occupation_names-to-review.csv, line {line}: stale", stale[0])
        media.refresh_from_db()
        self.assertEqual(media.name_en_review, "unreviewed")
        self.assertEqual(Occupation.objects.get(code="4-10-08-01").name_en_review, "reviewed")

    def test_the_kind_is_told_from_the_file_name_or_chosen(self):
        response = self.upload(self.export(), name="reviewed.csv")
        self.assertContains(response, "Say what the file holds")

    def test_only_staff_may_export_or_import(self):
        from django.urls import reverse

        self.client.logout()
        for url in [
            reverse("admin:catalogue_occupation_translations"),
            reverse("admin:catalogue_occupation_translations_export", args=["group_names"]),
        ]:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)

    def test_the_changelists_filter_by_translation_status(self):
        from django.urls import reverse

        Occupation.objects.filter(code="4-10-08-01").update(name_en_review="reviewed")
        sourced = {"4-04-05-05", "4-01-06-02", "4-02-06-05", "4-04-04-04", "4-14-05-07"}
        # A record is listed when its name or its definition is in that state; the files give
        # two definitions.
        expected = {
            "untranslated": {*sourced, "2-02-38-07", "4-10-08-01"} - {"4-04-05-05"},
            "unreviewed": {"4-13-01-05", "2-02-38-07", "4-04-05-05"},
            "reviewed": {"4-10-08-01"},
            "sourced": sourced,
        }
        url = reverse("admin:catalogue_occupation_changelist")
        for value, codes in expected.items():
            with self.subTest(value):
                response = self.client.get(url, {"translation": value})
                found = {o.code for o in response.context["cl"].queryset if o.code}
                self.assertEqual(found, codes)
        groups = reverse("admin:catalogue_minorgroup_changelist")
        response = self.client.get(groups, {"translation": "untranslated"})
        self.assertEqual(response.context["cl"].result_count, MinorGroup.objects.count())
        self.assertContains(response, "Translations to review")


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def descendants(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.descendants()

    def text(self, skip_lang: str = "") -> str:
        """The text inside, leaving out elements in the language skip_lang."""
        parts = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif not (skip_lang and child.attrs.get("lang") == skip_lang):
                parts.append(child.text(skip_lang))
        return "".join(parts)


def parse_html(html: str) -> Node:
    from html.parser import HTMLParser

    void = {"meta", "link", "input", "br", "img", "hr", "source"}

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__()
            self.root = self.current = Node("root", {})

        def handle_starttag(self, tag, attrs):
            node = Node(tag, attrs, self.current)
            self.current.children.append(node)
            if tag not in void:
                self.current = node

        def handle_endtag(self, tag):
            node = self.current
            while node is not None and node.tag != tag:
                node = node.parent
            if node is not None and node.parent is not None:
                self.current = node.parent

        def handle_data(self, data):
            self.current.children.append(data)

    parser = Parser()
    parser.feed(html)
    return parser.root


class TranslatedPagesTests(TestCase):
    """Pages, API and downloads with the translations loaded."""

    fixtures = ["seed"]

    @classmethod
    def setUpTestData(cls):
        media = Occupation.objects.get(code="4-13-01-05")
        OccupationTask.objects.create(occupation=media, position=1, text_zh="策划内容")
        with tempfile.TemporaryDirectory() as folder:
            translations_import(data_dir=write_files(Path(folder), complete_files()))

    def page(self, url) -> Node:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return parse_html(response.content.decode())

    def assert_english_labels(self, labels, where):
        self.assertTrue(labels, f"no labels found on {where}")
        for label in labels:
            english = label.text(skip_lang="zh-Hans")
            with self.subTest(where=where, label=label.text().strip()[:40]):
                self.assertRegex(english, "[A-Za-z]{2}")

    def test_no_facet_breadcrumb_or_tree_label_on_an_english_page_is_chinese_only(self):
        root = self.page("/occupations/?major=4&middle=4-04&minor=4-04-05")
        facets = next(n for n in root.descendants() if "facets" in n.classes())
        options = [n for n in facets.descendants() if n.tag == "li"]
        self.assertGreaterEqual(len(options), 8)
        self.assert_english_labels(options, "facets")

        root = self.page("/occupations/all-media-operator/")
        crumbs = next(n for n in root.descendants() if "breadcrumbs" in n.classes())
        self.assert_english_labels([n for n in crumbs.descendants() if n.tag == "li"], "crumbs")

        root = self.page("/classification/")
        tree = next(n for n in root.descendants() if "tree" in n.classes())
        labels = [n for n in tree.descendants() if n.tag == "summary"]
        labels += [
            n for n in tree.descendants() if n.tag == "a" and "group-link" not in n.parent.classes()
        ]
        groups = [model.objects.count() for model in (MajorGroup, MiddleGroup, MinorGroup)]
        self.assertEqual(len(labels), sum(groups))
        self.assert_english_labels(labels, "tree")

    def test_a_translation_carries_its_mark_and_a_sourced_name_none(self):
        root = self.page("/occupations/all-media-operator/")
        [h1] = [n for n in root.descendants() if n.tag == "h1"]
        [mark] = [n for n in h1.descendants() if "tr-mark" in n.classes()]
        self.assertEqual(mark.attrs["title"], "catalogue translation, unreviewed")
        self.assertEqual(h1.text(skip_lang="en").strip(), "全媒体运营师")  # the Chinese beside
        marks = [n for n in root.descendants() if "tr-mark" in n.classes()]
        # Name, definition, task, and the three groups of the breadcrumbs.
        self.assertEqual(len(marks), 6)
        response = self.client.get("/occupations/ai-trainer/")
        [h1] = [n for n in parse_html(response.content.decode()).descendants() if n.tag == "h1"]
        self.assertFalse([n for n in h1.descendants() if "tr-mark" in n.classes()])
        self.assertContains(response, "<dt>English name</dt><dd>source article</dd>", html=False)
        self.assertContains(response, 'href="/about/translations/"')

    def test_a_reviewed_translation_is_ticked_and_chinese_pages_mark_it_in_chinese(self):
        Occupation.objects.filter(code="4-13-01-05").update(name_en_review="reviewed")
        response = self.client.get("/zh-hans/occupations/all-media-operator/")
        self.assertContains(response, 'title="本目录的翻译，已审校"><span aria-hidden="true">译✓')

    def test_chinese_pages_never_say_an_english_name_is_missing(self):
        from .factories import OccupationFactory

        OccupationFactory(slug="nameless", code="4-99-99-01", name_zh="某职业", name_en="")
        for url in ["/zh-hans/occupations/?major=4", "/zh-hans/occupations/nameless/"]:
            self.assertNotContains(self.client.get(url), "尚无审定的英文名称")
        self.assertContains(self.client.get("/occupations/nameless/"), "No curated English name")

    def test_the_group_chart_labels_english_names_with_their_mark(self):
        response = self.client.get("/insights/")
        self.assertContains(response, 'Group 4 service workers <tspan font-size="9" dy="-4">tr.')
        self.assertContains(response, 'href="/about/translations/"')
        rows = list(
            csv.reader(
                self.client.get("/insights/groups.csv").content.decode("utf-8-sig").splitlines()
            )
        )
        self.assertEqual(
            rows[0][:4], ["Code", "Major group (Chinese)", "Major group (English)", "English name"]
        )
        four = next(r for r in rows if r[0] == "4")
        self.assertEqual(
            four[1:4],
            [
                "社会生产服务和生活服务人员",
                "Group 4 service workers",
                "catalogue translation, unreviewed",
            ],
        )

    def test_the_api_gives_each_english_texts_origin_and_review(self):
        media = self.client.get("/api/v1/occupations/all-media-operator/").json()
        self.assertEqual(
            (media["name_en_origin"], media["name_en_review"]),
            ("catalogue_translation", "unreviewed"),
        )
        self.assertEqual(media["definition_en_origin"], "catalogue_translation")
        self.assertEqual(
            [(g["code"], g["name_en_origin"]) for g in media["classification_path"]],
            [
                ("4", "catalogue_translation"),
                ("4-13", "catalogue_translation"),
                ("4-13-01", "catalogue_translation"),
            ],
        )
        self.assertEqual(media["tasks"][0]["text_en_origin"], "catalogue_translation")
        trainer = self.client.get("/api/v1/occupations/ai-trainer/").json()
        self.assertEqual(
            (trainer["name_en_origin"], trainer["name_en_review"]), ("source_article", "unreviewed")
        )
        self.assertEqual(trainer["job_types"][0]["name_en_origin"], "catalogue_translation")
        listed = self.client.get("/api/v1/occupations/", {"q": "4-13-01-05"}).json()["results"][0]
        self.assertEqual(listed["name_en_origin"], "catalogue_translation")
        tree = self.client.get("/api/v1/classification/").json()
        self.assertEqual(tree[0]["name_en_origin"], "catalogue_translation")
        role = self.client.get("/api/v1/occupations/video-creator/").json()
        self.assertEqual((role["definition_en"], role["definition_en_origin"]), ("", None))

    def test_downloads_give_each_english_texts_origin_and_review(self):
        response = self.client.get("/occupations/export.csv", {"q": "4-13-01-05"})
        [media] = parse_csv(b"".join(response.streaming_content))
        self.assertEqual(
            [
                media[c]
                for c in [
                    "name_en_origin",
                    "name_en_review",
                    "definition_en_origin",
                    "definition_en_review",
                ]
            ],
            ["catalogue_translation", "unreviewed", "catalogue_translation", "unreviewed"],
        )

    def test_the_about_page_counts_the_translations(self):
        response = self.client.get("/about/translations/")
        counts = {row["label"]: row for row in response.context["counts"]}
        # 11 names from the source articles; 3 translations and the curators' 2.
        self.assertEqual(counts["occupation names"]["sourced"], 11)
        self.assertEqual(counts["occupation names"]["translated"], 5)
        self.assertEqual(counts["major group names"]["missing"], 0)
        self.assertContains(response, "there is no official English version")

    def test_translations_add_no_queries_to_a_page(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def count(url):
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(url).status_code, 200)
            return len(queries)

        urls = [
            "/occupations/?major=4",
            "/occupations/all-media-operator/",
            "/classification/",
            "/",
        ]
        translated = {url: count(url) for url in urls}
        for model in (Occupation, MajorGroup, MiddleGroup, MinorGroup):
            model.objects.update(name_en="", name_en_origin="")
        from django.core.cache import cache

        from catalogue import versioning

        cache.clear()
        versioning.forget()  # the update raised no version: drop the parts kept under it
        self.assertEqual({url: count(url) for url in urls}, translated)

    def test_the_suggestions_say_which_names_are_translations(self):
        results = self.client.get("/zh-hans/occupations/autocomplete/", {"q": "全媒体"}).json()
        media = results["results"][0]
        self.assertEqual(media["name_en_origin"], "catalogue_translation")
        self.assertEqual(media["name_en_status"], "本目录的翻译，未审校")
        trainer = self.client.get("/api/v1/autocomplete/", {"q": "人工智能训练"}).json()
        self.assertEqual(trainer["results"][0]["name_en_status"], "")


class TranslationPermissionTests(TestCase):
    fixtures = ["seed"]

    def test_a_curator_who_may_only_view_may_export_but_not_import(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Permission
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        viewer = get_user_model().objects.create_user("viewer", password="pw", is_staff=True)
        viewer.user_permissions.set(Permission.objects.filter(codename="view_occupation"))
        self.client.force_login(viewer)
        export = reverse(
            "admin:catalogue_occupation_translations_export", args=["occupation_names"]
        )
        self.assertEqual(self.client.get(export).status_code, 200)
        groups = reverse("admin:catalogue_occupation_translations_export", args=["group_names"])
        self.assertEqual(self.client.get(groups).status_code, 403)
        content = csv_bytes([], KINDS["occupation_names"].columns)
        response = self.client.post(
            reverse("admin:catalogue_occupation_translations"),
            {"file": SimpleUploadedFile("occupation_names.csv", content, "text/csv")},
        )
        self.assertEqual(response.status_code, 403)


class TranslatedSnippetTests(TestCase):
    fixtures = ["seed"]

    def test_a_snippet_of_a_translated_definition_carries_its_mark(self):
        from .helpers import index_for_search

        with tempfile.TemporaryDirectory() as folder:
            translations_import(data_dir=write_files(Path(folder), complete_files()))
        index_for_search()
        response = self.client.get("/occupations/", {"q": "definition"})
        self.assertContains(
            response,
            '<p class="definition snippet"><span lang="en"><mark>Definition</mark> of',
        )
        root = parse_html(response.content.decode())
        snippets = [n for n in root.descendants() if "snippet" in n.classes()]
        self.assertTrue(snippets)
        for snippet in snippets:
            self.assertTrue([n for n in snippet.descendants() if "tr-mark" in n.classes()])
