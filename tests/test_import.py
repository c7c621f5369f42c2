"""The classification and announcement imports, on small files each test writes itself,
and on the real public data in data/ (or CATALOGUE_DATA_DIR's)."""

from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from catalogue.imports import (
    ImportFileError,
    announcements_import,
    classification_import,
)
from catalogue.models import (
    Announcement,
    DataIssue,
    MajorGroup,
    MiddleGroup,
    MinorGroup,
    Occupation,
)

from .helpers import snapshot

GROUPS = """level,code,name_zh,parent_code
major,4,社会生产服务和生活服务人员,
middle,4-04,信息传输、软件和信息技术服务人员,4
minor,4-04-04,信息通信网络运行管理人员,4-04
minor,4-04-05,软件和信息技术服务人员,4-04
"""
HEADER = (
    "code,name_zh,major_code,major_name,middle_code,middle_name,minor_code,minor_name,"
    "is_digital,is_green,record_origin,new_occupation_batch,definition_zh,source_page,notes\n"
)


def occupation_line(
    code,
    name,
    *,
    digital="1",
    green="0",
    origin="2022_draft",
    definition="从事工作的人员。",
    page="217",
    notes="",
):
    minor = code[:7]
    return (
        f"{code},{name},4,社会生产服务和生活服务人员,4-04,信息传输、软件和信息技术服务人员,"
        f'{minor},小类,{digital},{green},{origin},,"{definition}",{page},{notes}\n'
    )


OCCUPATIONS = HEADER + "".join(
    [
        occupation_line(
            "4-04-05-05",
            "人工智能训练师",
            definition="使用智能训练软件，从事人工智能产品工作的人员。",
        ),
        occupation_line("4-04-05-06", "区块链应用操作员"),
        occupation_line("4-04-04-04", "信息安全测试员", page="215"),
        occupation_line(
            "4-04-04-06", "网络安全等级保护测评师", notes="announcement lists code 4-04-04-07"
        ),
        occupation_line("4-04-04-07", "密码技术应用员"),
        occupation_line(
            "4-04-05-13", "生成式人工智能系统应用员", origin="2025_new_occupation", page=""
        ),
    ]
)
ANNOUNCEMENTS = """batch_no,batch_date,batch_label,name_zh,code,code_origin,announcement_source,source_note
2,2020-02,第二批 16个新职业,人工智能训练师,4-04-05-05,name match,http://jszp.org/news/news_show/id/14535.html (新华社 2020-03-02: 近日发布); http://xzyzg.com/Abouts/xzy/,
2,2020-02,第二批 16个新职业,电气电子产品环保检测员,,no match,http://jszp.org/news/news_show/id/14535.html (新华社 2020-03-02: 近日发布); http://xzyzg.com/Abouts/xzy/,not found
3,2020-07-06,第三批 1个新职业,信息安全测试员,4-04-04-04,name match,http://english.shcn.gov.cn/art/2020/7/17/art_1140_561819.html (released July 6),
7,2025,第七批 17个新职业,生成式人工智能系统应用员,4-04-05-13,source data,crntt,
"""


class ImportTestCase(TestCase):
    def write(self, name: str, text: str, encoding="utf-8") -> Path:
        path = self.tmp / name
        path.write_bytes(text.encode(encoding))
        return path

    def setUp(self):
        import tempfile

        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = Path(self._tmp.name)
        self.addCleanup(self._tmp.cleanup)
        self.groups = self.write("groups.csv", GROUPS)
        self.occupations = self.write("occupations.csv", OCCUPATIONS)

    def import_classification(self, **kwargs):
        return classification_import(
            occupations_path=kwargs.pop("occupations", self.occupations),
            groups_path=kwargs.pop("groups", self.groups),
            **kwargs,
        )


