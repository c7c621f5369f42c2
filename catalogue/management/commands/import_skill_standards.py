from pathlib import Path

from django.core.management.base import CommandError

from catalogue.imports_standards import (
    REQUIREMENTS_FILE,
    STANDARDS_FILE,
    WEIGHTS_FILE,
    default_data_dir,
    skill_standards_import,
    total_rows,
)
from catalogue.management import unbounded_statements

from ._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the national vocational skill standards: OSTA's list of standards "
        f"({STANDARDS_FILE}), their weight tables ({WEIGHTS_FILE}) and their extracted work "
        f"requirements ({REQUIREMENTS_FILE}), in that order. DATA_DIR is the folder holding "
        "them (default: CATALOGUE_DATA_DIR when set, else the project's data/). Import the "
        "classification first, so that standards find their occupations."
    )
    label = "skill standards"

    def add_arguments(self, parser):
        parser.add_argument("data_dir", nargs="?", type=Path)
        super().add_arguments(parser)

    def handle(self, *args, data_dir: Path | None, dry_run: bool, **options):
        unbounded_statements()
        folder = data_dir or default_data_dir()
        for name in (STANDARDS_FILE, WEIGHTS_FILE, REQUIREMENTS_FILE):
            if not (folder / name).is_file():
                raise CommandError(f"{folder / name} is not a file.")
        self.run_import(
            skill_standards_import,
            total=total_rows(folder),
            data_dir=folder,
            dry_run=dry_run,
        )
