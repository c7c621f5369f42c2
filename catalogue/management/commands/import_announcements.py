from pathlib import Path

from django.core.management.base import CommandError

from catalogue.imports import ANNOUNCEMENTS_FILE, announcements_import
from catalogue.management import unbounded_statements

from ._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the new-occupation batches announced by MOHRSS and link their occupations by "
        f"code. PATH is the data folder (with {ANNOUNCEMENTS_FILE}) or the file itself. "
        "Import the classification first."
    )
    label = "announcements"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        super().add_arguments(parser)

    def handle(self, *args, path: Path, dry_run: bool, **options):
        unbounded_statements()
        file = path / ANNOUNCEMENTS_FILE if path.is_dir() else path
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        total = sum(1 for _ in file.open("rb"))
        self.run_import(announcements_import, total=total - 1, path=file, dry_run=dry_run)