class ClassificationImportTests(ImportTestCase):
    def test_counts_per_level_match_the_files(self):
        report = self.import_classification()
        self.assertEqual(
            [MajorGroup.objects.count(), MiddleGroup.objects.count(), MinorGroup.objects.count()],
            [1, 1, 2],
        )
        self.assertEqual(Occupation.objects.count(), 6)
        self.assertEqual(report.created["occupations"], 6)
        trainer = Occupation.objects.get(code="4-04-05-05")
        self.assertEqual(
            (trainer.name_zh, trainer.minor_group_id, trainer.is_digital, trainer.source_page),
            ("人工智能训练师", "4-04-05", True, 217),
        )
        self.assertEqual(trainer.slug, "ren-gong-zhi-neng-xun-lian-shi")
        self.assertEqual(trainer.name_pinyin, "rén gōng zhì néng xùn liàn shī")
        self.assertEqual(trainer.name_en, "")  # never invented
        self.assertEqual(
            (trainer.record_origin, trainer.origin_file), ("2022_draft", "occupations.csv")
        )
        self.assertEqual(
            trainer.history.first().history_change_reason, "import_classification occupations.csv"
        )

    def test_known_problems_become_flags(self):
        self.import_classification()
        issues = dict(Occupation.objects.values_list("code", "data_issues"))
        self.assertIn(DataIssue.QUESTIONABLE_CODE, issues["4-04-04-06"])
        self.assertIn(DataIssue.QUESTIONABLE_CODE, issues["4-04-04-07"])  # the code the note names
        self.assertNotIn(DataIssue.QUESTIONABLE_CODE, issues["4-04-05-05"])
        self.assertIn(DataIssue.DRAFT_EDITION, issues["4-04-05-05"])
        self.assertEqual(issues["4-04-05-13"], [])  # a 2025 addition is not from the draft

    def test_second_run_changes_nothing(self):
        self.import_classification()
        before = snapshot()
        report = self.import_classification()
        self.assertEqual(snapshot(), before)
        self.assertEqual(report.unchanged["occupations"], 6)
        self.assertEqual(sum(report.created.values()) + sum(report.updated.values()), 0)

    def test_dry_run_changes_nothing_but_reports(self):
        before = snapshot()
        report = self.import_classification(dry_run=True)
        self.assertEqual(snapshot(), before)
        self.assertEqual(report.created["occupations"], 6)
        self.assertIn("Dry run: nothing was written.", report.lines())

    def test_a_file_with_fewer_rows_than_its_last_import_is_reported(self):
        report = self.import_classification()
        self.assertEqual(report.warnings, [])
        # Cut cleanly at the end of a line: it parses, and only its length gives it away.
        cut = self.write("occupations.csv", OCCUPATIONS[: OCCUPATIONS.index("\n4-04-04-07,") + 1])
        warning = "occupations.csv has 4 rows where its last import had 6: is it complete?"
        # A dry run says so too, and remembers nothing.
        self.assertEqual(
            self.import_classification(occupations=cut, dry_run=True).warnings, [warning]
        )
        report = self.import_classification(occupations=cut)
        self.assertEqual(report.warnings, [warning])
        self.assertIn(f"Warning: {warning}", report.lines())
        # Its records are kept, not deleted; the next import compares with this one.
        self.assertEqual(Occupation.objects.count(), 6)
        self.assertEqual(self.import_classification().warnings, [])

    def test_the_command_prints_the_warning(self):
        self.import_classification()
        cut = self.write("occupations.csv", OCCUPATIONS[: OCCUPATIONS.index("\n4-04-04-07,") + 1])
        err = StringIO()
        call_command(
            "import_classification", str(cut), groups=self.groups, stdout=StringIO(), stderr=err
        )
        self.assertIn("has 4 rows where its last import had 6", err.getvalue())

    def test_changes_in_the_data_update_owned_fields(self):
        self.import_classification()
        changed = self.write(
            "occupations.csv",
            OCCUPATIONS.replace("区块链应用操作员,4,", "区块链应用操作员,4,").replace(
                "4-04-05-06,区块链应用操作员,4,社会生产服务和生活服务人员,4-04,信息传输、软件和信息技术服务人员,4-04-05,小类,1",
                "4-04-05-06,区块链应用操作员,4,社会生产服务和生活服务人员,4-04,信息传输、软件和信息技术服务人员,4-04-05,小类,0",
            ),
        )
        report = self.import_classification(occupations=changed)
        self.assertEqual(report.updated["occupations"], 1)
        self.assertFalse(Occupation.objects.get(code="4-04-05-06").is_digital)

    def test_curated_fields_survive_a_reimport(self):
        self.import_classification()
        curator = get_user_model().objects.create_superuser("curator", "c@example.org", "pw")
        self.client.force_login(curator)
        trainer = Occupation.objects.get(code="4-04-05-05")
        # A curator mends the definition and adds an English name in the admin.
        trainer.definition_zh = "修订后的定义。"
        trainer.name_en = "AI trainer"
        url = reverse("admin:catalogue_occupation_change", args=[trainer.pk])
        form = self.client.get(url).context["adminform"].form
        data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
        # Fields with callable defaults carry a hidden initial value, as the browser posts it.
        data.update(
            {
                f"initial-{name}": data[name]
                for name, f in form.fields.items()
                if f.show_hidden_initial and name in data
            }
        )
        data.update({"definition_zh": "修订后的定义。", "name_en": "AI trainer"})
        for inline in self.client.get(url).context["inline_admin_formsets"]:
            prefix = inline.formset.prefix
            data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
        data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
        # Array fields post as one comma-separated value; an empty many-to-many posts nothing.
        data = {k: ",".join(v) if isinstance(v, list) else v for k, v in data.items()}
        data.pop("related")
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.context and response.context["errors"])
        trainer.refresh_from_db()
        self.assertEqual(trainer.curated_fields, ["definition_zh"])

        report = self.import_classification()
        trainer.refresh_from_db()
        self.assertEqual((trainer.definition_zh, trainer.name_en), ("修订后的定义。", "AI trainer"))
        self.assertEqual(report.kept_curated["occupations"], 1)
        self.assertEqual(report.unchanged["occupations"], 6)


