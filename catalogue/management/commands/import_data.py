import time
from pathlib import Path

from django.core.management.base import CommandError

from catalogue.data_imports import (
    DATA_IMPORTS,
    OWN_DATA_DIR,
    DataDirError,
    count_rows,
    data_dir,
    import_all,
)
from catalogue.imports import ImportFileError
from catalogue.management import unbounded_statements

from ._importing import ImportCommand, Progress


class Command(ImportCommand):
    help = (
        "Import the public reference data in order: "
        + ", ".join(entry.name for entry in DATA_IMPORTS)
        + ". Files unchanged since they were last imported are skipped (their checksums are "
        "kept in the database). PATH is the data folder; by default CATALOGUE_DATA_DIR, or the "
        "project's data/ when that is unset."
    )
    label = "data"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path)
        parser.add_argument(
            "--only",
            action="append",
            choices=[entry.name for entry in DATA_IMPORTS],
            help="Run only this import, changed or not (may be given more than once).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run every import, changed or not."
        )
        super().add_arguments(parser)

    def handle(self, *args, path, only, force, dry_run, **options):
        unbounded_statements()
        try:
            folder = data_dir(path)
        except DataDirError as error:
            raise CommandError(str(error)) from error
        started = time.monotonic()
        bars = []

        def progress_for(entry):
            total = count_rows((OWN_DATA_DIR if entry.own else folder) / entry.files[0])
            bar = Progress(self.stderr._out, total, entry.name)
            bars.append(bar)
            return bar

        try:
            outcomes = import_all(
                folder=folder,
                dry_run=dry_run,
                force=force,
                only=set(only) if only else None,
                progress_for=progress_for if options["verbosity"] else None,
            )
        except ImportFileError as error:
            raise CommandError(f"{error}. Nothing was imported.") from error
        finally:
            for bar in bars:
                bar.close()
        for outcome in outcomes:
            name = outcome.entry.name
            if outcome.status == "unchanged":
                self.stdout.write(f"{name}: files unchanged since the last import; skipped")
            elif outcome.status == "missing":
                where = OWN_DATA_DIR if outcome.entry.own else folder
                self.stderr.write(f"{name}: skipped, {', '.join(outcome.missing)} not in {where}")
            else:
                self.stdout.write(f"{name}:")
                for line in outcome.report.lines():
                    self.stdout.write(f"  {line}")
            for warning in outcome.warnings:
                self.stderr.write(self.style.WARNING(f"{name}: {warning}"))
        self.stdout.write(f"data: done in {time.monotonic() - started:.2f} s")
