from pathlib import Path

from django.core.management.base import CommandError

from catalogue.imports import (
    ANNOUNCEMENT_DOCUMENTS_FILE,
    GROUPS_FILE,
    OCCUPATIONS_FILE,
    classification_import,
)
from catalogue.management import unbounded_statements

from ._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the national occupational classification: its major, middle and minor groups "
        f"and its occupations. PATH is the data folder (with {OCCUPATIONS_FILE} and "
        f"{GROUPS_FILE}) or the occupations file itself. The rows added from the 2024 and 2025 "
        f"announcements cite those announcements, as {ANNOUNCEMENT_DOCUMENTS_FILE} beside it "
        "describes them. `manage.py import_data` runs every import of the data folder."
    )
    label = "classification"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--groups", type=Path, help=f"The groups file (default: {GROUPS_FILE} beside PATH)."
        )
        super().add_arguments(parser)

    def handle(self, *args, path: Path, groups: Path | None, dry_run: bool, **options):
        unbounded_statements()
        occupations = path / OCCUPATIONS_FILE if path.is_dir() else path
        groups = groups or occupations.parent / GROUPS_FILE
        for file in (occupations, groups):
            if not file.is_file():
                raise CommandError(f"{file} is not a file.")
        documents = occupations.parent / ANNOUNCEMENT_DOCUMENTS_FILE
        total = sum(1 for _ in occupations.open("rb"))
        self.run_import(
            classification_import,
            total=total - 1,
            occupations_path=occupations,
            groups_path=groups,
            announcements_path=documents if documents.is_file() else None,
            dry_run=dry_run,
        )