class BadFileTests(ImportTestCase):
    """Each kind of bad file stops the import with file, line and reason, and writes nothing."""

    def assertRejected(self, line, reason, *, occupations=None, groups=None):
        before = snapshot()
        with self.assertRaises(ImportFileError) as raised:
            self.import_classification(
                occupations=occupations or self.occupations, groups=groups or self.groups
            )
        error = raised.exception
        self.assertEqual(error.line, line, str(error))
        self.assertIn(reason, str(error))
        self.assertEqual(snapshot(), before)
        return error

    def test_malformed_row(self):
        bad = self.write(
            "occupations.csv",
            OCCUPATIONS + "4-04-05-07,多一列,4,x,4-04,x,4-04-05,x,0,0,2022_draft,,定义,1,,extra\n",
        )
        error = self.assertRejected(8, "expected 15 fields, found 16", occupations=bad)
        self.assertTrue(str(error).startswith("occupations.csv, line 8:"))

    def test_unknown_column(self):
        bad = self.write("occupations.csv", OCCUPATIONS.replace("notes\n", "remarks\n", 1))
        self.assertRejected(
            1, "unknown column(s) remarks; missing column(s) notes", occupations=bad
        )

    def test_duplicate_code(self):
        bad = self.write("occupations.csv", OCCUPATIONS + occupation_line("4-04-05-05", "重复"))
        self.assertRejected(8, "duplicate code 4-04-05-05 (first on line 2)", occupations=bad)

    def test_bad_code_format(self):
        bad = self.write("occupations.csv", OCCUPATIONS + occupation_line("4-04-05-5", "短码"))
        self.assertRejected(8, "bad occupation code '4-04-05-5'", occupations=bad)

    def test_wrong_encoding(self):
        bad = self.write("occupations.csv", OCCUPATIONS, encoding="gb18030")
        self.assertRejected(2, "is not UTF-8 text", occupations=bad)

    def test_truncated_file(self):
        cut = OCCUPATIONS[: OCCUPATIONS.index("使用智能训练软件") + 4]  # inside a quoted field
        bad = self.write("occupations.csv", cut)
        self.assertRejected(2, "malformed CSV", occupations=bad)

    def test_file_cut_off_between_fields(self):
        cut = OCCUPATIONS[: OCCUPATIONS.index(',4-04-05,小类,1,0,2022_draft,,"从事工作')]
        bad = self.write("occupations.csv", cut)
        self.assertRejected(3, "expected 15 fields", occupations=bad)

    def test_flag_that_is_not_zero_or_one(self):
        bad = self.write(
            "occupations.csv", OCCUPATIONS + occupation_line("4-04-05-09", "旗", digital="S")
        )
        self.assertRejected(8, "is_digital must be 0 or 1", occupations=bad)

    def test_a_nul_character(self):
        bad = self.write("occupations.csv", OCCUPATIONS + occupation_line("4-04-05-09", "空\x00字"))
        self.assertRejected(8, "a NUL character", occupations=bad)

    def test_a_page_number_in_other_digits(self):
        bad = self.write(
            "occupations.csv", OCCUPATIONS + occupation_line("4-04-05-09", "页", page="²")
        )
        self.assertRejected(8, "source_page must be a page number, not '²'", occupations=bad)

    def test_code_outside_its_groups(self):
        bad = self.write("occupations.csv", OCCUPATIONS + occupation_line("4-04-06-01", "无组"))
        self.assertRejected(
            8, "minor group 4-04-06 of 4-04-06-01 is not in the groups file", occupations=bad
        )

    def test_bad_group_parent(self):
        bad = self.write("groups.csv", GROUPS + "minor,4-05-01,小类,4-04\n")
        self.assertRejected(6, "group 4-05-01 needs parent_code 4-05", groups=bad)

    def test_empty_file(self):
        bad = self.write("occupations.csv", "")
        self.assertRejected(1, "the file is empty", occupations=bad)

    def test_command_names_file_and_line_and_fails(self):
        bad = self.write("occupations.csv", OCCUPATIONS + occupation_line("4-04-05-5", "短码"))
        with self.assertRaises(CommandError) as raised:
            call_command(
                "import_classification",
                str(bad),
                groups=self.groups,
                stdout=StringIO(),
                stderr=StringIO(),
            )
        self.assertIn("occupations.csv, line 8: bad occupation code", str(raised.exception))
        self.assertIn("Nothing was imported", str(raised.exception))


