"""Compile the project's .po catalogues into the .mo files Django reads."""

import shutil
from contextlib import chdir

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Compile the project's translations (LOCALE_PATHS only): with GNU gettext's msgfmt "
        "through compilemessages when it is installed, otherwise with Babel, so that a machine "
        "with only Python can build the site."
    )

    def handle(self, *args, **options):
        if shutil.which("msgfmt"):
            for path in settings.LOCALE_PATHS:
                # Only our catalogues: not every locale folder under the working directory.
                with chdir(path):
                    call_command("compilemessages", verbosity=options["verbosity"])
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for path in settings.LOCALE_PATHS:
            for po_path in sorted(path.glob("*/LC_MESSAGES/*.po")):
                with po_path.open("rb") as po_file:
                    catalog = read_po(po_file, abort_invalid=True)
                with po_path.with_suffix(".mo").open("wb") as mo_file:
                    write_mo(mo_file, catalog)
                if options["verbosity"]:
                    self.stdout.write(f"compiled {po_path} (Babel; msgfmt is not installed)")
