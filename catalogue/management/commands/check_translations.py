from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.translations import TRANSLATIONS_DIR, translations_check


class Command(BaseCommand):
    help = (
        "Check the translation files: glossary terms, duplicate English names, untranslated "
        "records, and rows whose Chinese no longer matches their record. Prints each problem "
        "with its file and line and exits with status 1 if there is any. DIR is the folder of "
        "the files (default: data/translations)."
    )

    def add_arguments(self, parser):
        parser.add_argument("data_dir", nargs="?", type=Path, default=TRANSLATIONS_DIR)

    def handle(self, *args, data_dir: Path, **options):
        if not data_dir.is_dir():
            raise CommandError(f"{data_dir} is not a folder.")
        result = translations_check(data_dir=data_dir)
        for note in result.notes:
            self.stdout.write(f"note: {note}")
        for problem in result.problems:
            self.stdout.write(str(problem))
        if result.problems:
            raise CommandError(
                f"{len(result.problems)} problems in the translations of {data_dir}."
            )
        self.stdout.write(self.style.SUCCESS(f"The translations of {data_dir} are consistent."))
