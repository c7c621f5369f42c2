from pathlib import Path

from django.core.management.base import CommandError

from catalogue.imports import GROUPS_FILE, OCCUPATIONS_FILE, classification_import
from catalogue.management import unbounded_statements

from ._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the national occupational classification: its major, middle and minor groups "
        f"and its occupations. PATH is the data folder (with {OCCUPATIONS_FILE} and "
        f"{GROUPS_FILE}) or the occupations file itself."
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
        total = sum(1 for _ in occupations.open("rb"))
        self.run_import(
            classification_import,
            total=total - 1,
            occupations_path=occupations,
            groups_path=groups,
            dry_run=dry_run,
        )