class CommandTests(ImportTestCase):
    def test_summary_and_plain_progress_lines_when_not_a_terminal(self):
        out, err = StringIO(), StringIO()
        call_command(
            "import_classification",
            str(self.occupations),
            groups=self.groups,
            stdout=out,
            stderr=err,
        )
        self.assertIn("occupations: 6 were created, 0 updated, 0 unchanged", out.getvalue())
        self.assertIn("skipped: 0", out.getvalue())
        self.assertIn("classification: 6/6 rows", err.getvalue())

    def test_dry_run_option(self):
        out = StringIO()
        call_command(
            "import_classification",
            str(self.occupations),
            "--dry-run",
            groups=self.groups,
            stdout=out,
            stderr=StringIO(),
        )
        self.assertIn("6 would be created", out.getvalue())
        self.assertFalse(Occupation.objects.exists())


class AnnouncementImportTests(ImportTestCase):
    def setUp(self):
        super().setUp()
        self.import_classification()
        self.announcements = self.write("announcements.csv", ANNOUNCEMENTS)

    def test_batches_link_their_occupations_and_uncoded_ones_are_kept(self):
        report = announcements_import(path=self.announcements)
        self.assertEqual(report.created["announcements"], 3)
        batch2 = Announcement.objects.get(batch_number=2)
        self.assertEqual(
            (batch2.date.isoformat(), batch2.date_precision, batch2.date_display),
            ("2020-02-01", "month", "2020-02"),
        )
        self.assertEqual(
            batch2.source_urls,
            ["http://jszp.org/news/news_show/id/14535.html", "http://xzyzg.com/Abouts/xzy/"],
        )
        self.assertEqual(Occupation.objects.get(code="4-04-05-05").announcement, batch2)
        uncoded = Occupation.objects.get(name_zh="电气电子产品环保检测员")
        self.assertIsNone(uncoded.code)
        self.assertTrue(uncoded.needs_review)
        self.assertEqual(uncoded.data_issues, [DataIssue.NO_CODE])
        self.assertEqual(uncoded.announcement, batch2)
        self.assertEqual(Announcement.objects.get(batch_number=7).date_precision, "year")
        # The label promises 16 and 17 names; the file has fewer: the batch says so.
        self.assertEqual(batch2.data_issues, [DataIssue.INCOMPLETE_BATCH])
        self.assertEqual(Announcement.objects.get(batch_number=3).data_issues, [])

    def test_second_run_changes_nothing(self):
        announcements_import(path=self.announcements)
        before = snapshot()
        report = announcements_import(path=self.announcements)
        self.assertEqual(snapshot(), before)
        self.assertEqual(report.unchanged["announcements"], 3)

    def test_dry_run_changes_nothing(self):
        before = snapshot()
        announcements_import(path=self.announcements, dry_run=True)
        self.assertEqual(snapshot(), before)

    def test_unknown_code_is_an_error_with_its_line(self):
        bad = self.write(
            "announcements.csv",
            ANNOUNCEMENTS
            + "3,2020-07-06,第三批 1个新职业,不存在,4-04-05-99,x,http://english.shcn.gov.cn/art/2020/7/17/art_1140_561819.html (released July 6),\n",
        )
        before = snapshot()
        with self.assertRaises(ImportFileError) as raised:
            announcements_import(path=bad)
        self.assertEqual(raised.exception.line, 6)
        self.assertIn("4-04-05-99 (不存在) is not in the catalogue", str(raised.exception))
        self.assertEqual(snapshot(), before)

    def test_a_batch_number_in_other_digits(self):
        header = ANNOUNCEMENTS.split("\n", 1)[0] + "\n"
        bad = self.write("announcements.csv", header + "①,2020,第二批,人工智能训练师,,x,y,\n")
        with self.assertRaises(ImportFileError) as raised:
            announcements_import(path=bad)
        self.assertEqual(raised.exception.line, 2)
        self.assertIn("batch_no must be a number from 1, not '①'", str(raised.exception))

    def test_bad_date_and_inconsistent_batch(self):
        cases = {
            "2,2020/02,第二批 16个新职业,人工智能训练师,4-04-05-05,x,y,\n": "batch_date must be",
            "3,2020-07-06,第三批 2个新职业,区块链应用操作员,4-04-05-06,x,y,\n": "batch 3's label differs",
        }
        for line, reason in cases.items():
            with self.subTest(reason):
                header = ANNOUNCEMENTS.split("\n", 1)[0] + "\n"
                bad = self.write(
                    "announcements.csv", ANNOUNCEMENTS + line if "第三批" in line else header + line
                )
                with self.assertRaises(ImportFileError) as raised:
                    announcements_import(path=bad)
                self.assertIn(reason, str(raised.exception))


