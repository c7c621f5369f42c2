from pathlib import Path

from django.core.management.base import CommandError

from catalogue.management import unbounded_statements
from catalogue.translations import KINDS, TRANSLATIONS_DIR, translations_import

from ._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the catalogue's English translations (names, definitions, group names, tasks, "
        "job types). DATA_DIR is the folder of the translation files "
        f"(default: {TRANSLATIONS_DIR.relative_to(TRANSLATIONS_DIR.parents[1])}). English from a "
        "source article, an official source or a curator is never overwritten."
    )
    label = "translations"

    def add_arguments(self, parser):
        parser.add_argument("data_dir", nargs="?", type=Path, default=TRANSLATIONS_DIR)
        super().add_arguments(parser)

    def handle(self, *args, data_dir: Path, dry_run: bool, verbosity: int, **options):
        unbounded_statements()
        if not data_dir.is_dir():
            raise CommandError(f"{data_dir} is not a folder.")
        total = sum(
            max(sum(1 for _ in path.open("rb")) - 1, 0)
            for path in (data_dir / kind.file for kind in KINDS.values())
            if path.is_file()
        )

        def run(**kwargs):
            report = translations_import(**kwargs)
            if verbosity > 1:
                report.list_limit = None
            return report

        self.run_import(run, total=total, data_dir=data_dir, dry_run=dry_run)
