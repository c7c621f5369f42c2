from pathlib import Path

from django.core.management.base import CommandError

from catalogue.management import unbounded_statements
from catalogue.synonyms import SYNONYMS_FILE, search_synonyms_import

from ._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the curated search synonyms (words people search with, each pointing at an "
        f"occupation, with its reason). PATH is the data folder (with {SYNONYMS_FILE}) or the "
        "file itself. Import the classification first."
    )
    label = "search synonyms"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        super().add_arguments(parser)

    def handle(self, *args, path: Path, dry_run: bool, **options):
        unbounded_statements()
        file = path / SYNONYMS_FILE if path.is_dir() else path
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        total = sum(1 for _ in file.open("rb"))
        self.run_import(search_synonyms_import, total=total - 1, path=file, dry_run=dry_run)