class SeedAndImportAgreeTests(ImportTestCase):
    fixtures = ["seed"]

    def test_seed_occupations_are_the_classification_records(self):
        self.import_classification()
        self.assertEqual(Occupation.objects.filter(code="4-04-05-05").count(), 1)
        trainer = Occupation.objects.get(code="4-04-05-05")
        # The seed's slug, English name and quotes stay; the import's fields are the file's.
        self.assertEqual((trainer.slug, trainer.name_en), ("ai-trainer", "AI trainer"))
        self.assertEqual(trainer.definition_zh, "使用智能训练软件，从事人工智能产品工作的人员。")
        self.assertTrue(trainer.quotes.exists())
        self.assertEqual(Occupation.objects.filter(name_zh="人工智能训练师").count(), 1)


DATA_DIR = str(settings.CATALOGUE_DATA_DIR)


class RealDataTests(TestCase):
    """The public reference data itself (data/), imported on top of the seed."""

    fixtures = ["seed"]

    def test_full_classification_and_batches(self):
        out = StringIO()
        call_command("import_classification", DATA_DIR, stdout=out, stderr=StringIO())
        call_command("import_announcements", DATA_DIR, stdout=out, stderr=StringIO())
        self.assertEqual(
            [MajorGroup.objects.count(), MiddleGroup.objects.count(), MinorGroup.objects.count()],
            [8, 74, 382],
        )
        self.assertEqual(Occupation.objects.exclude(code=None).count(), 1671)
        self.assertEqual(Announcement.objects.count(), 7)
        self.assertEqual(Occupation.objects.exclude(announcement=None).count(), 108)
        self.assertEqual(Occupation.objects.get(name_zh="电气电子产品环保检测员").code, None)
        self.assertIn(
            DataIssue.GARBLED_DEFINITION, Occupation.objects.get(code="6-22-01-01").data_issues
        )
        self.assertIn(
            DataIssue.QUESTIONABLE_CODE, Occupation.objects.get(code="3-02-02-00").data_issues
        )
        self.assertEqual(
            Announcement.objects.get(batch_number=4).data_issues, [DataIssue.INCOMPLETE_BATCH]
        )
        self.assertEqual(Occupation.objects.get(code="4-04-05-05").slug, "ai-trainer")

        before = snapshot()
        again = StringIO()
        call_command("import_classification", DATA_DIR, stdout=again, stderr=StringIO())
        call_command("import_announcements", DATA_DIR, stdout=again, stderr=StringIO())
        self.assertEqual(snapshot(), before)
        self.assertIn("occupations: 0 were created, 0 updated, 1671 unchanged", again.getvalue())
