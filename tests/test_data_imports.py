"""The registry of data imports that `make run` walks: order, checksums, skipping unchanged
files, warnings, and the data folder's checks."""

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from catalogue.data_imports import DATA_IMPORTS, DataDirError, data_dir, import_all, sha256
from catalogue.models import ImportedFile, Occupation, OccupationTask
from catalogue.record_imports import TASKS_FILE

from .data_files import FILES, write_data_folder
from .helpers import snapshot


class RegistryTests(TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self._tmp.cleanup)
        self.data = write_data_folder(Path(self._tmp.name) / "data")

    def statuses(self, outcomes):
        return {o.entry.name: o.status for o in outcomes}

    def test_the_first_run_imports_everything_in_order_and_records_each_file(self):
        outcomes = import_all(folder=self.data)
        self.assertEqual([o.entry.name for o in outcomes], [entry.name for entry in DATA_IMPORTS])
        self.assertEqual(set(self.statuses(outcomes).values()), {"imported"})
        recorded = {f.name: f for f in ImportedFile.objects.all()}
        # The catalogue's own files (synonyms, translations) come from the project's data/.
        own = {Path(name).name for e in DATA_IMPORTS if e.own for name in e.files}
        self.assertEqual(set(recorded), set(FILES) | own)
        self.assertEqual(recorded[TASKS_FILE].rows, 6)
        self.assertEqual(recorded[TASKS_FILE].sha256, sha256(self.data / TASKS_FILE))
        self.assertEqual(OccupationTask.objects.count(), 5)

    def test_unchanged_files_are_skipped_without_reading_the_catalogue(self):
        import_all(folder=self.data)
        before = snapshot()
        with CaptureQueriesContext(connection) as queries:
            outcomes = import_all(folder=self.data)
        self.assertEqual(set(self.statuses(outcomes).values()), {"unchanged"})
        # One read of the recorded checksums, and the transaction's savepoint.
        self.assertLessEqual(len(queries), 3, [q["sql"] for q in queries])
        self.assertEqual(snapshot(), before)

    def test_a_changed_file_runs_its_import_and_every_later_one(self):
        import_all(folder=self.data)
        (self.data / TASKS_FILE).write_text(
            FILES[TASKS_FILE].replace("训练和评测算法", "训练和评测人工智能算法"), encoding="utf-8"
        )
        statuses = self.statuses(import_all(folder=self.data))
        names = [entry.name for entry in DATA_IMPORTS]
        after = names[names.index("tasks") :]
        self.assertEqual({n for n, s in statuses.items() if s == "imported"}, set(after))
        self.assertTrue(OccupationTask.objects.filter(text_zh="训练和评测人工智能算法").exists())

    def test_a_file_with_fewer_rows_than_last_time_is_warned_of(self):
        import_all(folder=self.data)
        lines = FILES[TASKS_FILE].splitlines()
        (self.data / TASKS_FILE).write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
        outcome = next(o for o in import_all(folder=self.data) if o.entry.name == "tasks")
        self.assertEqual(len(outcome.warnings), 1)
        self.assertIn(f"{TASKS_FILE} has 5 rows, fewer than the 6 imported", outcome.warnings[0])

    def test_a_bad_file_stops_the_run_and_changes_nothing(self):
        import_all(folder=self.data)
        before = snapshot()
        recorded = ImportedFile.objects.get(name=TASKS_FILE).sha256
        (self.data / TASKS_FILE).write_text(
            FILES[TASKS_FILE] + "4-10-08-01,网约配送员,2,,4-10-08-01,code_and_name,1024,\n",
            encoding="utf-8",
        )
        with self.assertRaisesMessage(Exception, f"{TASKS_FILE}, line 8: the task has no text"):
            import_all(folder=self.data)
        self.assertEqual(snapshot(), before)
        self.assertEqual(ImportedFile.objects.get(name=TASKS_FILE).sha256, recorded)

    def test_a_dry_run_records_and_changes_nothing(self):
        before = snapshot()
        outcomes = import_all(folder=self.data, dry_run=True)
        self.assertTrue(all(o.report.dry_run for o in outcomes))
        tasks = next(o for o in outcomes if o.entry.name == "tasks")
        self.assertGreater(tasks.report.created["tasks"], 0)  # saw the classification
        self.assertEqual(snapshot(), before)

    def test_a_missing_optional_file_skips_its_import(self):
        (self.data / TASKS_FILE).unlink()
        statuses = self.statuses(import_all(folder=self.data))
        self.assertEqual(statuses["tasks"], "missing")
        self.assertEqual(statuses["job-types"], "imported")

    def test_the_command_says_what_it_skipped(self):
        call_command("import_data", str(self.data), stdout=StringIO(), stderr=StringIO())
        out = StringIO()
        call_command("import_data", str(self.data), stdout=out, stderr=StringIO())
        self.assertIn("tasks: files unchanged since the last import; skipped", out.getvalue())
        forced = StringIO()
        call_command(
            "import_data", str(self.data), only=["tasks"], stdout=forced, stderr=StringIO()
        )
        self.assertIn("tasks: 0 were created, 0 updated, 5 unchanged", forced.getvalue())


class DataDirTests(TestCase):
    def test_the_default_is_the_projects_own_data_folder(self):
        from django.conf import settings

        self.assertEqual(data_dir(), Path(settings.BASE_DIR) / "data")
        self.assertTrue((data_dir() / "README.md").is_file())

    def test_a_missing_folder_is_named_with_what_belongs_there(self):
        with self.assertRaises(DataDirError) as raised:
            data_dir("/no/such/folder")
        self.assertIn("/no/such/folder is not a folder", str(raised.exception))
        self.assertIn("cn_occupations_2022.csv", str(raised.exception))

    def test_a_folder_without_the_data_is_named_with_what_it_lacks(self):
        with tempfile.TemporaryDirectory() as folder, self.assertRaises(DataDirError) as raised:
            data_dir(folder)
        self.assertIn(f"{folder} does not hold cn_occupations_2022.csv", str(raised.exception))

    def test_the_command_refuses_a_wrong_path_with_that_message(self):
        with (
            override_settings(CATALOGUE_DATA_DIR=Path("/no/such/folder")),
            self.assertRaisesMessage(CommandError, "/no/such/folder is not a folder"),
        ):
            call_command("import_data", stdout=StringIO(), stderr=StringIO())
        self.assertFalse(Occupation.objects.exists())
